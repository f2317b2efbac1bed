package org.civicstack.payments.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.PaymentsTestSupport.Agency;
import org.civicstack.payments.PaymentsTestSupport.Citizen;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.StatementLine;
import org.civicstack.payments.channel.sandbox.SandboxChannel;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour.FaultKind;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour.Operation;
import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.civicstack.payments.channel.sandbox.provider.SandboxProviderSettings;
import org.civicstack.payments.process.PaymentsProcess;
import org.civicstack.payments.process.WebhookReceiver;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crash proof of issue #10: payments runs as a separate JVM (on the shared test PostgreSQL, a database of its
 * own) and is killed with {@code kill -9} in the windows where a crash hurts — after the claim and the channel call,
 * before the state update — then started again on the same database and port. The sandbox provider (a real HTTP
 * provider, in this JVM) and the agency's webhook receiver live on across the crashes.
 *
 * <ol>
 * <li>kill during the prepay: the payment is {@code starting}, the provider created the order and holds its
 * answer (a {@code timeout} fault). After restart the sweeper resolves the abandoned claim by asking the provider;
 * the citizen opens the cashier again and gets the same provider order;</li>
 * <li>kill while the order is payable and pay at the provider's checkout while payments is down: the notification
 * cannot be delivered; after restart (the provider's retries or the sweeper's query) it succeeds exactly once;</li>
 * <li>kill during a refund call (a {@code timeout} fault on {@code create_refund}), with another payment's webhook
 * event committed but not yet acknowledged by the agency: after restart the agency's retry with the same
 * Idempotency-Key gets the same refund, the refund ends succeeded once, and the pending webhook is delivered once.</li>
 * </ol>
 * Then: one success, one capture at the provider, one {@code payment.succeeded} event and one delivery of it per
 * payment, one refund at the provider, and a ledger that balances.
 */
class PaymentsCrashIT {

    static final String DATABASE = "civicstack_payments_crash";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static SandboxProvider provider;
    static WebhookReceiver receiver;
    static PaymentsProcess payments;

