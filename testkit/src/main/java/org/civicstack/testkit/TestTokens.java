package org.civicstack.testkit;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens for a service's own integration tests, signed like identity signs them and verifiable against a
 * JWKS served by a stand-in issuer (WireMock). End-to-end tests use tokens from the real identity service instead.
 */
public final class TestTokens implements AutoCloseable {

    public static final String ISSUER = "http://localhost:8080";
    public static final String AUDIENCE = "civicstack";

    private final RSAKey key;
    private final WireMockServer jwks;

    public TestTokens() {
        try {
            key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        jwks = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        jwks.start();
        jwks.stubFor(WireMock.get("/oauth2/jwks").willReturn(WireMock.okJson(new JWKSet(key.toPublicJWK()).toString())));
    }

    public String jwksUri() {
        return jwks.baseUrl() + "/oauth2/jwks";
    }

    /** An agency client's token: {@code sub} = client id, {@code agency_id}, space-separated {@code scope}. */
    public String agency(String clientId, String agencyId, String... scopes) {
        return token(clientId, Map.of("agency_id", agencyId, "client_type", "agency", "scope", String.join(" ", scopes)));
    }

    /** An operator's token. */
    public String operator(String clientId, String... scopes) {
        return token(clientId, Map.of("client_type", "operator", "scope", String.join(" ", scopes)));
    }

    public String token(String subject, Map<String, Object> claims) {
        return sign(subject, claims, ISSUER, List.of(AUDIENCE), Instant.now().plusSeconds(300), key);
    }

    /** A token that must be refused: wrong issuer, audience, expiry or key, for negative tests. */
    public String tokenWith(String subject, Map<String, Object> claims, String issuer, List<String> audience,
            Instant expiresAt, boolean signedByUnknownKey) {
        try {
            RSAKey signer = signedByUnknownKey ? new RSAKeyGenerator(2048).keyID("unknown").generate() : key;
            return sign(subject, claims, issuer, audience, expiresAt, signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token except for its JWS {@code typ} ({@code null}: none), for the RFC 9068 type check. */
    public String tokenWithTyp(String subject, Map<String, Object> claims, String typ) {
        return sign(subject, claims, ISSUER, List.of(AUDIENCE), Instant.now().plusSeconds(300), key, typ);
    }

    private static String sign(String subject, Map<String, Object> claims, String issuer, List<String> audience,
            Instant expiresAt, RSAKey signer) {
        return sign(subject, claims, issuer, audience, expiresAt, signer, "at+jwt");
    }

    private static String sign(String subject, Map<String, Object> claims, String issuer, List<String> audience,
            Instant expiresAt, RSAKey signer, String typ) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .audience(audience)
                .issueTime(new Date())
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach(builder::claim);
        try {
            // PS256 as identity signs agency assertions (access tokens are EdDSA: platform TokenSignaturesTest);
            // typ at+jwt (RFC 9068) as identity writes it; resource servers refuse any other typ
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(signer.getKeyID());
            if (typ != null) {
                header.type(new JOSEObjectType(typ));
            }
            SignedJWT jwt = new SignedJWT(header.build(), builder.build());
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jwks.stop();
    }
}
