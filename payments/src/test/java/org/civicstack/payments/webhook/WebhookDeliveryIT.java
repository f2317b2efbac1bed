package org.civicstack.payments.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Delivery end to end: the service's own dispatcher, real PostgreSQL, WireMock as the agencies' endpoints. */
class WebhookDeliveryIT extends WebhookTestSupport {

    @Autowired
    MeterRegistry meters;
    @Autowired
    JsonMapper json;

    // --- signing
    @Test
    void deliveredEventCarriesStandardWebhooksHeadersThatTheSpecLibraryVerifies() throws Exception {
        String agency = newAgency();
        String secret = merchant(agency, url(agency));
        answers(agency, 204);
        String id = event(agency, "payment.succeeded", Map.of("payment_id", "pay_1", "amount", 1250));

        waitUntilDelivered(id);

        LoggedRequest request = received(agency).get(0);
        assertThat(request.getHeader("webhook-id")).isEqualTo(id);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        long timestamp = Long.parseLong(request.getHeader("webhook-timestamp"));
        assertThat(timestamp).isBetween(Instant.now().minusSeconds(60).getEpochSecond(),
                Instant.now().getEpochSecond());
        assertThatCode(() -> new Webhook(secret).verify(request.getBodyAsString(), headers(request)))
                .doesNotThrowAnyException();
        JsonNode body = json.readTree(request.getBodyAsString());
        assertThat(body.get("id").asString()).isEqualTo(id);
        assertThat(body.get("type").asString()).isEqualTo("payment.succeeded");
        assertThat(body.get("data").get("amount").asInt()).isEqualTo(1250);
        assertThat(TestInfrastructure.query(DATABASE, "select delivered_at is not null from webhook_event"
                + " where id = '" + id + "'")).containsExactly("t");
        assertThat(log(id)).containsExactly("1|204|");
    }

    @Test
    void aDeliveryToAnAddressThePolicyRefusesIsNeverSentEvenIfTheUrlOnceWasFine() {
        // what a DNS rebinding looks like from here: a name (localhost) or a literal that now resolves to an address
        // the SSRF policy refuses (loopback on a port not allowed); the URL was stored when it was acceptable
        int notAllowed = closedPort();
        for (String url : List.of("http://localhost:" + notAllowed + "/hooks",
                "http://127.0.0.1:" + notAllowed + "/hooks", "http://169.254.169.254/latest/meta-data")) {
            String agency = newAgency();
            merchant(agency, url);
            String id = event(agency);
            List<String> logged = pollUntil(() -> log(id), l -> !l.isEmpty(), Duration.ofSeconds(10));
            assertThat(logged.get(0)).as(url).startsWith("1||unsafe_address");
            assertThat(status(id)).isEqualTo("pending");
        }
    }

