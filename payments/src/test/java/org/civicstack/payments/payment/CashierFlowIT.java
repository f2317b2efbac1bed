package org.civicstack.payments.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.civicstack.payments.PaymentsTestChannels;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.payment.app.PaymentOutcomes;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The cashier end to end against the sandbox provider over HTTP: an agency enables the channel, makes out an order,
 * the citizen opens and pays it, the provider's signed notification settles it, the ledger balances, the agency gets
 * one webhook event; duplicates, lost notifications, mismatches, expiry and refunds.
 */
class CashierFlowIT extends PaymentsTestSupport {

    @Autowired
    PaymentOutcomes outcomes;
    @Autowired
    MerchantStore merchants;

    Agency agency;
    Citizen citizen;

    @BeforeEach
    void merchant() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal());
        agency = anAgency();
        citizen = aCitizen(agency.id());
        SandboxPayments.enableSandbox(client, agency);
    }

    @AfterEach
    void normal() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal());
    }

    String order(long amount) {
        Map<String, Object> order = OrderCreationIT.anOrder(citizen);
        order.put("amount", amount);
        order.remove("line_items");
        return client.post().uri("/v1/payments/orders").headers(h -> {
                    h.setBearerAuth(agency.token());
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).bodyValue(order).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    Map<?, ?> pay(String id) {
        return client.post().uri("/v1/payments/me/orders/" + id + "/pay").headers(h -> h.setBearerAuth(citizen.token()))
                .bodyValue(Map.of("channel", "sandbox")).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    Map<?, ?> agencyView(String id) {
        return client.get().uri("/v1/payments/orders/" + id).headers(h -> h.setBearerAuth(agency.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    String status(String id) {
        return String.valueOf(agencyView(id).get("status"));
    }

    static String providerOrder(Map<?, ?> paid) {
        return String.valueOf(((Map<?, ?>) paid.get("app_parameters")).get("order_id"));
    }

    long count(String sql) {
        return Long.parseLong(TestInfrastructure.query("civicstack_payments", sql).get(0));
    }

    @Test
    void theAgencySeesTheChannelsOnOfferWhereToOpenAnAccountAndItsOwnAccount() {
        Map<?, ?> answer = client.get().uri("/v1/payments/merchant/channels").headers(h -> h.setBearerAuth(agency.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<?> data = (List<?>) answer.get("data");
        Map<?, ?> sandbox = data.stream().map(Map.class::cast).filter(c -> "sandbox".equals(c.get("channel")))
                .findFirst().orElseThrow();
        assertThat(String.valueOf(sandbox.get("merchant_portal")).replaceAll("/+$", ""))
                .isEqualTo(PaymentsTestChannels.sandbox.baseUri().toString().replaceAll("/+$", ""));
        assertThat(sandbox.get("secret_properties")).isEqualTo(List.of("api_key"));
        Map<?, ?> account = (Map<?, ?>) sandbox.get("account");
        assertThat(account.get("enabled")).isEqualTo(true);
        assertThat(String.valueOf(account.get("notification_url"))).contains("/v1/payments/notifications/sandbox/");
        assertThat(account.toString()).doesNotContain("api_key=");
        // another agency has no account there yet, and a citizen may not look
        Map<?, ?> other = client.get().uri("/v1/payments/merchant/channels").headers(h -> h.setBearerAuth(anAgency().token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((List<?>) other.get("data")).stream().map(Map.class::cast)
                .filter(c -> "sandbox".equals(c.get("channel"))).findFirst().orElseThrow().get("account")).isNull();
        client.get().uri("/v1/payments/merchant/channels").headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void theCitizenPaysAndTheNotificationSettlesItOnceWithABalancedLedger() {
        String id = order(2500);
        Map<?, ?> mine = client.get().uri("/v1/payments/me/orders/" + id).headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(String.valueOf(mine.get("channels"))).isEqualTo("[sandbox]");
        assertThat(mine.get("agency_name")).isEqualTo("深圳市人民医院 Shenzhen People's Hospital");

        Map<?, ?> paid = pay(id);
        assertThat(paid.get("status")).isEqualTo("pending");
        assertThat(((Map<?, ?>) paid.get("app_parameters")).get("checkout_url").toString()).contains("/v1/checkout/");
        assertThat(pay(id)).as("opening it again gives the same prepared order").isEqualTo(paid);

        assertThat(SandboxPayments.checkout(providerOrder(paid), "succeed")).isEqualTo(200);
        await(() -> "succeeded".equals(status(id)));

        Map<?, ?> view = agencyView(id);
        assertThat(view.get("channel_transaction_id")).isNotNull();
        assertThat(view.get("fee")).isEqualTo(15); // 0.6 % of 2500, half-up
        assertThat(count("select count(*) from webhook_event where agency_id = '" + agency.id()
                + "' and type = 'payment.succeeded'")).isEqualTo(1);
        assertThat(count("select coalesce(sum(amount), 0) from ledger_entry where account = 'merchant_payable:"
                + agency.id() + "'")).isEqualTo(-2500 + 15);
        client.get().uri("/v1/payments/ledger/check").headers(h -> h.setBearerAuth(operatorToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.balanced").isEqualTo(true);
        client.get().uri("/v1/payments/me/orders/" + id + "/receipt").headers(h -> h.setBearerAuth(citizen.token()))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.amount_display").isEqualTo("25.00")
                .jsonPath("$.channel").isEqualTo("sandbox");
        client.post().uri("/v1/payments/me/orders/" + id + "/pay").headers(h -> h.setBearerAuth(citizen.token()))
                .bodyValue(Map.of("channel", "sandbox")).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("already_paid");
    }

    @Test
    void everyNotificationDeliveredThreeTimesGivesOneSuccessAndOneEvent() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal().withDuplicates(3));
        String id = order(1200);
        assertThat(SandboxPayments.checkout(providerOrder(pay(id)), "succeed")).isEqualTo(200);
        await(() -> count("select count(*) from channel_notification where payment_id = '" + id + "'") >= 3);
        assertThat(status(id)).isEqualTo("succeeded");
        assertThat(count("select count(*) from channel_notification where payment_id = '" + id
                + "' and outcome = 'applied'")).isEqualTo(1);
        assertThat(count("select count(*) from webhook_event where type = 'payment.succeeded' and payload->'data'->>"
                + "'payment_id' = '" + id + "'")).isEqualTo(1);
        assertThat(count("select count(*) from ledger_transaction where payment_id = '" + id + "'")).isEqualTo(2);
    }

    @Test
    void aPaymentWhoseNotificationNeverComesIsSettledByQueryingTheChannel() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal().withDrop(true));
        String id = order(800);
        assertThat(SandboxPayments.checkout(providerOrder(pay(id)), "succeed")).isEqualTo(200);
        await(() -> "succeeded".equals(status(id)));
        assertThat(count("select count(*) from channel_notification where payment_id = '" + id + "'")).isZero();
        assertThat(count("select count(*) from payment_transition where payment_id = '" + id
                + "' and event = 'channel_succeeded' and detail->>'source' = 'query'")).isEqualTo(1);
    }

    @Test
    void aFailedPaymentAtTheChannelFailsHere() {
        String id = order(900);
        assertThat(SandboxPayments.checkout(providerOrder(pay(id)), "fail")).isEqualTo(200);
        await(() -> "failed".equals(status(id)));
        assertThat(count("select count(*) from webhook_event where type = 'payment.failed' and payload->'data'->>"
                + "'payment_id' = '" + id + "'")).isEqualTo(1);
    }

    @Test
    void aChannelViewWithAnotherAmountIsRefusedAndRaisedAsAnAlert() {
        String id = order(3000);
        pay(id);
        var account = merchants.enabledAccount(agency.id(), ChannelKind.SANDBOX).block(Duration.ofSeconds(5));
        PaymentOutcomes.Outcome outcome = outcomes.apply(account, new ChannelPayment(id, ChannelPayment.State.SUCCEEDED,
                account.merchantId(), 30L, "CNY", "sbt_forged", null, null), "test").block(Duration.ofSeconds(5));
        assertThat(outcome).isEqualTo(PaymentOutcomes.Outcome.MISMATCH);
        assertThat(status(id)).isEqualTo("pending");
        assertThat(count("select count(*) from payment_alert where payment_id = '" + id
                + "' and kind = 'channel_mismatch'")).isEqualTo(1);
        assertThat(count("select count(*) from ledger_transaction where payment_id = '" + id + "'")).isZero();
        client.get().uri("/v1/payments/alerts").headers(h -> h.setBearerAuth(operatorToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.data[?(@.payment_id=='" + id + "')].kind")
                .isEqualTo("channel_mismatch");
    }

    @Test
    void aTamperedNotificationIsRefusedAndChangesNothing() {
        String id = order(700);
        pay(id);
        String account = merchants.enabledAccount(agency.id(), ChannelKind.SANDBOX).block(Duration.ofSeconds(5))
                .accountId();
        client.post().uri("/v1/payments/notifications/sandbox/" + account)
                .header("Sandbox-Notification-Id", "sbn_forged").header("Sandbox-Timestamp",
                        String.valueOf(System.currentTimeMillis() / 1000)).header("Sandbox-Signature", "AAAA")
                .bodyValue("{\"id\":\"sbn_forged\",\"type\":\"payment.succeeded\",\"data\":{\"out_trade_no\":\"" + id
                        + "\"}}")
                .exchange().expectStatus().isEqualTo(503);
        assertThat(status(id)).isEqualTo("pending");
        assertThat(count("select count(*) from channel_notification where channel_account_id = '" + account
                + "' and outcome = 'refused'")).isEqualTo(1);
    }

    @Test
    void unpaidOrdersExpireAndAreClosedAtTheChannel() {
        String created = order(500);
        String pending = order(600);
        String providerId = providerOrder(pay(pending));
        TestInfrastructure.execute("civicstack_payments", "update payment set expires_at = now() - interval '1 second',"
                + " next_check_at = now() where id in ('" + created + "', '" + pending + "')");
        await(() -> "expired".equals(status(created)) && "expired".equals(status(pending)));
        assertThat(SandboxPayments.checkout(providerId, "succeed")).as("closed at the channel too").isNotEqualTo(200);
        assertThat(count("select count(*) from webhook_event where type = 'payment.expired' and payload->'data'->>"
                + "'payment_id' in ('" + created + "', '" + pending + "')")).isEqualTo(2);
    }

    @Test
    void refundsNeverExceedThePaymentEvenConcurrently() throws Exception {
        String id = order(3000);
        assertThat(SandboxPayments.checkout(providerOrder(pay(id)), "succeed")).isEqualTo(200);
        await(() -> "succeeded".equals(status(id)));
        assertThat(refund(id, 1000, UUID.randomUUID().toString()).get("status")).isEqualTo(201);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Map<String, Object>>> two = List.of(() -> refund(id, 1500, UUID.randomUUID().toString()),
                    () -> refund(id, 1500, UUID.randomUUID().toString()));
            List<Integer> statuses = new ArrayList<>();
            for (Future<Map<String, Object>> f : pool.invokeAll(two)) {
                statuses.add((Integer) f.get().get("status"));
            }
            assertThat(statuses).containsExactlyInAnyOrder(201, 422);
        } finally {
            pool.shutdownNow();
        }
        await(() -> count("select count(*) from refund where payment_id = '" + id + "' and status = 'succeeded'") == 2);
        Map<?, ?> view = agencyView(id);
        assertThat(view.get("refunded_amount")).isEqualTo(2500);
        assertThat(refund(id, 501, UUID.randomUUID().toString()).get("code")).isEqualTo("refund_exceeds_payment");
        assertThat(count("select coalesce(sum(amount), 0) from ledger_entry e join ledger_transaction t"
                + " on t.id = e.transaction_id where t.payment_id = '" + id + "' and e.account = 'channel_clearing:sandbox'"))
                .isEqualTo(3000 - 18 - 2500);
        client.get().uri("/v1/payments/ledger/check").headers(h -> h.setBearerAuth(operatorToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.balanced").isEqualTo(true);
    }

    @Test
    void aRefundRetriedWithItsKeyIsTheSameRefund() {
        String id = order(2000);
        assertThat(SandboxPayments.checkout(providerOrder(pay(id)), "succeed")).isEqualTo(200);
        await(() -> "succeeded".equals(status(id)));
        String key = UUID.randomUUID().toString();
        Map<String, Object> first = refund(id, 700, key);
        Map<String, Object> again = refund(id, 700, key);
        assertThat(again.get("id")).isEqualTo(first.get("id"));
        assertThat(count("select count(*) from refund where payment_id = '" + id + "'")).isEqualTo(1);
    }

    Map<String, Object> refund(String id, long amount, String key) {
        var result = client.post().uri("/v1/payments/orders/" + id + "/refunds").headers(h -> {
                    h.setBearerAuth(agency.token());
                    h.set("Idempotency-Key", key);
                }).bodyValue(Map.of("amount", amount, "reason", "退号 cancelled registration"))
                .exchange().expectBody(Map.class).returnResult();
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new java.util.HashMap<>(result.getResponseBody());
        body.put("status", result.getStatus().value());
        return body;
    }
}