    @BeforeAll
    static void start() throws IOException {
        provider = SandboxProvider.start(SandboxProviderSettings.defaults().withPort(0)
                .withDelivery(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2), 8));
        receiver = WebhookReceiver.start();
        payments = new PaymentsProcess(DATABASE, InfraProvisioner.freePort(), List.of(
                "--civicstack.payments.channels.sandbox-base-url=" + provider.baseUri(),
                "--civicstack.payments.channels.timeout=3s",
                "--civicstack.payments.first-check=1s",
                "--civicstack.payments.check-interval=1s",
                "--civicstack.payments.webhooks.poll-interval=200ms",
                "--civicstack.payments.webhooks.backoff-base=200ms",
                "--civicstack.payments.webhooks.backoff-max=1s",
                "--civicstack.upstream-network.loopback-ports=" + receiver.port()), "-Xmx384m", "-XX:TieredStopAtLevel=1");
        payments.start();
    }

    @AfterAll
    static void stop() {
        if (payments != null) {
            payments.kill();
        }
        if (receiver != null) {
            receiver.stop();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void killedBetweenChannelCallsAndStateUpdatesItEndsRightWithNothingLostOrDoubled() throws Exception {
        Agency agency = PaymentsTestSupport.anAgency();
        Citizen citizen = PaymentsTestSupport.aCitizen(agency.id());
        ChannelAccount account = payments.openSandboxMerchant(agency.token(), provider.baseUri(), receiver.url());
        SandboxChannel channel = new SandboxChannel(provider.baseUri(), Clock.systemUTC(), Duration.ofSeconds(5));

        // 1. killed during the prepay: claimed, the provider has the order, its answer held back
        String first = order(agency, citizen, 2000);
        provider.behave(SandboxBehaviour.normal().withFault(Operation.CREATE_ORDER, FaultKind.TIMEOUT, 1));
        CompletableFuture<HttpResponse<String>> lostAnswer = HTTP.sendAsync(pay(citizen, first),
                HttpResponse.BodyHandlers.ofString());
        await("the claim and the provider's order", () -> status(first).equals("starting")
                && channel.query(account, first).block(Duration.ofSeconds(5)).state() == ChannelPayment.State.PENDING);
        payments.kill();
        assertThat(lostAnswer).failsWithin(Duration.ofSeconds(10));
        provider.behave(SandboxBehaviour.normal());
        assertThat(status(first)).as("nothing changed it while payments was down").isEqualTo("starting");
        payments.start();
        await("the abandoned claim resolved by asking the provider", () -> status(first).equals("pending"));
        HttpResponse<String> reopened = HTTP.send(pay(citizen, first), HttpResponse.BodyHandlers.ofString());
        assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
        String providerOrder = JSON.readTree(reopened.body()).path("app_parameters").path("order_id").asString();
        assertThat(providerOrder).startsWith("sbo_");

        // 2. killed while payable; the citizen pays at the provider meanwhile: its notification finds nobody
        payments.kill();
        assertThat(checkout(providerOrder)).isEqualTo(200);
        assertThat(status(first)).isEqualTo("pending");
        payments.start();
        await("the payment settled after the restart", () -> status(first).equals("succeeded"));

        // 3. another payment whose webhook the agency does not acknowledge yet, then a refund killed mid-call
        String second = order(agency, citizen, 1500);
        receiver.failing.set(true);
        HttpResponse<String> opened = HTTP.send(pay(citizen, second), HttpResponse.BodyHandlers.ofString());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        assertThat(checkout(JSON.readTree(opened.body()).path("app_parameters").path("order_id").asString()))
                .isEqualTo(200);
        await("the second payment succeeded", () -> status(second).equals("succeeded"));
        await("its webhook refused once by the agency", () -> receiver.refusedFor(second) >= 1);

        // the refund call's answer held back, and no refund notification (which would settle it before the crash)
        provider.behave(SandboxBehaviour.normal().withDrop(true).withFault(Operation.CREATE_REFUND, FaultKind.TIMEOUT, 1));
        String key = "refund-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> lostRefund = HTTP.sendAsync(refund(agency, first, key, 500),
                HttpResponse.BodyHandlers.ofString());
        await("the refund reserved (answer so far: " + (lostRefund.isDone() ? lostRefund.join().body() : "none") + ")",
                () -> !refundIds(first).isEmpty() || lostRefund.isDone());
        assertThat(lostRefund).as("the refund call is held at the provider").isNotDone();
        await("the refund at the provider while its call is held", () -> refundStatus(refundIds(first).get(0))
                .equals("requested") && channel.queryRefund(account, first, refundIds(first).get(0))
                        .block(Duration.ofSeconds(5)).state() == ChannelRefund.State.SUCCEEDED);
        String refundId = refundIds(first).get(0);
        payments.kill();
        assertThat(lostRefund).failsWithin(Duration.ofSeconds(10));
        provider.behave(SandboxBehaviour.normal());
        receiver.failing.set(false);
        payments.start();

        // the agency never got its answer and retries with the same key: the same refund, not a second one
        HttpResponse<String> retried = HTTP.send(refund(agency, first, key, 500), HttpResponse.BodyHandlers.ofString());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(JSON.readTree(retried.body()).path("id").asString()).isEqualTo(refundId);
        await("the refund settled", () -> refundStatus(refundId).equals("succeeded"));
        await("every webhook delivered", () -> count("select count(*) from webhook_event where agency_id = '"
                + agency.id() + "' and status <> 'delivered'") == 0);

        // nothing lost, nothing doubled
        assertThat(refundIds(first)).containsExactly(refundId);
        assertThat(count("select refunded from payment where id = '" + first + "'")).isEqualTo(500);
        for (String payment : List.of(first, second)) {
            assertThat(count("select count(*) from webhook_event where type = 'payment.succeeded' and payload -> 'data'"
                    + " ->> 'payment_id' = '" + payment + "'")).as("one payment.succeeded event for %s", payment).isEqualTo(1);
            assertThat(receiver.acknowledgedFor(payment)).as("one acknowledged delivery for %s", payment).isEqualTo(1);
            assertThat(count("select count(*) from ledger_transaction where payment_id = '" + payment
                    + "' and kind = 'payment_captured'")).as("one capture in the ledger for %s", payment).isEqualTo(1);
        }
        assertThat(count("select count(*) from webhook_event where type = 'refund.succeeded' and payload -> 'data'"
                + " ->> 'refund_id' = '" + refundId + "'")).isEqualTo(1);
        List<StatementLine> statement = channel.statement(account, LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")))
                .collectList().block(Duration.ofSeconds(10));
        assertThat(statement).filteredOn(l -> l.kind() == StatementLine.Kind.PAYMENT && l.paymentId().equals(first))
                .as("one capture at the provider").hasSize(1);
        assertThat(statement).filteredOn(l -> l.kind() == StatementLine.Kind.REFUND && l.paymentId().equals(first))
                .as("one refund at the provider").extracting(StatementLine::amount).containsExactly(500L);
        HttpResponse<String> ledger = HTTP.send(HttpRequest.newBuilder(payments.uri("/v1/payments/ledger/check"))
                .header("Authorization", "Bearer " + PaymentsTestSupport.operatorToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(ledger.body()).path("balanced").asBoolean()).as(ledger.body()).isTrue();
        assertThat(payments.kills()).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------- the agency, citizen

    String order(Agency agency, Citizen citizen, long amount) throws Exception {
        return payments.call(HttpRequest.newBuilder(payments.uri("/v1/payments/orders"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(PaymentsProcess.json(Map.of("reference", "REG-" + UUID.randomUUID().toString().substring(0, 12),
                        "citizen_subject", citizen.subject(), "amount", amount, "currency", "CNY",
                        "description", "深圳市人民医院 挂号费"))), agency.token(), 201).path("id").asString();
    }

    HttpRequest pay(Citizen citizen, String payment) {
        return HttpRequest.newBuilder(payments.uri("/v1/payments/me/orders/" + payment + "/pay"))
                .header("Authorization", "Bearer " + citizen.token()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"sandbox\"}"))
                .build();
    }

    HttpRequest refund(Agency agency, String payment, String key, long amount) {
        return HttpRequest.newBuilder(payments.uri("/v1/payments/orders/" + payment + "/refunds"))
                .header("Authorization", "Bearer " + agency.token()).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":" + amount + ",\"reason\":\"crash test\"}"))
                .build();
    }

    /** The citizen presses "pay" on the provider's checkout page. */
    int checkout(String providerOrder) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(provider.baseUri() + "/v1/checkout/" + providerOrder + "/pay"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"succeed\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    // ------------------------------------------------------------------------------------------- the database

    static String status(String payment) {
        return TestInfrastructure.query(DATABASE, "select status from payment where id = '" + payment + "'").get(0);
    }

    static List<String> refundIds(String payment) {
        return TestInfrastructure.query(DATABASE, "select id from refund where payment_id = '" + payment + "' order by id");
    }

    static String refundStatus(String refund) {
        return TestInfrastructure.query(DATABASE, "select status from refund where id = '" + refund + "'").get(0);
    }

    static long count(String sql) {
        return Long.parseLong(TestInfrastructure.query(DATABASE, sql).get(0));
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            boolean done;
            try {
                done = condition.getAsBoolean();
            } catch (RuntimeException e) {
                done = false; // e.g. the provider or the database not answering yet
            }
            if (done) {
                return;
            }
            assertThat(System.nanoTime()).as("%s within 60 s (payments log: %s)", what, payments.log()).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