    @Test
    void duringRotationEverySigningSecretSignsAndEitherVerifies() throws Exception {
        String agency = newAgency();
        String oldSecret = merchant(agency, url(agency));
        String newSecret = merchants.rotateWebhookSecret(agency, clock.instant(), Duration.ofHours(24)).block();
        answers(agency, 200);
        String id = event(agency);

        waitUntilDelivered(id);

        LoggedRequest request = received(agency).get(0);
        String[] signatures = request.getHeader("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        String signed = id + "." + request.getHeader("webhook-timestamp") + "." + request.getBodyAsString();
        // newest first, each the plain HMAC-SHA256 the spec defines (checked without the library too)
        assertThat(signatures[0]).isEqualTo("v1," + hmac(newSecret, signed));
        assertThat(signatures[1]).isEqualTo("v1," + hmac(oldSecret, signed));
        assertThatCode(() -> new Webhook(oldSecret).verify(request.getBodyAsString(), headers(request)))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(newSecret).verify(request.getBodyAsString(), headers(request)))
                .doesNotThrowAnyException();
        String stranger = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> new Webhook(stranger).verify(request.getBodyAsString(), headers(request)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void aRetiredSecretNoLongerSigns() {
        String agency = newAgency();
        String oldSecret = merchant(agency, url(agency));
        String newSecret = merchants.rotateWebhookSecret(agency, clock.instant(), Duration.ZERO).block();
        answers(agency, 200);
        String id = event(agency);

        waitUntilDelivered(id);

        LoggedRequest request = received(agency).get(0);
        assertThat(request.getHeader("webhook-signature").split(" ")).hasSize(1);
        assertThatCode(() -> new Webhook(newSecret).verify(request.getBodyAsString(), headers(request)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(oldSecret).verify(request.getBodyAsString(), headers(request)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    // --- retries
    @Test
    void nonSuccessAnswersAreRetriedWithBackOffUntilOneSucceeds() {
        String agency = newAgency();
        merchant(agency, url(agency));
        receiver.stubFor(post(urlEqualTo(path(agency))).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("down for maintenance")).willSetStateTo("second"));
        receiver.stubFor(post(urlEqualTo(path(agency))).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad\"}")).willSetStateTo("third"));
        receiver.stubFor(post(urlEqualTo(path(agency))).inScenario("flaky").whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200)));
        String id = event(agency);

        waitUntilDelivered(id);

        assertThat(log(id)).containsExactly("1|503|http_503", "2|400|http_400", "3|200|");
        assertThat(attempts(id)).isEqualTo(3);
        assertThat(TestInfrastructure.query(DATABASE, "select response_snippet from webhook_delivery"
                + " where event_id = '" + id + "' order by attempt")).containsExactly("down for maintenance",
                "{\"error\":\"bad\"}", null);
        // the second attempt waited the back-off (base 200 ms, less at most the 20 % jitter) after the first
        List<String> gaps = TestInfrastructure.query(DATABASE, "select (extract(epoch from b.at - a.at) * 1000"
                + " - a.duration_ms)::bigint from webhook_delivery a join webhook_delivery b"
                + " on b.event_id = a.event_id and b.attempt = a.attempt + 1 where a.event_id = '" + id + "'"
                + " order by a.attempt");
        assertThat(Long.parseLong(gaps.get(0))).isGreaterThanOrEqualTo(BACKOFF_BASE.toMillis() * 8 / 10 - 5);
        assertThat(received(agency)).extracting(r -> r.getHeader("webhook-id")).containsOnly(id);
    }

    @Test
    void anEventStillFailingAfterTheGiveUpAgeFails() {
        assertThat(serviceClock).isSameAs(clock);
        String agency = newAgency();
        merchant(agency, url(agency));
        answers(agency, 500);
        String id = event(agency);

        pollUntil(() -> log(id).size(), n -> n >= 2, Duration.ofSeconds(20));
        assertThat(status(id)).isEqualTo("pending");

        clock.advance(Duration.ofHours(24).plusMinutes(1));

        pollUntil(() -> status(id), "failed"::equals, Duration.ofSeconds(20));
        List<String> logged = log(id);
        assertThat(logged).allMatch(line -> line.endsWith("|500|http_500"));
        assertThat(attempts(id)).isEqualTo(logged.size());
        assertThat(TestInfrastructure.query(DATABASE, "select delivered_at is null from webhook_event"
                + " where id = '" + id + "'")).containsExactly("t");
    }

    @Test
    void aConnectionErrorIsLoggedAndRetried() {
        String agency = newAgency();
        merchant(agency, "http://127.0.0.1:" + CLOSED_PORT + "/hooks");
        String id = event(agency);

        pollUntil(() -> log(id).size(), n -> n >= 2, Duration.ofSeconds(20));

        assertThat(log(id)).allMatch(line -> line.matches("\\d+\\|\\|connection_error: .+"));
        assertThat(status(id)).isEqualTo("pending");
    }

    // --- without a webhook url
    @Test
    void eventsStayPendingUntriedAndAreDeliveredOnceAUrlIsSet() throws Exception {
        String agency = newAgency();
        merchant(agency, null);
        String first = event(agency);
        String second = event(agency);

        Thread.sleep(800); // eight polls
        assertThat(List.of(status(first), status(second))).containsOnly("pending");
        assertThat(attempts(first) + attempts(second)).isZero();
        assertThat(log(first)).isEmpty();

        answers(agency, 200);
        merchants.upsert(agency, "Agency " + agency, Map.of("account_name", "x"), url(agency), clock.instant())
                .block();

        waitUntilDelivered(first, second);
        assertThat(received(agency)).extracting(r -> r.getHeader("webhook-id")).containsExactly(first, second);
    }

    // --- ordering
    @Test
    void anAgencysEventsAreDeliveredOneAtATimeOldestFirst() {
        String agency = newAgency();
        merchant(agency, null);
        List<String> ids = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < 6; i++) {
            ids.add(outbox.append(agency, "payment.succeeded", Map.of("n", i), now.minusSeconds(60 - i)).block());
        }
        receiver.stubFor(post(urlEqualTo(path(agency))).willReturn(aResponse().withStatus(200)
                .withFixedDelay(50)));
        merchants.upsert(agency, "Agency " + agency, Map.of("account_name", "x"), url(agency), clock.instant())
                .block();

        waitUntilDelivered(ids.toArray(String[]::new));

        assertThat(received(agency)).extracting(r -> r.getHeader("webhook-id")).containsExactlyElementsOf(ids);
        // one at a time: each attempt began after the previous one ended
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from webhook_delivery a join"
                + " webhook_delivery b on a.event_id <> b.event_id and b.at > a.at"
                + " and b.at < a.at + a.duration_ms * interval '1 millisecond'")).containsExactly("0");
    }

    // --- metrics
    @Test
    void attemptsAreCountedByOutcomeAndTheOldestPendingAgeIsGauged() {
        String agency = newAgency();
        merchant(agency, url(agency));
        receiver.stubFor(post(urlEqualTo(path(agency))).inScenario("once").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        receiver.stubFor(post(urlEqualTo(path(agency))).inScenario("once").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        double delivered = count("delivered", "2xx");
        double retrying = count("retrying", "5xx");
        String waiting = newAgency();
        merchant(waiting, null);
        outbox.append(waiting, "refund.succeeded", Map.of(), clock.instant().minus(Duration.ofHours(2))).block();

        String id = event(agency);
        waitUntilDelivered(id);

        assertThat(count("delivered", "2xx") - delivered).isEqualTo(1);
        assertThat(count("retrying", "5xx") - retrying).isEqualTo(1);
        double age = pollUntil(() -> meters.get(DeliveryMetrics.OLDEST_PENDING).gauge().value(),
                seconds -> seconds >= 7200, Duration.ofSeconds(5));
        assertThat(age).isLessThan(7200 + 60);
    }

    private double count(String outcome, String result) {
        Timer timer = meters.find(DeliveryMetrics.DELIVERIES).tag("outcome", outcome).tag("result", result).timer();
        return timer == null ? 0 : timer.count();
    }

    static Map<String, List<String>> headers(LoggedRequest request) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : request.getAllHeaderKeys()) {
            headers.put(name, request.getHeaders().getHeader(name).values());
        }
        return headers;
    }

    static String hmac(String whsec, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
