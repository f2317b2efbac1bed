package org.civicstack.gateway.access;

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
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Citizen access tokens signed in the test, shaped like identity's (RFC 9068 {@code at+jwt}, PS256, the claims of
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

    public static String token(RSAKey key, long nowMillis, int level) {
        return sign(key, claims(nowMillis, level).build());
    }
}
