package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.civicstack.testkit.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Shared set-up for registry integration tests: tokens, an agency, a client. */
@ServiceIntegrationTest
abstract class RegistryTestSupport {

    static final TestTokens tokens = new TestTokens();

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
        registry.add("civicstack.upstream-network.allow-public-internet", () -> "true");
    }


    @LocalServerPort
    int port;

    WebTestClient client;
    String operator;
    String agencyId;
    String agencyToken;

    @BeforeEach
    void setUp() {
        TestInfrastructure.resetDatabase("civicstack_registry");
        client = org.civicstack.testkit.TestClients.webTestClient("http://localhost:" + port, Duration.ofSeconds(20));
        operator = tokens.operator("ops-console", "registry:review", "registry:read");
        String clientId = "sz-health-commission-" + UUID.randomUUID().toString().substring(0, 8);
        agencyId = registerAgency(clientId);
        agencyToken = tokens.agency(clientId, agencyId, "registry:write", "registry:read");
    }


    String registerAgency(String clientId) {
        return client.post().uri("/v1/registry/agencies")
                .headers(h -> h.setBearerAuth(operator))
                .bodyValue(Map.of("name_zh_cn", "深圳市卫生健康委员会", "name_en", "Shenzhen Health Commission",
                        "unit_type", "municipal_unit", "contact_name", "王工", "contact_email", "it@wjw.sz.gov.cn",
                        "oauth_client_id", clientId))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    String createService(String code, Map<String, Object> definition) {
        return client.post().uri("/v1/registry/services")
                .headers(h -> h.setBearerAuth(agencyToken))
                .bodyValue(Map.of("code", code, "definition", definition))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    /** Draft → submitted → approved: published. */
    String publishService(String code, Map<String, Object> definition) {
        String id = createService(code, definition);
        action(agencyToken, id, "submit", null).expectStatus().isOk();
        action(operator, id, "approve", null).expectStatus().isOk();
        return id;
    }

    WebTestClient.ResponseSpec action(String token, String serviceId, String action, String reason) {
        var request = client.post().uri("/v1/registry/services/{id}/{action}", serviceId, action)
                .headers(h -> h.setBearerAuth(token));
        return reason == null ? request.exchange() : request.bodyValue(Map.of("reason", reason)).exchange();
    }

    Map<?, ?> service(String id) {
        return client.get().uri("/v1/registry/services/{id}", id).headers(h -> h.setBearerAuth(operator))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    static <T> T pollUntil(java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done, Duration max) {
        Instant deadline = Instant.now().plus(max);
        T value = probe.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within " + max + "; last value: " + value);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = probe.get();
        }
        return value;
    }

    static List<String> lines(String ndjson) {
        return ndjson == null ? List.of() : List.of(ndjson.strip().split("\n"));
    }
}
