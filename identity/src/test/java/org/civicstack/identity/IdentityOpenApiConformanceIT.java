package org.civicstack.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.testkit.OpenApiConformance.call;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.identity.keys.KeyRotation;
import org.civicstack.identity.keys.SigningKeyRepository;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.identity.keys.StoredSigningKey;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * identity's published OpenAPI document describes its real authorization server endpoints: token (issued and
 * refused), JWKS and discovery answers are validated, request and response, against the document it serves.
 */
@ServiceIntegrationTest
class IdentityOpenApiConformanceIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final TestClients AGENCY = anAgencyClient("it-openapi-agency").withAgencyId("agy_openapi")
            .withScopes("registry:read", "registry:write");
    static final TestClients OPERATOR = anOperatorClient("it-openapi-operator").withScopes("identity:keys");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    SigningKeyRepository keyRepository;
    @Autowired
    SigningKeyRing keyRing;
    @Autowired
    KeyRotation keyRotation;
    @Autowired
    JdbcTemplate jdbc;

    OpenApiConformance api;
    JsonNode document;

    @BeforeEach
    void setUp() {
        AGENCY.register(registrar);
        api = OpenApiConformance.ofServiceAt(port);
        document = JSON.readTree(api.document);
    }

    @Test
    void tokenIssuedForClientCredentialsMatchesTheDocument() {
        HttpResponse<String> response = api.conforming(call("POST", "/oauth2/token")
                .header("Authorization", basic(AGENCY.clientId(), AGENCY.secret()))
                .form("grant_type=client_credentials&scope=registry%3Aread"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("token_type").asString()).isEqualTo("Bearer");
    }

    @Test
    void refusedTokenRequestsAreRfc6749ErrorsAsDocumented() {
        HttpResponse<String> wrongSecret = api.conforming(call("POST", "/oauth2/token")
                .header("Authorization", basic(AGENCY.clientId(), "not-the-secret"))
                .form("grant_type=client_credentials"));
        HttpResponse<String> unsupportedGrant = api.answeredAsDocumented(call("POST", "/oauth2/token")
                .header("Authorization", basic(AGENCY.clientId(), AGENCY.secret()))
                .form("grant_type=password"));
        HttpResponse<String> scopeNotGranted = api.conforming(call("POST", "/oauth2/token")
                .header("Authorization", basic(AGENCY.clientId(), AGENCY.secret()))
                .form("grant_type=client_credentials&scope=registry%3Areview"));

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrongSecret.body()).path("error").asString()).isEqualTo("invalid_client");
        assertThat(unsupportedGrant.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(scopeNotGranted.body()).path("error").asString()).isEqualTo("invalid_scope");
    }

    @Test
    void jwksAndDiscoveryMatchTheDocument() {
        assertThat(api.conforming(call("GET", "/oauth2/jwks")).statusCode()).isEqualTo(200);
        assertThat(api.conforming(call("GET", "/.well-known/oauth-authorization-server")).statusCode()).isEqualTo(200);
    }

    @Test
    void keyRotationAndItsRefusalMatchTheDocument() {
        keyRotation.ensureKeys(); // IdentityServiceIT's database reset may have emptied the table
        List<StoredSigningKey> keysBefore = keyRepository.findAll();
        try {
            OPERATOR.register(registrar);
            String token = JSON.readTree(new TokenEndpoint(port).clientCredentials(OPERATOR.clientId(),
                    OPERATOR.secret(), "identity:keys").body()).path("access_token").asString();
            String agencyToken = JSON.readTree(new TokenEndpoint(port).clientCredentials(AGENCY.clientId(),
                    AGENCY.secret(), "registry:read").body()).path("access_token").asString();

            HttpResponse<String> rotated = api.conforming(call("POST", "/v1/identity/keys/rotation")
                    .header("Authorization", "Bearer " + token));
            HttpResponse<String> refused = api.conforming(call("POST", "/v1/identity/keys/rotation")
                    .header("Authorization", "Bearer " + agencyToken));

            assertThat(rotated.statusCode()).as(rotated.body()).isIn(200, 202);
            assertThat(refused.statusCode()).isEqualTo(403);
        } finally {
            jdbc.update("DELETE FROM outbox_event WHERE payload->>'kind' = 'signing_key_rotated'");
            jdbc.update("DELETE FROM signing_key");
            keysBefore.forEach(keyRepository::insertIfGenerationFree);
            keyRing.refresh();
        }
    }

    @Test
    void documentListsExactlyTheEndpointsIdentityServes() {
        assertThat(document.path("paths").propertyNames()).containsExactlyInAnyOrder("/oauth2/token", "/oauth2/jwks",
                "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration", "/oauth2/authorize",
                "/oauth2/introspect", "/oauth2/revoke",
                "/v1/identity/me/assurance", "/v1/identity/me/assurance/identity-verification",
                "/v1/identity/me/assurance/face-verification",
                "/v1/identity/me/assurance/face-verification/{verificationId}/complete",
                "/v1/identity/me/sessions", "/v1/identity/me/sessions/{sid}", "/v1/identity/keys/rotation",
                "/v1/identity/citizen-references/resolve", "/v1/identity/citizen-references/resolve-batch",
                "/v1/identity/clients", "/v1/identity/clients/{clientId}",
                "/v1/identity/clients/{clientId}/rotate", "/v1/identity/clients/{clientId}/disable",
                "/v1/identity/clients/{clientId}/enable", "/v1/identity/audit/entries", "/v1/identity/audit/key",
                "/v1/identity/audit/checkpoints/latest", "/v1/identity/audit/checkpoints",
                "/v1/identity/audit/proofs/inclusion", "/v1/identity/audit/proofs/consistency",
                "/v1/identity/audit/revocations", "/v1/identity/audit/export", "/v1/identity/audit/verify",
                "/v1/identity/audit/tokens/{jti}", "/v1/identity/audit/active", "/v1/identity/me/activity");
        assertThat(new TokenEndpoint(port).get("/.well-known/openid-configuration").statusCode())
                .as("OpenID discovery is served and documented").isEqualTo(200);
    }

    @Test
    void oauth2SchemeOffersEveryPlatformScopeAtThePublicTokenUrl() {
        JsonNode flow = document.at("/components/securitySchemes/oauth2/flows/clientCredentials");

        assertThat(flow.path("tokenUrl").asString()).isEqualTo("http://localhost:8080/oauth2/token");
        assertThat(flow.path("scopes").propertyNames()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(PlatformScope.values()).map(PlatformScope::value).toList());
        assertThat(document.path("servers").path(0).path("url").asString()).isEqualTo("http://localhost:8080");
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
