package org.civicstack.payments.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The agency's view of its webhook events: list, detail with attempts, redelivery; and nothing of others'. */
@SuppressWarnings("unchecked")
class WebhookEventApiIT extends WebhookTestSupport {

    static final String READ = "payments:read";
    static final String MERCHANT = "payments:merchant";

    // --- listing
    @Test
    void listsOnlyTheAgencysOwnEventsNewestFirstPageByPage() {
        String agency = newAgency();
        String other = newAgency();
        merchant(agency, null);
        merchant(other, null);
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(outbox.append(agency, "payment.succeeded", Map.of("n", i), now.minusSeconds(50 - i)).block());
        }
        outbox.append(other, "payment.succeeded", Map.of(), now).block();
        String token = agencyToken(agency, READ);

        Map<String, Object> first = get(token, "/v1/payments/webhook-events?limit=2").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> second = get(token, "/v1/payments/webhook-events?limit=2&cursor=" + first.get("next_cursor"))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> third = get(token, "/v1/payments/webhook-events?limit=2&cursor=" + second.get("next_cursor"))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        List<Object> seen = new ArrayList<>();
        for (Map<String, Object> page : List.of(first, second, third)) {
            ((List<?>) page.get("data")).forEach(e -> seen.add(((Map<String, Object>) e).get("id")));
        }
        assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(third).doesNotContainKey("next_cursor");
        Map<String, Object> newest = (Map<String, Object>) ((List<?>) first.get("data")).get(0);
        assertThat(newest.get("status")).isEqualTo("pending");
        assertThat(newest.get("type")).isEqualTo("payment.succeeded");
        assertThat(((Map<String, Object>) newest.get("payload")).get("id")).isEqualTo(ids.get(4));
        assertThat(((Map<String, Object>) ((Map<String, Object>) newest.get("payload")).get("data")).get("n")).isEqualTo(4);
    }

    @Test
    void filtersByStatus() {
        String agency = newAgency();
        merchant(agency, url(agency));
        answers(agency, 200);
        String delivered = event(agency);
        waitUntilDelivered(delivered);
        TestInfrastructure.execute(DATABASE, "update merchant set webhook_url = null");
        String pending = event(agency);
        String token = agencyToken(agency, READ);

        assertThat(ids(get(token, "/v1/payments/webhook-events?status=delivered"))).containsExactly(delivered);
        assertThat(ids(get(token, "/v1/payments/webhook-events?status=pending"))).containsExactly(pending);
        assertThat(ids(get(token, "/v1/payments/webhook-events?status=failed"))).isEmpty();
    }

    @Test
    void refusesABadLimitStatusOrCursorAsProblems() {
        String token = agencyToken(newAgency(), READ);

        get(token, "/v1/payments/webhook-events?limit=0").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_limit");
        get(token, "/v1/payments/webhook-events?limit=201").expectStatus().isBadRequest();
        get(token, "/v1/payments/webhook-events?status=lost").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("status");
        get(token, "/v1/payments/webhook-events?cursor=bm90LWEta2V5c2V0").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("invalid_cursor");
    }

    @Test
    void needsTheReadScope() {
        String agency = newAgency();
        get(agencyToken(agency, "payments:create"), "/v1/payments/webhook-events").expectStatus().isForbidden();
        client.get().uri("/v1/payments/webhook-events").exchange().expectStatus().isUnauthorized();
    }

    // --- detail
    @Test
    void showsTheEventWithEveryAttempt() {
        String agency = newAgency();
        merchant(agency, url(agency));
        answers(agency, 500);
        String id = event(agency);
        pollUntil(() -> log(id).size(), n -> n >= 2, java.time.Duration.ofSeconds(20));

        Map<String, Object> body = get(agencyToken(agency, READ), "/v1/payments/webhook-events/" + id).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(body.get("id")).isEqualTo(id);
        assertThat(body.get("status")).isEqualTo("pending");
        assertThat(body).containsKey("next_attempt_at");
        List<?> deliveries = (List<?>) body.get("deliveries");
        assertThat(deliveries.size()).isGreaterThanOrEqualTo(2);
        Map<String, Object> attempt = (Map<String, Object>) deliveries.get(0);
        assertThat(attempt.get("attempt")).isEqualTo(1);
        assertThat(attempt.get("url")).isEqualTo(url(agency));
        assertThat(attempt.get("http_status")).isEqualTo(500);
        assertThat(attempt.get("error")).isEqualTo("http_500");
        assertThat(attempt.get("response_snippet")).isEqualTo("status 500");
        assertThat(attempt).containsKeys("at", "duration_ms");
    }

    @Test
    void anotherAgencysEventIsNotFoundLikeAnUnknownOne() {
        String owner = newAgency();
        String intruder = newAgency();
        merchant(owner, null);
        String id = event(owner);
        String token = agencyToken(intruder, READ, MERCHANT);

        get(token, "/v1/payments/webhook-events/" + id).expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("webhook_event_not_found");
        get(token, "/v1/payments/webhook-events/evt_doesnotexist").expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("webhook_event_not_found");
        assertThat(ids(get(token, "/v1/payments/webhook-events"))).isEmpty();
        redeliver(token, id).expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("webhook_event_not_found");
        assertThat(TestInfrastructure.query(DATABASE, "select next_attempt_at = created_at from webhook_event"
                + " where id = '" + id + "'")).containsExactly("t");
    }

    // --- redelivery
    @Test
    void aDeliveredEventIsDeliveredAgainAndBothAttemptsStayLogged() {
        String agency = newAgency();
        merchant(agency, url(agency));
        answers(agency, 200);
        String id = event(agency);
        waitUntilDelivered(id);

        redeliver(agencyToken(agency, MERCHANT), id).expectStatus().isAccepted()
                .expectBody().jsonPath("$.id").isEqualTo(id).jsonPath("$.status").isEqualTo("pending");

        pollUntil(() -> log(id), l -> l.size() == 2, java.time.Duration.ofSeconds(20));
        waitUntilDelivered(id);
        assertThat(log(id)).containsExactly("1|200|", "2|200|");
        assertThat(received(agency)).extracting(r -> r.getHeader("webhook-id")).containsExactly(id, id);
        Map<String, Object> body = get(agencyToken(agency, READ), "/v1/payments/webhook-events/" + id)
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<?>) body.get("deliveries")).hasSize(2);
        assertThat(body.get("status")).isEqualTo("delivered");
    }

    @Test
    void aFailedEventGetsAFreshRetryWindow() {
        String agency = newAgency();
        merchant(agency, url(agency));
        answers(agency, 500);
        String id = event(agency);
        pollUntil(() -> log(id).size(), n -> n >= 1, java.time.Duration.ofSeconds(20));
        clock.advance(java.time.Duration.ofHours(25));
        pollUntil(() -> status(id), "failed"::equals, java.time.Duration.ofSeconds(20));
        int before = log(id).size();
        answers(agency, 200);

        redeliver(agencyToken(agency, MERCHANT), id).expectStatus().isAccepted();

        waitUntilDelivered(id);
        assertThat(log(id)).hasSize(before + 1).last().isEqualTo((before + 1) + "|200|");
    }

    @Test
    void needsTheMerchantScope() {
        String agency = newAgency();
        merchant(agency, null);
        String id = event(agency);

        redeliver(agencyToken(agency, READ), id).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("insufficient_scope");
    }

    WebTestClient.ResponseSpec get(String token, String uri) {
        return client.get().uri(uri).headers(h -> h.setBearerAuth(token)).exchange();
    }

    WebTestClient.ResponseSpec redeliver(String token, String id) {
        return client.post().uri("/v1/payments/webhook-events/{id}/redeliver", id).headers(h -> h.setBearerAuth(token))
                .exchange();
    }

    List<Object> ids(WebTestClient.ResponseSpec response) {
        Map<String, Object> body = response.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((List<?>) body.get("data")).stream().map(e -> ((Map<String, Object>) e).get("id")).collect(java.util.stream.Collectors.toList());
    }
}
