package org.civicstack.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.testkit.OpenApiConformance.call;
import static org.civicstack.identity.TestClients.anAgencyClient;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
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

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;

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
    void documentListsExactlyTheEndpointsIdentityServes() {
        assertThat(document.path("paths").propertyNames()).containsExactlyInAnyOrder("/oauth2/token", "/oauth2/jwks",
                "/.well-known/oauth-authorization-server", "/oauth2/introspect", "/oauth2/revoke",
                "/v1/identity/citizen-references/resolve", "/v1/identity/clients", "/v1/identity/clients/{clientId}",
                "/v1/identity/clients/{clientId}/rotate", "/v1/identity/clients/{clientId}/disable",
                "/v1/identity/clients/{clientId}/enable");
        assertThat(new TokenEndpoint(port).get("/.well-known/openid-configuration").statusCode())
                .as("OpenID discovery is not served, so not documented").isEqualTo(404);
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
