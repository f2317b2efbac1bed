package org.civicstack.identity;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

/** Talks to a running identity over HTTP the way a client and a resource server would. */
public final class TokenEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public TokenEndpoint(int port) {
        this.base = "http://localhost:" + port;
    }

    /** {@code POST /oauth2/token} with {@code client_secret_basic}; {@code scope} may be null. */
    public HttpResponse<String> clientCredentials(String clientId, String secret, String scope) {
        String form = "grant_type=client_credentials"
                + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        String basic = Base64.getEncoder().encodeToString(
                (encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public HttpResponse<String> get(String path, String bearerToken) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + bearerToken)
                .GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to identity failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The JWKS as served. */
    public JWKSet jwks() {
        HttpResponse<String> response = get("/oauth2/jwks");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /oauth2/jwks answered " + response.statusCode());
        }
        try {
            return JWKSet.parse(response.body());
        } catch (java.text.ParseException e) {
            throw new AssertionError("JWKS is not a JWK set: " + response.body(), e);
        }
    }

    /**
     * Whether {@code jwt}'s signature verifies with the key its {@code kid} names in this identity's JWKS: RSA
     * through Nimbus, Ed25519 through the JDK's own provider (not the native one identity signs with).
     */
    public boolean verifies(SignedJWT jwt) {
        com.nimbusds.jose.jwk.JWK key = jwks().getKeyByKeyId(jwt.getHeader().getKeyID());
        try {
            JWSVerifier verifier;
            if (key instanceof RSAKey rsaKey) {
                verifier = new RSASSAVerifier(rsaKey);
            } else if (key instanceof com.nimbusds.jose.jwk.OctetKeyPair okp) {
                verifier = new org.civicstack.platform.security.jose.Ed25519JwsVerifier(
                        org.civicstack.platform.security.jose.Ed25519.publicKey(okp.getX().decode()),
                        org.civicstack.platform.security.jose.Ed25519.jdk());
            } else {
                return false;
            }
            return jwt.verify(verifier);
        } catch (com.nimbusds.jose.JOSEException | java.security.InvalidKeyException e) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
