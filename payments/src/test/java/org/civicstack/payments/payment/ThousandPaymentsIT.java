package org.civicstack.payments.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.civicstack.payments.PaymentsTestChannels;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The concurrency proof: 1,000 orders paid while the provider delivers every notification three times and
 * reorders them; each order ends with exactly one success, one webhook event and its ledger postings, and the whole
 * ledger balances.
 */
class ThousandPaymentsIT extends PaymentsTestSupport {

    static final int ORDERS = 1_000;

    @AfterEach
    void normal() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal());
    }

    @Test
    void aThousandOrdersWithTripledReorderedNotificationsSettleExactlyOnceEach() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal().withDuplicates(3).withReorder(true));
        Agency agency = anAgency();
        Citizen citizen = aCitizen(agency.id());
        SandboxPayments.enableSandbox(client, agency);
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        Flux.range(0, ORDERS)
                .flatMap(i -> Mono.fromRunnable(() -> ids.add(createPayAndCheckout(agency, citizen, i)))
                        .subscribeOn(Schedulers.boundedElastic()), 16)
                .blockLast(Duration.ofMinutes(5));
        assertThat(ids).hasSize(ORDERS).doesNotHaveDuplicates();

        await(() -> count("select count(*) from payment where agency_id = '" + agency.id()
                + "' and status = 'succeeded'") == ORDERS, Duration.ofMinutes(2));
        assertThat(count("select count(*) from webhook_event where agency_id = '" + agency.id()
                + "' and type = 'payment.succeeded'")).isEqualTo(ORDERS);
        assertThat(count("select count(distinct payload->'data'->>'payment_id') from webhook_event where agency_id = '"
                + agency.id() + "'")).isEqualTo(ORDERS);
        assertThat(count("select count(*) from ledger_transaction t join payment p on p.id = t.payment_id"
                + " where p.agency_id = '" + agency.id() + "' and t.kind = 'payment_captured'")).isEqualTo(ORDERS);
        assertThat(count("select count(*) from payment_transition t join payment p on p.id = t.payment_id"
                + " where p.agency_id = '" + agency.id() + "' and t.event = 'channel_succeeded'")).isEqualTo(ORDERS);
        await(() -> count("select count(*) from channel_notification n join payment p on p.id = n.payment_id"
                + " where p.agency_id = '" + agency.id() + "'") >= 3L * ORDERS, Duration.ofMinutes(1));
        assertThat(count("select count(*) from channel_notification n join payment p on p.id = n.payment_id"
                + " where p.agency_id = '" + agency.id() + "' and n.outcome = 'applied'"))
                .as("notifications that changed something; the rest were duplicates or came after a query settled it")
                .isLessThanOrEqualTo(ORDERS);
        assertThat(count("select coalesce(sum(e.amount), 0) from ledger_entry e")).isZero();
        client.get().uri("/v1/payments/ledger/check").headers(h -> h.setBearerAuth(operatorToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.balanced").isEqualTo(true);
    }

    String createPayAndCheckout(Agency agency, Citizen citizen, int i) {
        Map<String, Object> order = OrderCreationIT.anOrder(citizen);
        order.put("amount", 100 + i);
        order.remove("line_items");
        String id = client.post().uri("/v1/payments/orders").headers(h -> {
                    h.setBearerAuth(agency.token());
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).bodyValue(order).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        Map<?, ?> paid = client.post().uri("/v1/payments/me/orders/" + id + "/pay")
                .headers(h -> h.setBearerAuth(citizen.token())).bodyValue(Map.of("channel", "sandbox"))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(SandboxPayments.checkout(CashierFlowIT.providerOrder(paid), "succeed")).isEqualTo(200);
        return id;
    }

    static long count(String sql) {
        return Long.parseLong(TestInfrastructure.query("civicstack_payments", sql).get(0));
    }

}
