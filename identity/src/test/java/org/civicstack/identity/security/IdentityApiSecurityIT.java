package org.civicstack.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.keys.ActiveSigningKey;
import org.civicstack.identity.keys.KeySeries;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.identity.keys.TestSigner;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Identity's own endpoints: nothing that exists is open except the operational ones; a missing or refused token is
 * a problem+json 401 with a bearer challenge; unknown paths stay an anonymous 404.
 */
@ServiceIntegrationTest
class IdentityApiSecurityIT {

    /** Exists (the actuator index) and is not public: the one protected endpoint identity has today. */
    static final String PROTECTED = "/actuator";
    static final TestClients OPERATOR = anOperatorClient("it-security-operator").withScopes("registry:read");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    SigningKeyRing signingKeys;

    TokenEndpoint identity;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        OPERATOR.register(registrar);
    }

    @Nested
    class PublicEndpoints {

        @ParameterizedTest
        @ValueSource(strings = {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs.yaml",
                "/swagger-ui.html", "/swagger-ui/index.html"})
        void areReachableWithoutAToken(String path) {
            assertThat(identity.get(path).statusCode()).as(path).isBetween(200, 399);
        }

        @Test
        void protectedResourceMetadataNamesThisAuthorizationServer() {
            HttpResponse<String> response = identity.get("/.well-known/oauth-protected-resource");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<List<String>>read(response.body(), "$.authorization_servers"))
                    .containsExactly("http://localhost:8080");
            assertThat((Boolean) JsonPath.read(response.body(), "$.tls_client_certificate_bound_access_tokens"))
                    .isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"/v1/identity/nothing-here", "/oauth2/nothing-here", "/v1/identity/login"})
        void unknownPathIsAnAnonymousProblemJson404(String path) {
            HttpResponse<String> response = identity.get(path);

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("not_found");
        }
    }

    @Nested
    class ProtectedEndpoints {

        @Test
        void withoutATokenIsProblemJson401WithBearerChallenge() {
            HttpResponse<String> response = identity.get(PROTECTED);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer ").doesNotContain("error=")
                    .contains("resource_metadata=\"http://localhost:" + port + "/.well-known/oauth-protected-resource\"");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("unauthorized");
            assertThat((Integer) JsonPath.read(response.body(), "$.status")).isEqualTo(401);
            assertThat((String) JsonPath.read(response.body(), "$.request_id"))
                    .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
        }

        @Test
        void anotherMethodOnAnExistingPathStillNeedsAToken() {
            HttpResponse<String> response = identity.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + PROTECTED)).DELETE());

            assertThat(response.statusCode()).isEqualTo(401);
        }

        @Test
        void withATokenFromThisAuthorizationServerIsServed() {
            HttpResponse<String> token = identity.clientCredentials(OPERATOR.clientId(), OPERATOR.secret(),
                    "registry:read");

            HttpResponse<String> response = identity.get(PROTECTED, JsonPath.read(token.body(), "$.access_token"));

            assertThat(response.statusCode()).isEqualTo(200);
        }

        @Test
        void tamperedTokenIsInvalidToken() {
            String token = JsonPath.read(identity.clientCredentials(OPERATOR.clientId(), OPERATOR.secret(),
                    "registry:read").body(), "$.access_token");
            String[] parts = token.split("\\.");
            String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

            assertRefused(forged);
        }

        @Test
        void tokenForAnotherAudienceIsInvalidToken() throws JOSEException {
            assertRefused(signed(claims().audience("someone-else").build()));
        }

        @Test
        void tokenFromAnotherIssuerIsInvalidToken() throws JOSEException {
            assertRefused(signed(claims().issuer("https://elsewhere.example").build()));
        }

        @Test
        void expiredTokenIsInvalidToken() throws JOSEException {
            Instant longAgo = Instant.now().minusSeconds(3600);
            assertRefused(signed(claims().issueTime(Date.from(longAgo)).notBeforeTime(Date.from(longAgo))
                    .expirationTime(Date.from(longAgo.plusSeconds(300))).build()));
        }

        @Test
        void ourOwnCorrectlySignedTokenIsAccepted() throws JOSEException {
            assertThat(identity.get(PROTECTED, signed(claims().build())).statusCode()).isEqualTo(200);
        }

        @Test
        void aTokenWithoutTypAtJwtIsInvalidToken() throws JOSEException {
            // RFC 9068 §4: a resource server rejects a JWT whose typ is not at+jwt (an ID token, an assertion)
            assertRefused(signed(claims().build(), null));
            assertRefused(signed(claims().build(), "JWT"));
        }

        @Test
        void theLongFormApplicationAtJwtIsAccepted() throws JOSEException {
            assertThat(identity.get(PROTECTED, signed(claims().build(), "application/at+jwt")).statusCode())
                    .isEqualTo(200);
        }

        private void assertRefused(String token) {
            HttpResponse<String> response = identity.get(PROTECTED, token);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer").contains("error=\"invalid_token\"");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("invalid_token");
        }

        /** A token as identity would issue it, so each test changes exactly one thing. */
        private JWTClaimsSet.Builder claims() {
            Instant now = Instant.now();
            return new JWTClaimsSet.Builder()
                    .issuer("http://localhost:8080")
                    .audience(List.of("civicstack"))
                    .subject(OPERATOR.clientId())
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(300)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("scope", "registry:read")
                    .claim("client_type", "operator");
        }

        private String signed(JWTClaimsSet claims) throws JOSEException {
            return signed(claims, "at+jwt");
        }

        private String signed(JWTClaimsSet claims, String typ) throws JOSEException {
            return TestSigner.sign(signingKeys.current(KeySeries.TOKENS), claims, typ);
        }
    }
}
