package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anOperatorClient;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The operator client API over HTTP against the real PostgreSQL, answers checked against the OpenAPI document. */
@ServiceIntegrationTest
class ClientAdminIT {

    static final TestClients OPERATOR = anOperatorClient("it-admin-operator").withScopes("identity:clients");
    static final TestClients GATEWAY = aPlatformClient("it-admin-gateway").withScopes("registry:routing");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;

    TokenEndpoint identity;
    OpenApiConformance api;
    String operatorToken;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        api = OpenApiConformance.ofServiceAt(port);
        OPERATOR.register(registrar);
        GATEWAY.register(registrar);
        operatorToken = token(OPERATOR.clientId(), OPERATOR.secret(), "identity:clients");
    }

    @Test
    void aPlatformClientGetsASecretOnceThatWorksAndRotationRefusesTheOldOne() {
        String clientId = "it-admin-payments-" + suffix();
        HttpResponse<String> created = api.conforming(call("POST", "/v1/identity/clients").bearer(operatorToken)
                .json("{\"client_id\":\"" + clientId + "\",\"client_type\":\"platform\",\"scopes\":[\"identity:resolve\"]}"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JsonPath.read(created.body(), "$.client_secret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(JsonPath.<List<String>>read(created.body(), "$.auth_methods")).containsExactly("client_secret_basic");
        assertThat(identity.clientCredentials(clientId, secret, "identity:resolve").statusCode()).isEqualTo(200);

        HttpResponse<String> read = api.conforming(call("GET", "/v1/identity/clients/" + clientId).bearer(operatorToken));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(secret);

        HttpResponse<String> rotated = api.conforming(call("POST", "/v1/identity/clients/" + clientId + "/rotate")
                .bearer(operatorToken));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String newSecret = JsonPath.read(rotated.body(), "$.client_secret");
        assertThat(newSecret).isNotEqualTo(secret);
        assertThat(identity.clientCredentials(clientId, secret, "identity:resolve").statusCode()).isEqualTo(401);
        assertThat(identity.clientCredentials(clientId, newSecret, "identity:resolve").statusCode()).isEqualTo(200);

        List<String> events = jdbc.queryForList("SELECT payload::text FROM outbox_event WHERE payload->>'kind' = "
                + "'client_changed' AND payload->>'client_id' = ? ORDER BY created_at", String.class, clientId);
        assertThat(events).hasSize(2);
        assertThat((String) JsonPath.read(events.get(0), "$.details.actor")).isEqualTo(OPERATOR.clientId());
        assertThat((String) JsonPath.read(events.get(1), "$.details.action")).isEqualTo("rotated");
        assertThat(String.join("", events)).doesNotContain(secret).doesNotContain(newSecret);
    }

    @Test
    void anAgencyClientRegistersKeysAndNeverGetsASecret() throws Exception {
        String clientId = "it-admin-agency-" + suffix();
        String jwks = new JWKSet(new RSAKeyGenerator(2048).keyID("agency-key-1").generate().toPublicJWK()).toString();

        HttpResponse<String> created = api.conforming(call("POST", "/v1/identity/clients").bearer(operatorToken)
                .json("{\"client_id\":\"" + clientId + "\",\"client_type\":\"agency\",\"agency_id\":\"agy_admin\","
                        + "\"scopes\":[\"registry:read\"],\"jwks\":" + jwks + "}"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("client_secret");
        assertThat(JsonPath.<List<String>>read(created.body(), "$.auth_methods")).containsExactly("private_key_jwt");
        assertThat(JsonPath.<List<String>>read(created.body(), "$.jwks_kids")).containsExactly("agency-key-1");
        assertThat((String) JsonPath.read(created.body(), "$.agency_id")).isEqualTo("agy_admin");
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() {
        HttpResponse<String> response = api.answeredAsDocumented(call("POST", "/v1/identity/clients")
                .bearer(operatorToken)
                .json("{\"client_id\":\"X\",\"client_type\":\"agency\",\"scopes\":[\"registry:everything\"],"
                        + "\"colour\":\"blue\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("client_id", "scopes", "jwks", "colour");
    }

    @Test
    void aJwksUriOnARefusedAddressIsRefusedWithTheReason() {
        HttpResponse<String> response = api.answeredAsDocumented(call("POST", "/v1/identity/clients")
                .bearer(operatorToken)
                .json("{\"client_id\":\"it-admin-metadata-" + suffix() + "\",\"client_type\":\"agency\","
                        + "\"scopes\":[\"registry:read\"],\"jwk_set_uri\":\"http://169.254.169.254/jwks\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.errors[0].field")).isEqualTo("jwk_set_uri");
        assertThat((String) JsonPath.read(response.body(), "$.errors[0].message")).contains("metadata");
    }

    @Test
    void aTakenIdIsAConflictAndAnUnknownOneNotFound() {
        HttpResponse<String> taken = api.conforming(call("POST", "/v1/identity/clients").bearer(operatorToken)
                .json("{\"client_id\":\"" + GATEWAY.clientId() + "\",\"client_type\":\"platform\","
                        + "\"scopes\":[\"registry:routing\"]}"));
        HttpResponse<String> unknown = api.conforming(call("GET", "/v1/identity/clients/it-admin-nobody")
                .bearer(operatorToken));

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat((String) JsonPath.read(taken.body(), "$.code")).isEqualTo("client_exists");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void aDisabledClientIsInvalidClientUntilEnabled() {
        TestClients target = aPlatformClient("it-off-" + suffix()).withScopes("registry:routing");
        target.register(registrar);
        assertThat(identity.clientCredentials(target.clientId(), target.secret(), "registry:routing").statusCode())
                .as("in use before, so identity holds it in its client cache").isEqualTo(200);

        HttpResponse<String> disabled = api.conforming(call("POST", "/v1/identity/clients/" + target.clientId()
                + "/disable").bearer(operatorToken));
        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat((Boolean) JsonPath.read(disabled.body(), "$.disabled")).isTrue();
        HttpResponse<String> refused = identity.clientCredentials(target.clientId(), target.secret(), "registry:routing");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(refused.body(), "$.error")).isEqualTo("invalid_client");
        target.register(registrar);
        assertThat(identity.clientCredentials(target.clientId(), target.secret(), "registry:routing").statusCode())
                .as("re-registering (bootstrap) does not re-enable").isEqualTo(401);

        assertThat(api.conforming(call("POST", "/v1/identity/clients/" + target.clientId() + "/enable")
                .bearer(operatorToken)).statusCode()).isEqualTo(200);
        assertThat(identity.clientCredentials(target.clientId(), target.secret(), "registry:routing").statusCode())
                .isEqualTo(200);
    }

    @Test
    void theListShowsClientsAndOnlyOperatorsWithTheScopeMayUseTheApi() {
        HttpResponse<String> list = api.conforming(call("GET", "/v1/identity/clients").bearer(operatorToken));
        String gatewayToken = token(GATEWAY.clientId(), GATEWAY.secret(), "registry:routing");

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(list.body(), "$.items[*].client_id")).contains(GATEWAY.clientId());
        assertThat(list.body()).doesNotContain("client_secret\":\"");
        assertThat(api.answeredAsDocumented(call("GET", "/v1/identity/clients").bearer(gatewayToken)).statusCode())
                .isEqualTo(403);
    }

    private String token(String clientId, String secret, String scope) {
        HttpResponse<String> response = identity.clientCredentials(clientId, secret, scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.access_token");
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
