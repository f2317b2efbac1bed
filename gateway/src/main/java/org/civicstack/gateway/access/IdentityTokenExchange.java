package org.civicstack.gateway.access;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token exchange over HTTP: {@code POST {identity}/oauth2/token} with HTTP Basic as the gateway's platform
 * client, {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange}, the citizen token as
 * {@code subject_token}, {@code audience=urn:civicstack:service:<code>}, {@code resource=urn:civicstack:agency:<id>}.
 * An {@code invalid_grant} answer means the citizen token is no good; everything else that is not a 200 with an
 * {@code access_token} means identity cannot serve the gateway now.
 */
public final class IdentityTokenExchange implements TokenExchange {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String SERVICE_AUDIENCE_PREFIX = "urn:civicstack:service:";
    static final String AGENCY_RESOURCE_PREFIX = "urn:civicstack:agency:";
    private static final Logger log = LoggerFactory.getLogger(IdentityTokenExchange.class);
    /** Far above an assertion's few hundred bytes, below what an agency's server takes in one header line. */
    static final int MAX_ASSERTION_LENGTH = 8 * 1024;

    private final WebClient identity;
    private final URI tokenUri;
    private final String basic;
    private final Duration timeout;
    private final JsonMapper json;
    private final LongSupplier clockMillis;
    private final boolean configured;

    public IdentityTokenExchange(WebClient identity, URI tokenUri, String clientId, String clientSecret,
            Duration timeout, JsonMapper json) {
        this(identity, tokenUri, clientId, clientSecret, timeout, json, System::currentTimeMillis);
    }

    IdentityTokenExchange(WebClient identity, URI tokenUri, String clientId, String clientSecret, Duration timeout,
            JsonMapper json, LongSupplier clockMillis) {
        this.configured = clientId != null && !clientId.isBlank() && clientSecret != null && !clientSecret.isBlank();
        if (!configured) {
            log.warn("The gateway's client id or secret is not set (CIVICSTACK_GATEWAY_ROUTING_CLIENT_SECRET): "
                    + "citizen services answer 503 identity_unavailable");
        }
        this.identity = identity;
        this.tokenUri = tokenUri;
        this.basic = "Basic " + Base64.getEncoder().encodeToString(
                (formEncode(String.valueOf(clientId)) + ":" + formEncode(String.valueOf(clientSecret))).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.json = json;
        this.clockMillis = clockMillis;
    }

    /** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic. */
    private static String formEncode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<Assertion> exchange(String citizenToken, String serviceCode, String agencyId) {
        if (!configured) {
            return CompletableFuture.failedFuture(unavailable("the gateway has no client credentials"));
        }
        return identity.post()
                .uri(tokenUri)
                .header(HttpHeaders.AUTHORIZATION, basic)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .accept(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromFormData("grant_type", GRANT_TYPE)
                        .with("subject_token", citizenToken)
                        .with("subject_token_type", ACCESS_TOKEN_TYPE)
                        .with("audience", SERVICE_AUDIENCE_PREFIX + serviceCode)
                        .with("resource", AGENCY_RESOURCE_PREFIX + agencyId))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> answer(response.statusCode().value(), body, serviceCode)))
                .timeout(timeout)
                .onErrorMap(error -> !(error instanceof TokenExchangeException), error -> new TokenExchangeException(
                        TokenExchangeException.Kind.UNAVAILABLE, "identity unreachable: " + error, error))
                .toFuture();
    }

    private Assertion answer(int status, String body, String serviceCode) {
        JsonNode node = parse(body);
        if (status == 200) {
            String token = node == null ? null : node.path("access_token").asString(null);
            if (token == null || token.isBlank()) {
                throw unavailable("token exchange answered 200 without an access_token");
            }
            if (!isCompactJws(token)) {
                // it becomes a header line at the agency: nothing but a JWS's characters may go there
                throw unavailable("token exchange answered an access_token that is not a compact JWS");
            }
            long expiresIn = node.path("expires_in").asLong(0);
            if (expiresIn <= 0) {
                throw unavailable("token exchange answered without a positive expires_in");
            }
            return new Assertion(token, clockMillis.getAsLong() + expiresIn * 1000);
        }
        String error = node == null ? null : node.path("error").asString(null);
        if (status == 400 && "invalid_grant".equals(error)) {
            throw new TokenExchangeException(TokenExchangeException.Kind.SUBJECT_REJECTED,
                    "identity rejected the citizen token", null);
        }
        if (status < 500) {
            // the gateway's own client, scope or the service's agency binding is wrong: an operator must act
            log.error("Token exchange for service {} refused: HTTP {} error={}", serviceCode, status, error);
        }
        throw unavailable("token exchange answered HTTP " + status + (error == null ? "" : " " + error));
    }

    /**
     * Whether every character is one a JWS in compact serialization (RFC 7515 §7.1: base64url parts and dots) can
     * have; the value goes into a header line at the agency, so nothing else may (no line break, space or non-ASCII).
     */
    static boolean isCompactJws(String token) {
        if (token.length() > MAX_ASSERTION_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private JsonNode parse(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static TokenExchangeException unavailable(String message) {
        return new TokenExchangeException(TokenExchangeException.Kind.UNAVAILABLE, message, null);
    }

}
