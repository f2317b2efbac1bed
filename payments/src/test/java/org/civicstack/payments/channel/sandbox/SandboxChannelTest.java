package org.civicstack.payments.channel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.ChannelNotification.PaymentNotification;
import org.civicstack.payments.channel.ChannelNotification.RefundNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.NotificationReply;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.Prepay;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.RefundRequest;
import org.civicstack.payments.channel.StatementLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The adapter against a real sandbox provider on a random port, over HTTP, with a real notification endpoint.
 */
class SandboxChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private SandboxHarness sandbox;

    @BeforeEach
    void start() {
        sandbox = SandboxHarness.start();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Prepay prepay(PrepayRequest request) {
        return sandbox.channel.prepay(sandbox.account, request).block();
    }

    private ChannelPayment query(String paymentId) {
        return sandbox.channel.query(sandbox.account, paymentId).block();
    }

    private ChannelNotification verify(NotificationRequest request) {
        return sandbox.channel.verifyNotification(sandbox.account, request).block();
    }

    /** A paid order, its payment notification taken off the receiver. */
    private PrepayRequest paid(long amount) throws InterruptedException {
        PrepayRequest order = sandbox.order(amount);
        Prepay prepay = prepay(order);
        assertThat(sandbox.pay(prepay.channelReference(), "succeed").statusCode()).isEqualTo(200);
        sandbox.receiver.next(WAIT);
        return order;
    }

    private RefundRequest refundOf(PrepayRequest order, long amount) {
        return new RefundRequest(SandboxHarness.newId("rfd_"), order.paymentId(), null, amount, order.amount(),
                "CNY", "citizen cancelled", sandbox.receiver.url(sandbox.account.accountId()).toString());
    }

    @Nested
    class Paying {

        @Test
        void prepayThenPayThenSignedNotificationVerifiesAndQuerySaysSucceeded() throws InterruptedException {
            PrepayRequest order = sandbox.order(1250);

            Prepay prepay = prepay(order);
            assertThat(prepay.channelReference()).startsWith("sbo_");
            assertThat(prepay.appParameters()).containsEntry("order_id", prepay.channelReference());
            assertThat(prepay.appParameters().get("checkout_url"))
                    .isEqualTo(sandbox.baseUri() + "/v1/checkout/" + prepay.channelReference());
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.PENDING);

            HttpResponse<String> paid = sandbox.pay(prepay.channelReference(), "succeed");
            assertThat(paid.statusCode()).isEqualTo(200);

            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            ChannelNotification notification = verify(delivered);
            assertThat(notification).isInstanceOf(PaymentNotification.class);
            assertThat(notification.notificationId()).isEqualTo(delivered.header("Sandbox-Notification-Id"));
            ChannelPayment notified = ((PaymentNotification) notification).payment();
            assertThat(notified.paymentId()).isEqualTo(order.paymentId());
            assertThat(notified.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
            assertThat(notified.amount()).isEqualTo(1250L);
            assertThat(notified.currency()).isEqualTo("CNY");
            assertThat(notified.channelMerchantId()).isEqualTo(sandbox.account.merchantId());
            assertThat(notified.channelTransactionId()).startsWith("sbt_");
            assertThat(notified.paidAt()).isEqualTo(sandbox.clock.instant());
            assertThat(notified.fee()).isEqualTo(8L); // 1250 × 0.6 % = 7.5 → 8, half-up

            ChannelPayment queried = query(order.paymentId());
            assertThat(queried.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
            assertThat(queried.channelTransactionId()).isEqualTo(notified.channelTransactionId());
        }

        @Test
        void failedOutcomeNotifiesFailureAndQuerySaysFailed() throws InterruptedException {
            PrepayRequest order = sandbox.order(800);
            Prepay prepay = prepay(order);

            assertThat(sandbox.pay(prepay.channelReference(), "fail").statusCode()).isEqualTo(200);

            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            JsonNode event = SandboxHarness.JSON.readTree(delivered.body());
            assertThat(event.get("type").stringValue()).isEqualTo("payment.failed");
            ChannelPayment notified = ((PaymentNotification) verify(delivered)).payment();
            assertThat(notified.state()).isEqualTo(ChannelPayment.State.FAILED);
            assertThat(notified.channelTransactionId()).isNull();
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.FAILED);
            assertThat(sandbox.pay(prepay.channelReference(), "succeed").statusCode()).isEqualTo(409);
        }

        @Test
        void closedOrderCannotBePaidAndClosingAgainSucceeds() throws InterruptedException {
            PrepayRequest order = sandbox.order(500);
            Prepay prepay = prepay(order);

            sandbox.channel.close(sandbox.account, order.paymentId()).block();
            sandbox.channel.close(sandbox.account, order.paymentId()).block();

            HttpResponse<String> refused = sandbox.pay(prepay.channelReference(), "succeed");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"order_closed\"");
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.CLOSED);
            assertThat(sandbox.receiver.drain(Duration.ofMillis(300))).isEmpty();
        }

        @Test
        void paidOrderCannotBeClosed() throws InterruptedException {
            PrepayRequest order = paid(500);

            assertThatThrownBy(() -> sandbox.channel.close(sandbox.account, order.paymentId()).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("order_paid"));
        }

        @Test
        void expiredOrderCannotBePaidAndQueriesAsClosed() {
            PrepayRequest order = sandbox.order(500);
            Prepay prepay = prepay(order);

            sandbox.clock.advance(Duration.ofMinutes(31));

            HttpResponse<String> refused = sandbox.pay(prepay.channelReference(), "succeed");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"order_expired\"");
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.CLOSED);
        }

        @Test
        void browserCheckoutPageShowsTheOrderEscaped() {
            PrepayRequest order = new PrepayRequest(SandboxHarness.newId("pay_"), 1250, "CNY",
                    "<script>alert(1)</script>", sandbox.clock.instant().plusSeconds(600),
                    sandbox.receiver.url("mca_test").toString(), "app", Map.of());
            Prepay prepay = prepay(order);

            HttpResponse<String> page = sandbox.send(java.net.http.HttpRequest.newBuilder(
                    URI.create(prepay.appParameters().get("checkout_url"))).header("Accept", "text/html").GET().build());

            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(page.body()).contains("12.50 CNY").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    .doesNotContain("<script>alert(1)");
        }

        @Test
        void anotherMerchantCannotSeeCloseOrRefundTheOrder() throws InterruptedException {
            PrepayRequest order = paid(900);
            ChannelAccount other = sandbox.onboard("mca_other");

            assertThat(sandbox.channel.query(other, order.paymentId()).block().state())
                    .isEqualTo(ChannelPayment.State.NOT_FOUND);
            assertThatThrownBy(() -> sandbox.channel.refund(other, refundOf(order, 100)).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("order_not_found"));
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
        }

        @Test
        void unknownOrderQueriesAsNotFound() {
            ChannelPayment unknown = query("pay_never_made");

            assertThat(unknown.state()).isEqualTo(ChannelPayment.State.NOT_FOUND);
            assertThat(unknown.paymentId()).isEqualTo("pay_never_made");
        }

        @Test
        void sameOrderTwiceIsTheSameOrderAndDifferentContentIsRefused() {
            PrepayRequest order = sandbox.order(990);

            Prepay first = prepay(order);
            Prepay again = prepay(order);
            assertThat(again).isEqualTo(first);

            PrepayRequest changed = new PrepayRequest(order.paymentId(), 991, "CNY", order.description(),
                    order.expiresAt(), order.notifyUrl(), "app", Map.of());
            assertThatThrownBy(() -> prepay(changed))
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("idempotency_conflict"));
        }

        @Test
        void longDescriptionIsTrimmedToTheProvidersLimit() {
            String longText = "证".repeat(127) + "\uD83D\uDE00" + "tail";
            PrepayRequest order = new PrepayRequest(SandboxHarness.newId("pay_"), 100, "CNY", longText,
                    sandbox.clock.instant().plusSeconds(600), sandbox.receiver.url("mca_test").toString(), "app",
                    Map.of());

            Prepay prepay = prepay(order);

            HttpResponse<String> checkout = sandbox.send(java.net.http.HttpRequest.newBuilder(
                    URI.create(prepay.appParameters().get("checkout_url"))).GET().build());
            String shown = SandboxHarness.JSON.readTree(checkout.body()).get("description").stringValue();
            assertThat(shown).isEqualTo("证".repeat(127)); // the emoji would have been split; it is dropped whole
        }
    }

    @Nested
    class Refunding {

        @Test
        void partialThenFullRefundAndNothingMore() throws InterruptedException {
            PrepayRequest order = paid(1000);

            ChannelRefund first = sandbox.channel.refund(sandbox.account, refundOf(order, 300)).block();
            assertThat(first.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(first.amount()).isEqualTo(300L);
            assertThat(first.paymentId()).isEqualTo(order.paymentId());
            assertThat(first.channelRefundId()).startsWith("sbr_");
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.SUCCEEDED);

            ChannelRefund rest = sandbox.channel.refund(sandbox.account, refundOf(order, 700)).block();
            assertThat(rest.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.REFUNDED);

            assertThatThrownBy(() -> sandbox.channel.refund(sandbox.account, refundOf(order, 1)).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("refund_exceeds_payment"));

            List<NotificationRequest> notes = sandbox.receiver.drain(Duration.ofMillis(500));
            assertThat(notes).hasSize(2);
            assertThat(notes).allSatisfy(note -> assertThat(verify(note)).isInstanceOf(RefundNotification.class));
        }

        @Test
        void moreThanPaidIsRefused() throws InterruptedException {
            PrepayRequest order = paid(1000);

            assertThatThrownBy(() -> sandbox.channel.refund(sandbox.account, refundOf(order, 1001)).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("refund_exceeds_payment"));
        }

        @Test
        void concurrentRefundsNeverExceedThePayment() throws InterruptedException {
            PrepayRequest order = paid(100);
            // refunds stay processing for a while, so the limit must count accepted refunds, not completed ones
            sandbox.behave("{\"refund_delay_ms\":300}");

            List<Object> outcomes = Flux.range(0, 2)
                    .flatMap(i -> sandbox.channel.refund(sandbox.account, refundOf(order, 60))
                            .<Object>map(refund -> refund)
                            .onErrorResume(ChannelException.Rejected.class, Mono::just))
                    .collectList()
                    .block();
            assertThat(outcomes).filteredOn(ChannelRefund.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(ChannelException.Rejected.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((ChannelException.Rejected) e).code())
                            .isEqualTo("refund_exceeds_payment"));

            List<Object> many = Flux.range(0, 12)
                    .flatMap(i -> sandbox.channel.refund(sandbox.account, refundOf(order, 10))
                            .<Object>map(refund -> refund)
                            .onErrorResume(ChannelException.Rejected.class, Mono::just), 12)
                    .collectList()
                    .block();
            assertThat(many).filteredOn(ChannelRefund.class::isInstance).hasSize(4); // 60 + 4 × 10 = 100
            assertThat(sandbox.receiver.drain(Duration.ofMillis(800))).hasSize(5); // every accepted refund completes
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.REFUNDED);
        }

        @Test
        void sameRefundTwiceIsOneRefundAndDifferentContentIsRefused() throws InterruptedException {
            PrepayRequest order = paid(1000);
            RefundRequest refund = refundOf(order, 400);

            ChannelRefund first = sandbox.channel.refund(sandbox.account, refund).block();
            ChannelRefund again = sandbox.channel.refund(sandbox.account, refund).block();
            assertThat(again.channelRefundId()).isEqualTo(first.channelRefundId());

            RefundRequest changed = new RefundRequest(refund.refundId(), refund.paymentId(), null, 401, 1000, "CNY",
                    refund.reason(), refund.notifyUrl());
            assertThatThrownBy(() -> sandbox.channel.refund(sandbox.account, changed).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("idempotency_conflict"));
            // only 400 was taken: 600 remain
            assertThat(sandbox.channel.refund(sandbox.account, refundOf(order, 600)).block().state())
                    .isEqualTo(ChannelRefund.State.SUCCEEDED);
        }

        @Test
        void unpaidOrderCannotBeRefunded() {
            PrepayRequest order = sandbox.order(1000);
            prepay(order);

            assertThatThrownBy(() -> sandbox.channel.refund(sandbox.account, refundOf(order, 10)).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("order_not_paid"));
        }

        @Test
        void asynchronousRefundIsPendingThenSucceedsWithANotification() throws InterruptedException {
            PrepayRequest order = paid(1000);
            sandbox.behave("{\"refund_delay_ms\":300}");
            RefundRequest request = refundOf(order, 250);

            ChannelRefund accepted = sandbox.channel.refund(sandbox.account, request).block();
            assertThat(accepted.state()).isEqualTo(ChannelRefund.State.PENDING);
            assertThat(accepted.completedAt()).isNull();

            ChannelNotification notification = verify(sandbox.receiver.next(WAIT));
            ChannelRefund notified = ((RefundNotification) notification).refund();
            assertThat(notified.refundId()).isEqualTo(request.refundId());
            assertThat(notified.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            ChannelRefund queried = sandbox.channel.queryRefund(sandbox.account, order.paymentId(),
                    request.refundId()).block();
            assertThat(queried.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(queried.completedAt()).isNotNull();
        }

        @Test
        void unknownRefundQueriesAsNotFound() {
            ChannelRefund unknown = sandbox.channel.queryRefund(sandbox.account, "pay_x", "rfd_never").block();

            assertThat(unknown.state()).isEqualTo(ChannelRefund.State.NOT_FOUND);
            assertThat(unknown.refundId()).isEqualTo("rfd_never");
        }
    }

    @Nested
    class Verifying {

        @Test
        void tamperedNotificationIsRejected() throws InterruptedException {
            prepayAndPay(700);
            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            String body = new String(delivered.body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).contains("\"amount\":700");
            NotificationRequest tampered = new NotificationRequest(delivered.headers(),
                    body.replace("\"amount\":700", "\"amount\":7").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    delivered.contentType());

            assertThat(verify(delivered)).isInstanceOf(PaymentNotification.class);
            assertThatThrownBy(() -> verify(tampered))
                    .isInstanceOf(ChannelException.NotificationRejected.class)
                    .hasMessageContaining("signature");
        }

        @Test
        void notificationSignedByAnotherKeyIsRejected() throws InterruptedException {
            prepayAndPay(700);
            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            String otherKey = java.util.Base64.getEncoder().encodeToString(
                    org.civicstack.platform.security.jose.Ed25519.generate().getPublic().getEncoded());
            ChannelAccount wrongKey = new ChannelAccount("mca_test", sandbox.account.kind(),
                    sandbox.account.merchantId(), Map.of(SandboxChannel.API_KEY,
                    sandbox.account.property(SandboxChannel.API_KEY), SandboxChannel.PROVIDER_PUBLIC_KEY, otherKey));

            assertThatThrownBy(() -> sandbox.channel.verifyNotification(wrongKey, delivered).block())
                    .isInstanceOf(ChannelException.NotificationRejected.class);
        }

        @Test
        void staleNotificationIsRejected() throws InterruptedException {
            prepayAndPay(700);
            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            assertThat(verify(delivered)).isNotNull();

            Clock later = Clock.offset(sandbox.clock, Duration.ofMinutes(6));
            SandboxChannel laterAdapter = new SandboxChannel(sandbox.baseUri(), later, Duration.ofSeconds(10));
            assertThatThrownBy(() -> laterAdapter.verifyNotification(sandbox.account, delivered).block())
                    .isInstanceOf(ChannelException.NotificationRejected.class)
                    .hasMessageContaining("window");
        }

        @Test
        void notificationWithoutHeadersOrWithForeignIdIsRejected() throws InterruptedException {
            prepayAndPay(700);
            NotificationRequest delivered = sandbox.receiver.next(WAIT);
            Map<String, String> headers = new java.util.HashMap<>(delivered.headers());
            headers.put("sandbox-notification-id", "sbn_other");

            assertThatThrownBy(() -> verify(new NotificationRequest(headers, delivered.body(), "application/json")))
                    .isInstanceOf(ChannelException.NotificationRejected.class);
            assertThatThrownBy(() -> verify(new NotificationRequest(Map.of(), delivered.body(), "application/json")))
                    .isInstanceOf(ChannelException.NotificationRejected.class)
                    .hasMessageContaining("required");
        }

        @Test
        void notificationAboutAnotherMerchantIsRejected() throws InterruptedException {
            ChannelAccount other = sandbox.onboard("mca_other");
            Prepay prepay = sandbox.channel.prepay(other, sandbox.order(300)).block();
            sandbox.pay(prepay.channelReference(), "succeed");
            NotificationRequest forOther = sandbox.receiver.next(WAIT);

            assertThat(sandbox.channel.verifyNotification(other, forOther).block()).isNotNull();
            assertThatThrownBy(() -> verify(forOther))
                    .isInstanceOf(ChannelException.NotificationRejected.class)
                    .hasMessageContaining("another merchant");
        }

        @Test
        void tamperedAnswerIsInvalid() {
            PrepayRequest order = sandbox.order(4200);
            prepay(order);
            try (TamperingProxy proxy = new TamperingProxy(sandbox.baseUri(),
                    body -> body.replace("\"status\":\"pending\"", "\"status\":\"succeeded\""), null)) {
                SandboxChannel throughProxy = new SandboxChannel(proxy.baseUri(), sandbox.clock, Duration.ofSeconds(10));

                assertThatThrownBy(() -> throughProxy.query(sandbox.account, order.paymentId()).block())
                        .isInstanceOf(ChannelException.InvalidResponse.class)
                        .hasMessageContaining("signature");
            }
        }

        @Test
        void untouchedAnswerThroughTheSameProxyVerifies() {
            PrepayRequest order = sandbox.order(4200);
            prepay(order);
            try (TamperingProxy proxy = new TamperingProxy(sandbox.baseUri(), body -> body, null)) {
                SandboxChannel throughProxy = new SandboxChannel(proxy.baseUri(), sandbox.clock, Duration.ofSeconds(10));

                assertThat(throughProxy.query(sandbox.account, order.paymentId()).block().state())
                        .isEqualTo(ChannelPayment.State.PENDING);
            }
        }

        @Test
        void answerWithAStaleTimestampIsInvalid() {
            PrepayRequest order = sandbox.order(4200);
            prepay(order);
            String stale = Long.toString(sandbox.clock.instant().minus(Duration.ofMinutes(6)).getEpochSecond());
            try (TamperingProxy proxy = new TamperingProxy(sandbox.baseUri(), body -> body, stale)) {
                SandboxChannel throughProxy = new SandboxChannel(proxy.baseUri(), sandbox.clock, Duration.ofSeconds(10));

                assertThatThrownBy(() -> throughProxy.query(sandbox.account, order.paymentId()).block())
                        .isInstanceOf(ChannelException.InvalidResponse.class)
                        .hasMessageContaining("timestamp");
            }
        }

        @Test
        void answerSignedByAnotherKeyIsInvalid() {
            String otherKey = java.util.Base64.getEncoder().encodeToString(
                    org.civicstack.platform.security.jose.Ed25519.generate().getPublic().getEncoded());
            ChannelAccount wrongKey = new ChannelAccount("mca_test", sandbox.account.kind(),
                    sandbox.account.merchantId(), Map.of(SandboxChannel.API_KEY,
                    sandbox.account.property(SandboxChannel.API_KEY), SandboxChannel.PROVIDER_PUBLIC_KEY, otherKey));

            assertThatThrownBy(() -> sandbox.channel.query(wrongKey, "pay_any").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void wrongApiKeyIsRefusedWith401() {
            byte[] otherKey = new byte[32];
            new java.security.SecureRandom().nextBytes(otherKey);
            ChannelAccount wrongKey = new ChannelAccount("mca_test", sandbox.account.kind(),
                    sandbox.account.merchantId(), Map.of(SandboxChannel.API_KEY,
                    java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(otherKey),
                    SandboxChannel.PROVIDER_PUBLIC_KEY, sandbox.account.property(SandboxChannel.PROVIDER_PUBLIC_KEY)));

            assertThatThrownBy(() -> sandbox.channel.prepay(wrongKey, sandbox.order(100)).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("unauthorized"))
                    .hasMessageContaining("401");
        }

        @Test
        void requestWithAStaleTimestampIsRefused() {
            Clock behind = Clock.offset(sandbox.clock, Duration.ofMinutes(-6));
            SandboxChannel lateAdapter = new SandboxChannel(sandbox.baseUri(), behind, Duration.ofSeconds(10));

            // the provider refuses the request; its (fresh) answer is then also outside this adapter's window
            assertThatThrownBy(() -> lateAdapter.query(sandbox.account, "pay_any").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("timestamp");
            HttpResponse<String> raw = new SignedCalls(sandbox).get(sandbox.account, "/v1/orders/pay_any",
                    sandbox.clock.instant().minus(Duration.ofMinutes(6)), "nonce-stale");
            assertThat(raw.statusCode()).isEqualTo(401);
            assertThat(raw.body()).contains("\"stale_timestamp\"");
        }

        private void prepayAndPay(long amount) {
            Prepay prepay = prepay(sandbox.order(amount));
            assertThat(sandbox.pay(prepay.channelReference(), "succeed").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class Faults {

        @Test
        void busyIsUnavailableAndTheOrderWasNotMade() {
            sandbox.behave("{\"faults\":{\"create_order\":{\"kind\":\"busy\",\"count\":1}}}");
            PrepayRequest order = sandbox.order(300);

            assertThatThrownBy(() -> prepay(order)).isInstanceOf(ChannelException.Unavailable.class);
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.NOT_FOUND);
            assertThat(prepay(order).channelReference()).startsWith("sbo_"); // the fault was for one call
        }

        @Test
        void errorIsTimeoutBecauseTheOrderMayHaveBeenMade() {
            sandbox.behave("{\"faults\":{\"create_order\":{\"kind\":\"error\",\"count\":2}}}");
            PrepayRequest order = sandbox.order(300);

            assertThatThrownBy(() -> prepay(order)).isInstanceOf(ChannelException.Timeout.class)
                    .hasMessageContaining("500");
            assertThatThrownBy(() -> prepay(order)).isInstanceOf(ChannelException.Timeout.class);
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.PENDING);
            assertThat(sandbox.behave("{}").get("faults").isEmpty()).isTrue();
        }

        @Test
        void heldAnswerIsTimeout() {
            PrepayRequest order = sandbox.order(300);
            prepay(order);
            sandbox.behave("{\"faults\":{\"query_order\":{\"kind\":\"timeout\",\"count\":1}}}");
            SandboxChannel impatient = new SandboxChannel(sandbox.baseUri(), sandbox.clock, Duration.ofMillis(300));

            assertThatThrownBy(() -> impatient.query(sandbox.account, order.paymentId()).block())
                    .isInstanceOf(ChannelException.Timeout.class);
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.PENDING); // one call only
        }

        @Test
        void refundFaultsAreTypedToo() throws InterruptedException {
            PrepayRequest order = paid(1000);
            sandbox.behave("{\"faults\":{\"create_refund\":{\"kind\":\"busy\"}}}");
            RefundRequest refund = refundOf(order, 100);

            assertThatThrownBy(() -> sandbox.channel.refund(sandbox.account, refund).block())
                    .isInstanceOf(ChannelException.Unavailable.class);
            assertThat(sandbox.channel.queryRefund(sandbox.account, order.paymentId(), refund.refundId()).block()
                    .state()).isEqualTo(ChannelRefund.State.NOT_FOUND);
        }

        @Test
        void nobodyListeningIsUnavailable() throws Exception {
            int freePort;
            try (ServerSocket socket = new ServerSocket(0)) {
                freePort = socket.getLocalPort();
            }
            SandboxChannel nowhere = new SandboxChannel(URI.create("http://127.0.0.1:" + freePort), sandbox.clock,
                    Duration.ofSeconds(2));

            assertThatThrownBy(() -> nowhere.query(sandbox.account, "pay_any").block())
                    .isInstanceOf(ChannelException.Unavailable.class);
        }

        @Test
        void unknownFaultKindIsRefusedByTheAdminApi() {
            HttpResponse<String> refused = sandbox.post("/v1/behaviour",
                    "{\"faults\":{\"create_order\":{\"kind\":\"explode\"}}}");

            assertThat(refused.statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class Notifications {

        @Test
        void duplicatesAreDeliveredNTimesWithOneId() throws InterruptedException {
            sandbox.behave("{\"duplicates\":3}");
            Prepay prepay = prepay(sandbox.order(100));
            sandbox.pay(prepay.channelReference(), "succeed");

            List<NotificationRequest> delivered = List.of(sandbox.receiver.next(WAIT), sandbox.receiver.next(WAIT),
                    sandbox.receiver.next(WAIT));
            assertThat(delivered).extracting(note -> note.header("Sandbox-Notification-Id")).containsOnly(
                    delivered.get(0).header("Sandbox-Notification-Id"));
            assertThat(delivered).allSatisfy(note -> assertThat(verify(note)).isInstanceOf(PaymentNotification.class));
            assertThat(sandbox.receiver.drain(Duration.ofMillis(300))).isEmpty();
        }

        @Test
        void droppedNotificationsNeverArriveButTheOrderIsPaid() throws InterruptedException {
            sandbox.behave("{\"drop\":true}");
            PrepayRequest order = sandbox.order(100);
            Prepay prepay = prepay(order);
            sandbox.pay(prepay.channelReference(), "succeed");

            assertThat(sandbox.receiver.drain(Duration.ofMillis(700))).isEmpty();
            assertThat(query(order.paymentId()).state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
        }

        @Test
        void unacknowledgedNotificationIsSentAgainUntilAcknowledged() throws InterruptedException {
            sandbox.receiver.answerNext(500, 503);
            Prepay prepay = prepay(sandbox.order(100));
            sandbox.pay(prepay.channelReference(), "succeed");

            NotificationRequest first = sandbox.receiver.next(WAIT);
            NotificationRequest second = sandbox.receiver.next(WAIT);
            NotificationRequest third = sandbox.receiver.next(WAIT);
            assertThat(List.of(second, third)).extracting(note -> note.header("Sandbox-Notification-Id"))
                    .containsOnly(first.header("Sandbox-Notification-Id"));
            assertThat(verify(third)).isInstanceOf(PaymentNotification.class);
            assertThat(sandbox.receiver.drain(Duration.ofMillis(500))).isEmpty();
        }

        @Test
        void providerGivesUpAfterTheMaximumAttempts() throws InterruptedException {
            sandbox.receiver.answerNext(500, 500, 500, 500, 500, 500, 500, 500);
            Prepay prepay = prepay(sandbox.order(100));
            sandbox.pay(prepay.channelReference(), "succeed");

            // five attempts (the harness's maximum) at 50, 100, 200, 200 ms apart, then silence
            for (int attempt = 1; attempt <= 5; attempt++) {
                sandbox.receiver.next(WAIT);
            }
            assertThat(sandbox.receiver.drain(Duration.ofMillis(800))).isEmpty();
        }

        @Test
        void reorderSendsTheLaterNotificationFirst() throws InterruptedException {
            PrepayRequest order = sandbox.order(1000);
            Prepay prepay = prepay(order);
            sandbox.behave("{\"reorder\":true}");
            sandbox.pay(prepay.channelReference(), "succeed");
            sandbox.channel.refund(sandbox.account, refundOf(order, 1000)).block();

            NotificationRequest first = sandbox.receiver.next(WAIT);
            NotificationRequest second = sandbox.receiver.next(WAIT);
            assertThat(verify(first)).isInstanceOf(RefundNotification.class);
            assertThat(verify(second)).isInstanceOf(PaymentNotification.class);
        }

        @Test
        void reorderWithNothingLaterStillSendsAfterTheWindow() throws InterruptedException {
            sandbox.behave("{\"reorder\":true}");
            Prepay prepay = prepay(sandbox.order(1000));
            sandbox.pay(prepay.channelReference(), "succeed");

            assertThat(sandbox.receiver.drain(Duration.ofMillis(1000))).isEmpty(); // held for the 2 s window
            assertThat(verify(sandbox.receiver.next(WAIT))).isInstanceOf(PaymentNotification.class);
        }

        @Test
        void delayedNotificationArrivesNoSoonerThanTheDelay() throws InterruptedException {
            sandbox.behave("{\"notification_delay_ms\":400}");
            Prepay prepay = prepay(sandbox.order(100));
            long paidAt = System.nanoTime();
            sandbox.pay(prepay.channelReference(), "succeed");

            sandbox.receiver.next(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - paidAt)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }

        @Test
        void replyAcknowledgesWith204AndAsksAgainWith503() {
            assertThat(sandbox.channel.reply(true)).isEqualTo(new NotificationReply(204, null, ""));
            NotificationReply again = sandbox.channel.reply(false);
            assertThat(again.status()).isEqualTo(503);
            assertThat(again.body()).contains("\"code\"");
        }
    }

    @Nested
    class Statements {

        @Test
        void linesAreThePaymentsAndRefundsCompletedThatDayInShanghaiWithFees() throws InterruptedException {
            // 23:59:00 on 3 December in Shanghai
            sandbox.clock.set(Instant.parse("2026-12-03T15:59:00Z"));
            PrepayRequest big = paid(10_000);
            PrepayRequest small = paid(250);
            sandbox.clock.set(Instant.parse("2026-12-03T16:00:30Z")); // 00:00:30 on the 4th
            RefundRequest refund = refundOf(big, 1234);
            sandbox.channel.refund(sandbox.account, refund).block();
            PrepayRequest otherMerchantsOrder = otherMerchantPays();

            List<StatementLine> third = sandbox.channel.statement(sandbox.account, LocalDate.of(2026, 12, 3))
                    .collectList().block();
            List<StatementLine> fourth = sandbox.channel.statement(sandbox.account, LocalDate.of(2026, 12, 4))
                    .collectList().block();
            List<StatementLine> fifth = sandbox.channel.statement(sandbox.account, LocalDate.of(2026, 12, 5))
                    .collectList().block();

            String bigTransaction = query(big.paymentId()).channelTransactionId();
            assertThat(third).containsExactlyInAnyOrder(
                    new StatementLine(StatementLine.Kind.PAYMENT, big.paymentId(), null, bigTransaction, 10_000, "CNY",
                            60, "succeeded", Instant.parse("2026-12-03T15:59:00Z")),
                    new StatementLine(StatementLine.Kind.PAYMENT, small.paymentId(), null,
                            query(small.paymentId()).channelTransactionId(), 250, "CNY", 2, "succeeded",
                            Instant.parse("2026-12-03T15:59:00Z")));
            assertThat(fourth).containsExactly(new StatementLine(StatementLine.Kind.REFUND, big.paymentId(),
                    refund.refundId(), bigTransaction, 1234, "CNY", 7, "succeeded",
                    Instant.parse("2026-12-03T16:00:30Z")));
            assertThat(fourth).extracting(StatementLine::paymentId).doesNotContain(otherMerchantsOrder.paymentId());
            assertThat(fifth).isEmpty();
        }

        @Test
        void statementFaultIsTyped() {
            sandbox.behave("{\"faults\":{\"statement\":{\"kind\":\"error\"}}}");

            assertThatThrownBy(() -> sandbox.channel.statement(sandbox.account, LocalDate.now()).collectList()
                    .block()).isInstanceOf(ChannelException.Timeout.class);
        }

        private PrepayRequest otherMerchantPays() throws InterruptedException {
            ChannelAccount other = sandbox.onboard("mca_other");
            PrepayRequest order = sandbox.order(777);
            Prepay prepay = sandbox.channel.prepay(other, order).block();
            sandbox.pay(prepay.channelReference(), "succeed");
            sandbox.receiver.next(WAIT);
            return order;
        }
    }

    @Nested
    class Validating {

        @Test
        void onboardedAccountIsValid() {
            assertThat(sandbox.channel.validate(sandbox.account.merchantId(), sandbox.account.properties())).isEmpty();
            assertThat(sandbox.channel.secretProperties()).containsExactly(SandboxChannel.API_KEY);
        }

        @Test
        void missingAndMalformedPropertiesAreNamed() {
            assertThat(sandbox.channel.validate("", Map.of()))
                    .extracting(violation -> violation.field() + ":" + violation.code())
                    .containsExactlyInAnyOrder("merchant_id:required", "api_key:required",
                            "provider_public_key:required");
            assertThat(sandbox.channel.validate("sbm_x", Map.of(SandboxChannel.API_KEY, "short",
                    SandboxChannel.PROVIDER_PUBLIC_KEY, "bm90IGEga2V5")))
                    .extracting(violation -> violation.field() + ":" + violation.code())
                    .containsExactlyInAnyOrder("api_key:malformed", "provider_public_key:malformed");
        }

        @Test
        void idsOutsideTheProvidersAlphabetAreRefusedBeforeSending() {
            assertThatThrownBy(() -> query("pay/../x")).isInstanceOfSatisfying(ChannelException.Rejected.class,
                    rejected -> assertThat(rejected.code()).isEqualTo("invalid_merchant_number"));
        }
    }
}
