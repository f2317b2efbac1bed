package org.civicstack.gateway.access;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import org.civicstack.platform.security.jose.Ed25519;
import com.nimbusds.jwt.SignedJWT;

/**
 * Citizen access tokens signed in the test, shaped like identity's (RFC 9068 {@code at+jwt}, EdDSA or PS256, the claims of
 * the #8 contract), with a key the test controls.
 */
public final class CitizenTokens {

    public static final String ISSUER = "http://gateway.test";

    private CitizenTokens() {
    }

    public static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.PS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a level-{@code level} citizen token valid for five minutes from {@code nowMillis}. */
    public static JWTClaimsSet.Builder claims(long nowMillis, int level) {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(List.of("civicstack"))
                .subject(UUID.randomUUID().toString())
                .claim("client_id", "civicstack-app")
                .claim("client_type", "citizen_app")
                .claim("scope", "openid profile")
                .claim("acr", "urn:civicstack:acr:" + level)
                .claim("amr", List.of("sms"))
                .claim("auth_time", nowMillis / 1000 - 60)
                .claim("sid", UUID.randomUUID().toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date(nowMillis))
                .expirationTime(new Date(nowMillis + 300_000));
    }

    public static String sign(RSAKey key, JWTClaimsSet claims) {
        return sign(key, claims, header -> { });
    }

    public static String sign(RSAKey key, JWTClaimsSet claims, Consumer<JWSHeader.Builder> header) {
        JWSHeader.Builder builder = new JWSHeader.Builder(JWSAlgorithm.PS256).type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID());
        header.accept(builder);
        SignedJWT jwt = new SignedJWT(builder.build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An Ed25519 key as identity's access tokens are signed with: the public JWK and the private half. */
    public record Ed25519Key(OctetKeyPair jwk, PrivateKey privateKey) {
    }

    public static Ed25519Key newEd25519Key(String kid) {
        KeyPair pair = Ed25519.generate();
        return new Ed25519Key(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519.raw(pair.getPublic())))
                .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).build(), pair.getPrivate());
    }

    /** {@code claims} as identity signs access tokens: EdDSA, {@code typ at+jwt} (signed by the JDK's Ed25519). */
    public static String sign(Ed25519Key key, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt"))
                .keyID(key.jwk().getKeyID()).build();
        String input = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
        try {
            return input + "." + Base64URL.encode(Ed25519.jdk().sign(key.privateKey(),
                    input.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String token(RSAKey key, long nowMillis, int level) {
        return sign(key, claims(nowMillis, level).build());
    }
}
