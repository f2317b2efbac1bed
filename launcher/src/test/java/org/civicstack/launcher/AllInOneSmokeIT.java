package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end: the all-in-one platform as a user starts it (every service in its own class loader, PostgreSQL and
 * Redis embedded unless configured), exercised through the gateway only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AllInOneSmokeIT {

    static final List<String> SERVICES = List.of("identity", "services-registry", "payments", "certificates");
    static final Map<String, String> DATABASES = Map.of("identity", "civicstack_identity",
            "services-registry", "civicstack_registry", "payments", "civicstack_payments",
            "certificates", "civicstack_certificates");

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper json = JsonMapper.builder().build();
    static RunningPlatform platform;

    @BeforeAll
    static void startPlatform() {
        LauncherSettings settings = LauncherSettings.fromEnvironment()
                .withExtraArguments(List.of("--logging.level.root=WARN"));
        for (ServiceSpec spec : ServiceSpec.BACKENDS) {
            settings = settings.withPort(spec, 0);
        }
        platform = CivicStackLauncher.start(settings.withPort(ServiceSpec.GATEWAY, 0));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void gatewayHealthIsUpAndShowsEveryService() {
        // on a busy machine the services may still be warming up: wait (bounded) for the first UP
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(90);
        while (get("/actuator/health").statusCode() != 200 && java.time.Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        JsonNode health = getJson("/actuator/health", 200);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        for (String service : SERVICES) {
            assertThat(health.path("components").path("services").path("components").path(service).path("status").asString())
                    .as("health of %s through the gateway", service).isEqualTo("UP");
            assertThat(getJson("/actuator/health/services/" + service, 200).path("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    @Order(2)
    void everyServiceOpenApiDocumentIsReachableThroughTheGateway() {
        for (String service : SERVICES) {
            JsonNode doc = getJson("/openapi/" + service, 200);
            assertThat(doc.path("openapi").asString()).startsWith("3.");
            assertThat(doc.path("info").path("title").asString()).startsWith("CivicStack ");
            assertThat(doc.at("/servers/0/url").asString()).as("%s names the gateway", service)
                    .isEqualTo("http://localhost:" + platform.gatewayPort());
            assertThat(doc.at("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl").asString())
                    .isEqualTo("http://localhost:" + platform.gatewayPort() + "/oauth2/token");
        }
        assertThat(getJson("/v3/api-docs/swagger-config", 200).path("urls").valueStream()
                .map(u -> u.path("url").asString()))
                .as("the gateway's Swagger UI lists every document")
                .contains("/openapi", "/openapi/identity", "/openapi/services-registry", "/openapi/payments",
                        "/openapi/certificates");
        JsonNode combined = getJson("/openapi", 200);
        assertThat(combined.path("info").path("title").asString()).isEqualTo("CivicStack API");
        assertThat(combined.has("x-unavailable-services")).as("every service answered").isFalse();
    }

    @Test
    @Order(3)
    void unknownPathIsProblemJsonNotFound() {
        HttpResponse<String> response = get("/no/such/thing");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("code").asString()).isEqualTo("not_found");
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    @Order(4)
    void unknownPathUnderAServiceIsThatServiceProblem() {
        // certificates' public part (credential types, keys, status lists): its own 404 problem, through the gateway
        HttpResponse<String> response = get("/v1/certificates/types/nothing_here");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json.readTree(response.body()).path("instance").asString()).isEqualTo("/v1/certificates/types/nothing_here");
        assertThat(json.readTree(response.body()).path("code").asString()).isEqualTo("unknown_type");
        // the rest of certificates, and all of payments, need a token: they do not reveal which paths exist
        assertThat(get("/v1/certificates/nothing-here").statusCode()).isEqualTo(401);
        HttpResponse<String> payments = get("/v1/payments/nothing-here");
        assertThat(payments.statusCode()).isEqualTo(401);
        assertThat(json.readTree(payments.body()).path("code").asString()).isEqualTo("unauthorized");
    }

    @Test
    @Order(5)
    void eachServiceHasItsOwnDatabaseWithFlywayHistory() throws SQLException {
        for (String service : SERVICES) {
            String database = DATABASES.get(service);
            try (Connection c = DriverManager.getConnection(platform.infra().jdbcUrl(database),
                    platform.infra().postgresUsername(), platform.infra().postgresPassword());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getInt(1)).as("migrations applied in %s", database).isPositive();
            }
        }
    }

    @Test
    @Order(6)
    void stoppingReleasesEveryPortAndEmbeddedServer() {
        int gateway = platform.gatewayPort();
        Map<String, Integer> ports = platform.ports();
        var infra = platform.infra();
        platform.close();

        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port.getValue() + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.discarding()))
                    .as("%s still answering after stop", port.getKey())
                    .isInstanceOf(ConnectException.class);
        }
        assertThat(gateway).isPositive();
        if (infra.postgresEmbedded()) {
            assertThatThrownBy(() -> DriverManager.getConnection(infra.jdbcUrl("postgres"), infra.postgresUsername(),
                    infra.postgresPassword()).close()).isInstanceOf(SQLException.class);
        }
    }

    private static JsonNode getJson(String path, int expectedStatus) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(expectedStatus);
        return json.readTree(response.body());
    }

    private static HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + platform.gatewayPort() + path))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
