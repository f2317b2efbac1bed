package org.civicstack.payments.webhook;
import org.civicstack.testkit.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestClients;
import org.civicstack.testkit.TestInfrastructure;
import org.civicstack.testkit.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Shared set-up of the webhook integration tests: the payments service on the shared PostgreSQL with a settable
 * clock and fast dispatcher settings, one WireMock receiver standing in for every agency's endpoint (one path per
 * agency), and helpers that write merchants and events the way the service does.
 */
@ServiceIntegrationTest
@Import(WebhookTestSupport.TestClockConfiguration.class)
abstract class WebhookTestSupport {

    static final String DATABASE = "civicstack_payments";
    static final TestTokens tokens = new TestTokens();
    /** A loopback port the policy allows where nothing listens: deliveries there fail to connect. */
    static final int CLOSED_PORT = closedPort();

    static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final WireMockServer receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .containerThreads(40));
    /** The per-attempt timeout of these tests; a hanging endpoint answers much later. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration BACKOFF_BASE = Duration.ofMillis(200);

    static {
        receiver.start();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClockConfiguration {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
        registry.add("civicstack.payments.webhooks.poll-interval", () -> "100ms");
        registry.add("civicstack.payments.webhooks.attempt-timeout", () -> ATTEMPT_TIMEOUT.toMillis() + "ms");
        registry.add("civicstack.payments.webhooks.lease", () -> "8s");
        registry.add("civicstack.payments.webhooks.backoff-base", () -> BACKOFF_BASE.toMillis() + "ms");
        registry.add("civicstack.payments.webhooks.backoff-max", () -> "1s");
        registry.add("civicstack.payments.webhooks.give-up-after", () -> "24h");
        // deliveries pass the SSRF policy at connect time: the receiver's loopback port is the one allowed
        registry.add("civicstack.upstream-network.loopback-ports", () -> receiver.port() + "," + CLOSED_PORT);
    }

    @LocalServerPort
    int port;
    @Autowired
    MutableClock clock;
    @Autowired
    Clock serviceClock;
    @Autowired
    MerchantStore merchants;
    @Autowired
    WebhookOutbox outbox;

    WebTestClient client;

    @BeforeEach
    void resetWorld() {
        TestInfrastructure.resetDatabase(DATABASE);
        receiver.resetAll();
        clock.reset();
        client = TestClients.webTestClient("http://localhost:" + port, Duration.ofSeconds(20));
    }

    static String newAgency() {
        return "agy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** The agency's endpoint path on the receiver. */
    static String path(String agencyId) {
        return "/hooks/" + agencyId;
    }

    static String url(String agencyId) {
        return receiver.baseUrl() + path(agencyId);
    }

    /** The receiver answers the agency's deliveries with {@code status}. */
    static void answers(String agencyId, int status) {
        receiver.stubFor(post(urlEqualTo(path(agencyId))).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "text/plain").withBody("status " + status)));
    }

    /** A merchant with a webhook URL ({@code null}: none) and one signing secret; emits the secret. */
    String merchant(String agencyId, String webhookUrl) {
        merchants.upsert(agencyId, "Agency " + agencyId, Map.of("account_name", "x"), webhookUrl, clock.instant())
                .block();
        return merchants.rotateWebhookSecret(agencyId, clock.instant(), Duration.ZERO).block();
    }

    String event(String agencyId, String type, Map<String, Object> data) {
        return outbox.append(agencyId, type, data, clock.instant()).block();
    }

    String event(String agencyId) {
        return event(agencyId, "payment.succeeded", Map.of("payment_id", "pay_" + UUID.randomUUID(), "amount", 1250));
    }

    static List<LoggedRequest> received(String agencyId) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path(agencyId))));
    }

    static String status(String eventId) {
        return TestInfrastructure.query(DATABASE, "select status from webhook_event where id = '" + eventId + "'").get(0);
    }

    static int attempts(String eventId) {
        return Integer.parseInt(TestInfrastructure.query(DATABASE,
                "select attempts from webhook_event where id = '" + eventId + "'").get(0));
    }

    /** The logged attempts of an event, in order: {@code attempt|http_status|error}. */
    static List<String> log(String eventId) {
        return TestInfrastructure.query(DATABASE, "select attempt || '|' || coalesce(http_status::text, '') || '|'"
                + " || coalesce(error, '') from webhook_delivery where event_id = '" + eventId + "' order by attempt");
    }

    String agencyToken(String agencyId, String... scopes) {
        return tokens.agency("client-" + agencyId, agencyId, scopes);
    }

    static <T> T pollUntil(Supplier<T> probe, Predicate<T> done, Duration max) {
        Instant deadline = Instant.now().plus(max);
        T value = probe.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within " + max + "; last value: " + value);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = probe.get();
        }
        return value;
    }

    static void waitUntilDelivered(String... eventIds) {
        for (String id : eventIds) {
            pollUntil(() -> status(id), "delivered"::equals, Duration.ofSeconds(20));
        }
    }
}
