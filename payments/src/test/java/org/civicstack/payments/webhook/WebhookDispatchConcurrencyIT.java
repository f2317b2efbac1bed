package org.civicstack.payments.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.payments.webhook.WebhookEventStore.Claim;
import org.civicstack.payments.webhook.WebhookEventStore.Delivery;
import org.civicstack.payments.webhook.WebhookEventStore.Outcome;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.reactive.function.client.WebClient;

/** One agency never holds up another; instances never deliver the same attempt; a dead instance's lease expires. */
class WebhookDispatchConcurrencyIT extends WebhookTestSupport {

    @Autowired
    WebhookDispatcher dispatcher;
    @Autowired
    WebhookEventStore events;
    @Autowired
    WebClient.Builder webClients;
    @Autowired
    UpstreamAddressGuard guard;
    @Autowired
    WebhookProperties properties;

    @Test
    void aHangingAgencyEndpointDoesNotDelayAnotherAgencysDeliveries() {
        String hanging = newAgency();
        String healthy = newAgency();
        merchant(hanging, url(hanging));
        merchant(healthy, url(healthy));
        receiver.stubFor(post(urlEqualTo(path(hanging))).willReturn(aResponse().withStatus(200)
                .withFixedDelay((int) ATTEMPT_TIMEOUT.multipliedBy(4).toMillis())));
        answers(healthy, 200);
        Instant now = clock.instant();
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // older, so they are the most overdue and would be claimed first
            stuck.add(outbox.append(hanging, "payment.succeeded", Map.of("n", i), now.minusSeconds(30 - i)).block());
        }
        pollUntil(() -> received(hanging).size(), n -> n >= 1, Duration.ofSeconds(10));
        List<String> prompt = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            prompt.add(event(healthy));
        }

        waitUntilDelivered(prompt.toArray(String[]::new));

        // all of the healthy agency's events went through while the hanging agency's first attempt was still
        // waiting for its answer: nothing of the hanging agency is logged yet, and it holds one slot only
        assertThat(stuck.stream().map(WebhookTestSupport::log).flatMap(List::stream)).isEmpty();
        assertThat(received(hanging)).hasSize(1);
        assertThat(stuck).allMatch(id -> status(id).equals("pending"));

        // the hanging attempt ends at the per-attempt timeout, logged, and is retried later
        List<String> logged = pollUntil(() -> log(stuck.get(0)), l -> !l.isEmpty(), ATTEMPT_TIMEOUT.multipliedBy(3));
        assertThat(logged.get(0)).startsWith("1||timeout");
        int took = Integer.parseInt(TestInfrastructure.query(DATABASE, "select duration_ms from webhook_delivery"
                + " where event_id = '" + stuck.get(0) + "' and attempt = 1").get(0));
        assertThat(took).isBetween((int) ATTEMPT_TIMEOUT.toMillis() - 50, (int) ATTEMPT_TIMEOUT.toMillis() * 2);
        assertThat(status(stuck.get(0))).isEqualTo("pending");
    }

    @Test
    void twoDispatcherInstancesDeliverEveryEventExactlyOnce() throws Exception {
        WebhookDispatcher second = new WebhookDispatcher(events, merchants, webClients, properties, clock,
                new SimpleMeterRegistry(), guard);
        List<String> agencies = List.of(newAgency(), newAgency(), newAgency(), newAgency());
        List<String> ids = new ArrayList<>();
        for (String agency : agencies) {
            merchant(agency, url(agency));
            // slow enough that claims of both instances overlap the attempts in flight
            receiver.stubFor(post(urlEqualTo(path(agency))).willReturn(aResponse().withStatus(200)
                    .withFixedDelay(150)));
        }
        second.start();
        try {
            for (int i = 0; i < 5; i++) {
                for (String agency : agencies) {
                    ids.add(event(agency));
                }
            }

            waitUntilDelivered(ids.toArray(String[]::new));
        } finally {
            second.stop();
        }

        Map<String, Long> receivedPerId = agencies.stream().flatMap(a -> received(a).stream())
                .collect(Collectors.groupingBy(r -> r.getHeader("webhook-id"), Collectors.counting()));
        assertThat(receivedPerId).hasSize(ids.size());
        assertThat(receivedPerId.values()).containsOnly(1L);
        assertThat(TestInfrastructure.query(DATABASE, "select count(*) from webhook_delivery"))
                .containsExactly(String.valueOf(ids.size()));
        assertThat(ids).allMatch(id -> attempts(id) == 1);
    }

    @Test
    void aClaimIsALeaseThatOnlyItsHolderCompletesUntilItRunsOut() {
        dispatcher.stop();
        try {
            String agency = newAgency();
            merchant(agency, url(agency));
            String id = event(agency);
            Instant now = clock.instant();
            Duration lease = Duration.ofSeconds(30);

            List<Claim> first = events.claim(now, lease, 10, 1).collectList().block();
            assertThat(first).extracting(Claim::eventId, Claim::attempt).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(id, 1));
            // leased: neither the next poll nor another instance takes it
            assertThat(events.claim(now.plusSeconds(1), lease, 10, 1).collectList().block()).isEmpty();
            assertThat(events.claim(now.plus(lease).minusSeconds(1), lease, 10, 1).collectList().block()).isEmpty();

            // the holder died: once its lease has run out the event is claimed again, as the next attempt
            Instant later = now.plus(lease).plusSeconds(1);
            List<Claim> second = events.claim(later, lease, 10, 1).collectList().block();
            assertThat(second).extracting(Claim::attempt).containsExactly(2);

            // the first holder comes back late: its attempt is logged but cannot overwrite the newer one
            Delivery late = new Delivery(1, now, url(agency), 200, null, 10, null);
            assertThat(events.complete(first.get(0), late, Outcome.DELIVERED, null).block()).isFalse();
            assertThat(status(id)).isEqualTo("pending");
            Delivery current = new Delivery(2, later, url(agency), 503, "http_503", 10, null);
            assertThat(events.complete(second.get(0), current, Outcome.RETRYING, later.plusSeconds(5)).block())
                    .isTrue();
            assertThat(log(id)).containsExactly("1|200|", "2|503|http_503");
            assertThat(status(id)).isEqualTo("pending");
            assertThat(events.claim(later.plusSeconds(4), lease, 10, 1).collectList().block()).isEmpty();
            assertThat(events.claim(later.plusSeconds(6), lease, 10, 1).collectList().block())
                    .extracting(Claim::attempt).containsExactly(3);
        } finally {
            dispatcher.start();
        }
    }

    @Test
    void aClaimTakesNoMoreThanTheAgencyLimitCountingAttemptsInFlight() {
        dispatcher.stop();
        try {
            String busy = newAgency();
            String other = newAgency();
            merchant(busy, url(busy));
            merchant(other, url(other));
            Instant now = clock.instant();
            List<String> busyIds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                busyIds.add(outbox.append(busy, "payment.succeeded", Map.of("n", i), now.minusSeconds(10 - i)).block());
            }
            String otherId = event(other);
            Duration lease = Duration.ofSeconds(30);

            List<Claim> claimed = events.claim(clock.instant(), lease, 10, 2).collectList().block();
            assertThat(claimed).extracting(Claim::eventId)
                    .containsExactlyInAnyOrder(busyIds.get(0), busyIds.get(1), otherId);
            // two of the busy agency's attempts are in flight: it gets none more, however many are due
            assertThat(events.claim(clock.instant(), lease, 10, 2).collectList().block()).isEmpty();
        } finally {
            dispatcher.start();
        }
    }
}
