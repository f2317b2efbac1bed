package org.civicstack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every platform service that owns a database promises, whatever its web stack: it runs on its own database
 * with its Flyway history, readiness reflects PostgreSQL and Redis, errors are problem+json, and it publishes
 * health, metrics and an OpenAPI document. Each service runs these by extending this class with its own facts.
 */
@ServiceIntegrationTest
public abstract class ServiceContractIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    /** The service's own database name, e.g. {@code civicstack_payments}. */
    protected abstract String database();

    /** The title its OpenAPI document must carry. */
    protected abstract String openApiTitle();

    /** The health component that reports its database: {@code r2dbc} or {@code db}. */
    protected abstract String databaseHealthComponent();

    @Test
    void ownDatabaseExistsWithItsFlywayHistory() {
        List<String> versions = query("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
        assertThat(versions).as("applied migrations in %s", database()).isNotEmpty().contains("1");
    }

    @Test
    void readinessReflectsDatabaseAndRedis() {
        HttpResponse<String> response = get("/actuator/health/readiness");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(response.body(), "$.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(response.body(), "$.components." + databaseHealthComponent() + ".status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(response.body(), "$.components.redis.status")).isEqualTo("UP");
    }

    @Test
    void livenessDoesNotDependOnInfrastructure() {
        HttpResponse<String> response = get("/actuator/health/liveness");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("redis").doesNotContain(databaseHealthComponent());
    }

    /**
     * What an anonymous request for an unknown path gets: 404, or 401 for a service whose APIs all need a token
     * (it must not reveal which paths exist).
     */
    protected int anonymousUnknownPathStatus() {
        return 404;
    }

    @Test
    void unknownPathIsProblemJson() {
        HttpResponse<String> response = get("/v1/definitely-not-here");
        assertThat(response.statusCode()).isEqualTo(anonymousUnknownPathStatus());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat((String) JsonPath.read(response.body(), "$.code"))
                .isEqualTo(anonymousUnknownPathStatus() == 401 ? "unauthorized" : "not_found");
        assertThat((String) JsonPath.read(response.body(), "$.request_id"))
                .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void publishesItsOpenApiDocument() {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(response.body(), "$.openapi")).startsWith("3.");
        assertThat((String) JsonPath.read(response.body(), "$.info.title")).isEqualTo(openApiTitle());
    }

    @Test
    void publishesPrometheusMetricsTaggedWithTheService() {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes").contains("service=\"");
    }

    @Test
    void resetGivesACleanSlateAndKeepsTheSchema() {
        // other tests of the same JVM may have written events already (the database is shared until reset)
        long before = Long.parseLong(query("SELECT count(*) FROM outbox_event").get(0));
        execute("INSERT INTO outbox_event (event_id, stream, event_type, payload) "
                + "VALUES (gen_random_uuid(), 'test', 'test.happened', '{}')");
        assertThat(query("SELECT count(*) FROM outbox_event")).containsExactly(String.valueOf(before + 1));

        TestInfrastructure.resetDatabase(database());

        assertThat(query("SELECT count(*) FROM outbox_event")).containsExactly("0");
        assertThat(query("SELECT count(*) FROM flyway_schema_history")).doesNotContain("0");
    }

    protected HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    protected List<String> query(String sql) {
        return TestInfrastructure.query(database(), sql);
    }

    protected void execute(String sql) {
        TestInfrastructure.execute(database(), sql);
    }
}
