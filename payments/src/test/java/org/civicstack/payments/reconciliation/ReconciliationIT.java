package org.civicstack.payments.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.payments.PaymentsTestChannels;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.SandboxPayments;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Reconciliation against the sandbox provider's real daily statement finds each kind of difference: a payment the
 * channel has and we do not, one we count as paid that the channel does not list, an amount that differs, and a
 * payment whose notification was lost — which it settles by querying the channel.
 */
class ReconciliationIT extends PaymentsTestSupport {

    @Autowired
    MerchantStore merchants;
    @Autowired
    PaymentChannels channels;

    @AfterEach
    void normal() {
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal());
    }

    @Autowired
    DailyReconciliation daily;

    @Test
    void eachEnabledAccountIsReconciledOnceADayAfterTheChannelsPublishTheirStatements() {
        Agency first = anAgency();
        Agency second = anAgency();
        SandboxPayments.enableSandbox(client, first);
        SandboxPayments.enableSandbox(client, second);
        paid(first, aCitizen(first.id()), 1200);
        String a = merchants.enabledAccount(first.id(), ChannelKind.SANDBOX).block(Duration.ofSeconds(5)).accountId();
        String b = merchants.enabledAccount(second.id(), ChannelKind.SANDBOX).block(Duration.ofSeconds(5)).accountId();
        LocalDate today = LocalDate.now(Reconciler.CHANNEL_DAY);
        Instant beforeTen = today.plusDays(1).atTime(9, 59).atZone(Reconciler.CHANNEL_DAY).toInstant();
        Instant afterTen = today.plusDays(1).atTime(10, 5).atZone(Reconciler.CHANNEL_DAY).toInstant();

        assertThat(daily.runDue(beforeTen).block(Duration.ofSeconds(30))).as("statements are not out before 10:00").isZero();
        assertThat(reports(a, today)).isZero();

        daily.runDue(afterTen).block(Duration.ofSeconds(60));
        assertThat(reports(a, today)).isEqualTo(1);
        assertThat(reports(b, today)).isEqualTo(1);
        assertThat(query("select matched || '/' || mismatches from reconciliation_report where channel_account_id = '"
                + a + "'")).containsExactly("1/0");
        assertThat(query("select count(*) from reconciliation_run where channel_account_id in ('" + a + "', '" + b
                + "') and finished_at is not null and report_id is not null")).containsExactly("2");

        // later checks that day, or another instance: nothing runs twice
        daily.runDue(afterTen.plusSeconds(600)).block(Duration.ofSeconds(60));
        daily.runDue(afterTen.plusSeconds(7200)).block(Duration.ofSeconds(60));
        assertThat(reports(a, today)).isEqualTo(1);
        assertThat(reports(b, today)).isEqualTo(1);
    }

    long reports(String account, LocalDate day) {
        return Long.parseLong(query("select count(*) from reconciliation_report where channel_account_id = '" + account
                + "' and day = '" + day + "'").get(0));
    }

    @Test
    void everyKindOfDifferenceIsReportedAndALostNotificationIsSettled() {
        Agency agency = anAgency();
        Citizen citizen = aCitizen(agency.id());
        SandboxPayments.enableSandbox(client, agency);
        var account = merchants.enabledAccount(agency.id(), ChannelKind.SANDBOX).block(Duration.ofSeconds(5));

        String matched = paid(agency, citizen, 1000);
        String differs = paid(agency, citizen, 2000);
        sql("update payment set amount = 2001 where id = '" + differs + "'");

        // paid at the channel, notification lost and no query yet: still pending here
        PaymentsTestChannels.sandbox.behave(SandboxBehaviour.normal().withDrop(true));
        String lost = order(agency, citizen, 3000);
        Map<?, ?> opened = pay(citizen, lost);
        sql("update payment set next_check_at = now() + interval '1 hour' where id = '" + lost + "'");
        assertThat(SandboxPayments.checkout(orderAtProvider(opened), "succeed")).isEqualTo(200);

        // money the channel took for an order we never made out
        String ghost = "pay_ghost" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var prepay = channels.get(ChannelKind.SANDBOX).prepay(account, new PrepayRequest(ghost, 4000, "CNY", "ghost",
                Instant.now().plusSeconds(600), "http://localhost:" + SERVER_PORT + "/nowhere", "app", Map.of()))
                .block(Duration.ofSeconds(5));
        assertThat(SandboxPayments.checkout(prepay.appParameters().get("order_id"), "succeed")).isEqualTo(200);

        // a payment we count as paid that the channel never saw
        String phantom = "pay_phantom" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        sql("insert into payment (id, agency_id, reference, citizen_ref, citizen_subject, amount, currency, description,"
                + " status, channel, channel_account_id, expires_at, created_at, updated_at, paid_at) values ('" + phantom
                + "', '" + agency.id() + "', 'PHANTOM-1', '" + citizen.ref() + "', '" + citizen.subject() + "', 5000,"
                + " 'CNY', 'phantom', 'succeeded', 'sandbox', '" + account.accountId() + "', now(), now(), now(), now())");

        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        Map<?, ?> report = client.post().uri("/v1/payments/reconciliations").headers(h -> h.setBearerAuth(operatorToken()))
                .bodyValue(Map.of("channel_account_id", account.accountId(), "day", today.toString()))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();

        assertThat(report.get("statement_lines")).isEqualTo(4);
        assertThat(report.get("matched")).isEqualTo(1);
        assertThat(report.get("mismatches")).isEqualTo(4);
        assertThat(report.get("settled")).isEqualTo(1);
        List<?> items = (List<?>) report.get("items");
        assertThat(item(items, differs).get("kind")).isEqualTo("amount_differs");
        assertThat(item(items, lost).get("kind")).isEqualTo("status_differs");
        assertThat(item(items, lost).get("settled")).isEqualTo(true);
        assertThat(item(items, lost).get("resolution")).isEqualTo("settled_by_query");
        assertThat(item(items, ghost).get("kind")).isEqualTo("missing_here");
        assertThat(item(items, phantom).get("kind")).isEqualTo("missing_at_channel");
        assertThat(items.stream().map(i -> String.valueOf(((Map<?, ?>) i).get("payment_id"))).toList()).doesNotContain(matched);
        assertThat(TestInfrastructure.query("civicstack_payments", "select status from payment where id = '" + lost + "'"))
                .containsExactly("succeeded");
        assertThat(TestInfrastructure.query("civicstack_payments", "select count(*) from payment_alert where kind like"
                + " 'reconciliation_%' and detail->>'report_id' = '" + report.get("id") + "'")).containsExactly("3");

        client.get().uri("/v1/payments/reconciliations/" + report.get("id")).headers(h -> h.setBearerAuth(agency.token()))
                .exchange().expectStatus().isForbidden();
        client.post().uri("/v1/payments/reconciliations").headers(h -> h.setBearerAuth(operatorToken()))
                .bodyValue(Map.of("channel_account_id", account.accountId(), "day", "yesterday"))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("day");
    }

    static Map<?, ?> item(List<?> items, String paymentId) {
        return items.stream().map(i -> (Map<?, ?>) i).filter(i -> paymentId.equals(i.get("payment_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no item for " + paymentId + " in " + items));
    }

    String paid(Agency agency, Citizen citizen, long amount) {
        String id = order(agency, citizen, amount);
        assertThat(SandboxPayments.checkout(orderAtProvider(pay(citizen, id)), "succeed")).isEqualTo(200);
        await(() -> TestInfrastructure.query("civicstack_payments", "select status from payment where id = '" + id + "'")
                .equals(List.of("succeeded")));
        return id;
    }

    String order(Agency agency, Citizen citizen, long amount) {
        return client.post().uri("/v1/payments/orders").headers(h -> {
                    h.setBearerAuth(agency.token());
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).bodyValue(Map.of("reference", "R-" + UUID.randomUUID().toString().substring(0, 12),
                        "citizen_subject", citizen.subject(), "amount", amount, "currency", "CNY",
                        "description", "不动产登记费 property registration fee"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id").toString();
    }

    Map<?, ?> pay(Citizen citizen, String id) {
        return client.post().uri("/v1/payments/me/orders/" + id + "/pay").headers(h -> h.setBearerAuth(citizen.token()))
                .bodyValue(Map.of("channel", "sandbox")).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    static String orderAtProvider(Map<?, ?> paid) {
        return String.valueOf(((Map<?, ?>) paid.get("app_parameters")).get("order_id"));
    }

    static List<String> query(String statement) {
        return TestInfrastructure.query("civicstack_payments", statement);
    }

    static void sql(String statement) {
        TestInfrastructure.execute("civicstack_payments", statement);
    }
}
