package org.civicstack.platform.security.jose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.platform.security.AccessTokenType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

/**
 * The resource-server decoder as the platform builds it ({@code withJwkSetUri} + {@link TokenSignatures}), against
 * a JWKS holding an Ed25519 and an RSA key, with tokens composed here byte by byte.
 */
class TokenSignaturesTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static WireMockServer jwks;
    private static KeyPair ed;
    private static RSAKey rsa;
    private static NimbusReactiveJwtDecoder decoder;

    @BeforeAll
    static void serveKeys() throws Exception {
        ed = Ed25519.generate();
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519.raw(ed.getPublic())))
                .keyID("ed-1").build();
        jwks = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        jwks.start();
        jwks.stubFor(WireMock.get("/jwks").willReturn(WireMock.okJson(
                new JWKSet(List.of(okp, rsa.toPublicJWK())).toString())));
        decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwks.baseUrl() + "/jwks")
                .jwtProcessorCustomizer(processor -> TokenSignatures.configure(processor,
                        new JWKSecurityContextJWKSet(), TokenSignatures.IDENTITY_ALGORITHMS))
                .build();
        // as the platform's decoder: typ at+jwt instead of the default "JWT" check, expiry
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(AccessTokenType.validator()));
    }

    @AfterAll
    static void stop() {
        jwks.stop();
    }

    private static String claims() {
        return new JWTClaimsSet.Builder().subject("citizen-1").issuer("http://identity")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build().toString();
    }

    private static String eddsa(String headerJson, String claimsJson, Ed25519 with) throws Exception {
        String input = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + '.'
                + B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        return input + '.' + B64.encodeToString(with.sign(ed.getPrivate(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Jwt decode(String token) {
        return decoder.decode(token).block(Duration.ofSeconds(10));
    }

    @Test
    void acceptsEdDsaTokensSignedNativelyOrByTheJdkAndPs256Tokens() throws Exception {
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"typ\":\"at+jwt\"}";
        assertThat(decode(eddsa(header, claims(), Ed25519.DEFAULT)).getSubject()).isEqualTo("citizen-1");
        assertThat(decode(eddsa(header, claims(), Ed25519.jdk())).getHeaders()).containsEntry("alg", "EdDSA");

        SignedJWT ps256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa-1")
                .type(new JOSEObjectType("at+jwt")).build(), JWTClaimsSet.parse(claims()));
        ps256.sign(new RSASSASigner(rsa));
        assertThat(decode(ps256.serialize()).getSubject()).isEqualTo("citizen-1");
    }

    @Test
    void theGoodTokenOfTheRefusalTestIsAcceptedSoEachRefusalIsItsOwn() throws Exception {
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"typ\":\"at+jwt\"}";
        assertThat(decode(eddsa(header, claims(), Ed25519.DEFAULT)).getSubject()).isEqualTo("citizen-1");
    }

    @Test
    void refusesTamperedForeignAndUnlistedAlgorithmTokens() throws Exception {
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"typ\":\"at+jwt\"}";
        String good = eddsa(header, claims(), Ed25519.DEFAULT);
        String[] parts = good.split("\\.");
        String otherClaims = B64.encodeToString(claims().replace("citizen-1", "citizen-2").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decode(parts[0] + '.' + otherClaims + '.' + parts[2])).isInstanceOf(JwtException.class);

        KeyPair foreign = Ed25519.generate();
        String input = parts[0] + '.' + parts[1];
        String forged = input + '.' + B64.encodeToString(Ed25519.DEFAULT.sign(foreign.getPrivate(),
                input.getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> decode(forged)).isInstanceOf(JwtException.class);

        // a 63-byte signature, a critical header nobody understands, EdDSA naming the RSA key, RS256 (not listed)
        assertThatThrownBy(() -> decode(input + '.' + B64.encodeToString(new byte[63]))).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decode(eddsa("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"typ\":\"at+jwt\",\"crit\":[\"x\"],\"x\":1}",
                claims(), Ed25519.DEFAULT))).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decode(eddsa("{\"alg\":\"EdDSA\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", claims(), Ed25519.DEFAULT)))
                .isInstanceOf(JwtException.class);
        SignedJWT rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
                .type(new JOSEObjectType("at+jwt")).build(),
                JWTClaimsSet.parse(claims()));
        rs256.sign(new RSASSASigner(rsa));
        assertThatThrownBy(() -> decode(rs256.serialize())).isInstanceOf(JwtException.class)
                .hasMessageContaining("RS256");
    }
}
