package org.civicstack.identity.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.platform.security.jose.Ed25519;
import org.civicstack.platform.security.jose.Ed25519JwsVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * identity's encoder against the library's: for PS256 the same header and claims JSON as Spring's
 * {@code NimbusJwtEncoder} with the same key and a signature Nimbus verifies with the published key; for EdDSA the
 * same claims JSON and a signature the JDK's own Ed25519 verifies; no algorithm outside the two series, and no
 * header member it would silently drop.
 */
@ServiceIntegrationTest
class RotatingJwtEncoderIT {

    @Autowired
    JwtEncoder encoder;
    @Autowired
    SigningKeyRing ring;

    static JwtEncoderParameters citizenToken(JwsHeader header) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer("http://localhost:8080")
                .subject("3f1c4a5e-0000-4000-8000-000000000001")
                .audience(List.of("civicstack"))
                .issuedAt(now).notBefore(now).expiresAt(now.plusSeconds(300))
                .id("jti-1")
                .claim("scope", "openid phone")
                .claim("amr", List.of("sms"))
                .claim("auth_time", Date.from(now.minusSeconds(60)))
                .claim("act", Map.of("sub", "civicstack-gateway"))
                .build();
        return JwtEncoderParameters.from(header, claims);
    }

    static Map<String, Object> part(String token, int index) throws Exception {
        return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index])));
    }

    private static final JwsAlgorithm EDDSA = KeySeries.TOKENS.jwsAlgorithm();

    /** Spring's own encoder over the current PS256 key, private half included, for the comparison. */
    private NimbusJwtEncoder libraryEncoder() throws Exception {
        ActiveSigningKey key = ring.current(KeySeries.AGENCY_ASSERTIONS);
        RSAKey published = (RSAKey) ring.publicJwkSet().getKeyByKeyId(key.kid());
        RSAKey full = new RSAKey.Builder(published).privateKey(key.privateKey()).build();
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(full)));
    }

    @Test
    void signsAgencyAssertionsAsTheLibraryWouldAndNimbusVerifiesThemWithThePublishedKey() throws Exception {
        JwtEncoderParameters parameters = citizenToken(JwsHeader.with(SignatureAlgorithm.PS256).type("at+jwt").build());
        String kid = ring.current(KeySeries.AGENCY_ASSERTIONS).kid();

        Jwt ours = encoder.encode(parameters);
        Jwt library = libraryEncoder().encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.PS256).type("at+jwt").keyId(kid).build(), parameters.getClaims()));

        assertThat(part(ours.getTokenValue(), 0)).isEqualTo(part(library.getTokenValue(), 0));
        assertThat(part(ours.getTokenValue(), 1)).isEqualTo(part(library.getTokenValue(), 1));
        SignedJWT parsed = SignedJWT.parse(ours.getTokenValue());
        RSAKey published = (RSAKey) ring.publicJwkSet().getKeyByKeyId(kid);
        assertThat(parsed.verify(new RSASSAVerifier(published))).isTrue();
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("PS256");
        assertThat(parsed.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(parsed.getJWTClaimsSet().getAudience()).containsExactly("civicstack");
        assertThat(part(ours.getTokenValue(), 1).get("auth_time")).as("dates as epoch seconds")
                .isEqualTo(parameters.getClaims().getIssuedAt().minusSeconds(60).getEpochSecond());
        assertThat(ours.getHeaders()).containsEntry("alg", SignatureAlgorithm.PS256).containsEntry("typ", "at+jwt")
                .containsEntry("kid", kid);
        assertThat(ours.getExpiresAt()).isEqualTo(parameters.getClaims().getExpiresAt());
        assertThat(ours.getClaims()).isEqualTo(parameters.getClaims().getClaims());
    }

    @Test
    void signsAccessAndIdTokensEdDsaWithTheSameClaimsAndTheJdkVerifiesThemWithThePublishedKey() throws Exception {
        JwtEncoderParameters parameters = citizenToken(JwsHeader.with(EDDSA).type("at+jwt").build());
        String kid = ring.current(KeySeries.TOKENS).kid();

        Jwt ours = encoder.encode(parameters);
        Jwt library = libraryEncoder().encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.PS256).type("at+jwt").build(), parameters.getClaims()));

        assertThat(part(ours.getTokenValue(), 0)).containsExactlyInAnyOrderEntriesOf(
                Map.of("alg", "EdDSA", "kid", kid, "typ", "at+jwt"));
        assertThat(part(ours.getTokenValue(), 1)).as("claims JSON as the library writes it")
                .isEqualTo(part(library.getTokenValue(), 1));
        SignedJWT parsed = SignedJWT.parse(ours.getTokenValue());
        OctetKeyPair published = (OctetKeyPair) ring.publicJwkSet().getKeyByKeyId(kid);
        assertThat(published.getCurve()).isEqualTo(Curve.Ed25519);
        assertThat(parsed.getSignature().decode()).hasSize(64);
        assertThat(parsed.verify(new Ed25519JwsVerifier(Ed25519.publicKey(published.getX().decode()), Ed25519.jdk())))
                .as("verified by the JDK's own Ed25519").isTrue();
        assertThat(ours.getHeaders().get("alg").toString()).isEqualTo("EdDSA");
        assertThat(ours.getHeaders()).containsEntry("kid", kid).containsEntry("typ", "at+jwt");
        assertThat(ours.getClaims()).isEqualTo(parameters.getClaims().getClaims());
    }

    @Test
    void theKeyThatSignsNowNamesItselfWhateverTheCallerAsked() throws Exception {
        Jwt jwt = encoder.encode(citizenToken(JwsHeader.with(EDDSA).keyId("someone-elses").build()));

        SignedJWT parsed = SignedJWT.parse(jwt.getTokenValue());
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(ring.current(KeySeries.TOKENS).kid());
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
    }

    @Test
    void anAlgorithmWithoutASeriesIsRefused() {
        for (SignatureAlgorithm algorithm : List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256,
                SignatureAlgorithm.PS384)) {
            assertThatThrownBy(() -> encoder.encode(citizenToken(JwsHeader.with(algorithm).build())))
                    .as(algorithm.getName()).isInstanceOf(JwtEncodingException.class)
                    .hasMessageContaining("identity signs EdDSA or PS256");
        }
    }

    @Test
    void aHeaderMemberItWouldDropIsRefused() {
        assertThatThrownBy(() -> encoder.encode(citizenToken(JwsHeader.with(SignatureAlgorithm.PS256)
                .jwkSetUrl("https://keys.example/jwks").build())))
                .isInstanceOf(JwtEncodingException.class).hasMessageContaining("jku");
        assertThatThrownBy(() -> encoder.encode(citizenToken(JwsHeader.with(EDDSA)
                .header("crit", List.of("exp")).build())))
                .isInstanceOf(JwtEncodingException.class).hasMessageContaining("crit");
    }
}
