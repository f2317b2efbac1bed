package org.civicstack.payments;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestClients;
import org.civicstack.testkit.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Shared set-up of the payments integration tests: one Spring context on the shared PostgreSQL and Redis, tokens
 * signed like identity's, and a stand-in for identity's token and citizen-reference endpoints (the real identity
 * answers them in the end-to-end tests), exercised through the real OAuth2 client-credentials client.
 */
@ServiceIntegrationTest
public abstract class PaymentsTestSupport {

    public static final TestTokens tokens = new TestTokens();
    public static final WireMockServer identity = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        identity.start();
        identity.stubFor(post(urlEqualTo("/oauth2/token"))
                .withBasicAuth("civicstack-payments", "test-secret")
                .willReturn(okJson("{\"access_token\":\"identity-test-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"unknown_subject\"}")));
    }

    /**
     * The port this service listens on, chosen before it starts: channels (the sandbox provider) send their
     * notifications to {@code public-base-url}, which must therefore name this server.
     */
    public static final int SERVER_PORT = org.civicstack.infra.InfraProvisioner.freePort();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> String.valueOf(SERVER_PORT));
        registry.add("civicstack.payments.public-base-url", () -> "http://localhost:" + SERVER_PORT);
        // settle unnotified payments quickly in tests (the default waits 30 s before the first query)
        registry.add("civicstack.payments.first-check", () -> "1s");
        registry.add("civicstack.payments.check-interval", () -> "1s");
        // the daily run is driven by its test (DailyReconciliation.runDue at a chosen instant), not the wall clock
        registry.add("civicstack.payments.reconciliation.enabled", () -> "false");
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
        registry.add("civicstack.payments.identity.token-uri", () -> identity.baseUrl() + "/oauth2/token");
        registry.add("civicstack.payments.identity.base-url", identity::baseUrl);
        registry.add("civicstack.payments.identity.client-secret", () -> "test-secret");
        registry.add("civicstack.upstream-network.allow-public-internet", () -> "true");
        PaymentsTestChannels.register(registry);
    }

    @LocalServerPort
    protected int port;

    protected WebTestClient client;

    @BeforeEach
    void connect() {
        client = TestClients.webTestClient("http://localhost:" + port, Duration.ofSeconds(30));
    }

    /** A citizen known to identity: the agency's pairwise subject and the citizen's own reference. */
    public record Citizen(String subject, String ref, String token) {
    }

    /** A new citizen, known to {@code agencyId} under a subject of its own. */
    public static Citizen aCitizen(String agencyId) {
        String subject = "ps_" + UUID.randomUUID().toString().replace("-", "");
        String ref = UUID.randomUUID().toString();
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer identity-test-token"))
                .withRequestBody(matchingJsonPath("$.agency_id", equalTo(agencyId)))
                .withRequestBody(matchingJsonPath("$.subject", equalTo(subject)))
                .willReturn(okJson("{\"citizen_ref\":\"" + ref + "\",\"agency_id\":\"" + agencyId + "\",\"subject\":\""
                        + subject + "\"}")));
        String token = tokens.token(ref, Map.of("client_type", "citizen_app", "client_id", "civicstack-app",
                "scope", "openid", "acr", "1"));
        return new Citizen(subject, ref, token);
    }

    /** A new agency's token with every payments scope. */
    public static Agency anAgency() {
        String id = "agy_test_" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokens.agency("client-" + id, id, "payments:create", "payments:read", "payments:refund",
                "payments:merchant");
        return new Agency(id, token);
    }

    public record Agency(String id, String token) {
    }

    /** Polls {@code condition} until it holds, failing after 20 s. */
    public static void await(java.util.function.BooleanSupplier condition) {
        await(condition, Duration.ofSeconds(20));
    }

    public static void await(java.util.function.BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("condition within %s", within)
                    .isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static String operatorToken() {
        return tokens.operator("ops-console", "payments:operate");
    }
}
