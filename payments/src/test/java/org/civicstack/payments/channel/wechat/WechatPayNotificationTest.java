package org.civicstack.payments.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.NotificationReply;
import org.civicstack.payments.channel.NotificationRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Notifications as WeChat Pay sends them: signed headers, then an AES-256-GCM resource. */
class WechatPayNotificationTest {

    static final String NONCE = "fdasflkja484";
    static final String AAD = "transaction";

    final WechatPayChannel channel = new WechatPayChannel(URI.create("http://127.0.0.1:9"), WechatPayTestKit.CLOCK,
            Duration.ofSeconds(1));

    static String paymentBody(String plaintext) {
        return WechatPayTestKit.notificationBody("EV-2018022511223320873", "TRANSACTION.SUCCESS", "transaction", NONCE,
                AAD, WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, AAD, plaintext));
    }

    static NotificationRequest signed(String body) {
        return signed(body, WechatPayTestKit.PLATFORM.getPrivate(), WechatPayTestKit.PLATFORM_SERIAL,
                WechatPayTestKit.NOW);
    }

    static NotificationRequest signed(String body, PrivateKey key, String serial, Instant at) {
        return WechatPayTestKit.notification(body, key, serial, at);
    }

    ChannelNotification verify(NotificationRequest request) {
        return channel.verifyNotification(WechatPayTestKit.account(), request).block();
    }

    void assertRejected(NotificationRequest request, String reason) {
        assertThatThrownBy(() -> verify(request))
                .isInstanceOf(ChannelException.NotificationRejected.class)
                .hasMessageContaining(reason);
    }

    @Nested
    class Accepted {

        @Test
        void aPaymentSuccessIsDecryptedAndMapped() {
            ChannelNotification notification = verify(signed(paymentBody(
                    WechatPayTestKit.transactionJson("pay_1", "SUCCESS"))));

            assertThat(notification).isEqualTo(new ChannelNotification.PaymentNotification("EV-2018022511223320873",
                    new ChannelPayment("pay_1", ChannelPayment.State.SUCCEEDED, WechatPayTestKit.MCHID, 1250L, "CNY",
                            "4200001234202612030123456789", Instant.parse("2026-12-03T08:18:12Z"), null)));
        }

        @ParameterizedTest
        @CsvSource({"SUCCESS,SUCCEEDED", "ABNORMAL,FAILED", "CLOSED,FAILED"})
        void refundEventsAreDecryptedAndMapped(String status, ChannelRefund.State expected) {
            String body = WechatPayTestKit.notificationBody("EV-refund-1", "REFUND." + status, "refund", NONCE,
                    "refund", WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, "refund",
                            WechatPayTestKit.refundJson(status)));

            ChannelNotification notification = verify(signed(body));

            assertThat(notification).isEqualTo(new ChannelNotification.RefundNotification("EV-refund-1",
                    new ChannelRefund("rfd_1", "pay_1", expected, "50000000382019052709732678859", 500L, null,
                            Instant.parse("2026-12-03T08:20:00Z"))));
        }

        @Test
        void aNotificationSignedByTheSecondPlatformKeyIsAccepted() {
            NotificationRequest request = signed(paymentBody(WechatPayTestKit.transactionJson("pay_1", "SUCCESS")),
                    WechatPayTestKit.ROTATED.getPrivate(), WechatPayTestKit.ROTATED_SERIAL, WechatPayTestKit.NOW);

            assertThat(verify(request).notificationId()).isEqualTo("EV-2018022511223320873");
        }

        @Test
        void aTimestampJustInsideTheWindowIsAccepted() {
            NotificationRequest request = signed(paymentBody(WechatPayTestKit.transactionJson("pay_1", "SUCCESS")),
                    WechatPayTestKit.PLATFORM.getPrivate(), WechatPayTestKit.PLATFORM_SERIAL,
                    WechatPayTestKit.NOW.minusSeconds(300));

            assertThat(verify(request)).isInstanceOf(ChannelNotification.PaymentNotification.class);
        }
    }

    @Nested
    class Rejected {

        final String body = paymentBody(WechatPayTestKit.transactionJson("pay_1", "SUCCESS"));

        @Test
        void aSignatureByAnotherKeyIsRejected() {
            assertRejected(signed(body, WechatPayTestKit.STRANGER.getPrivate(), WechatPayTestKit.PLATFORM_SERIAL,
                    WechatPayTestKit.NOW), "signature does not verify");
        }

        @Test
        void wechatsSignatureProbeIsRejected() {
            // WeChat sends notifications whose signature starts with WECHATPAY/SIGNTEST/ to check merchants verify
            NotificationRequest good = signed(body);
            Map<String, String> headers = new HashMap<>(good.headers());
            headers.put("wechatpay-signature", "WECHATPAY/SIGNTEST/" + headers.get("wechatpay-signature"));

            assertRejected(new NotificationRequest(headers, good.body(), good.contentType()), "signature");
        }

        @Test
        void anotherSignatureTypeIsRejected() {
            NotificationRequest good = signed(body);
            Map<String, String> headers = new HashMap<>(good.headers());
            headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3");

            assertRejected(new NotificationRequest(headers, good.body(), good.contentType()), "Signature-Type");
        }

        @Test
        void theDocumentedSignatureTypeIsAccepted() {
            NotificationRequest good = signed(body);
            Map<String, String> headers = new HashMap<>(good.headers());
            headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");

            assertThat(verify(new NotificationRequest(headers, good.body(), good.contentType())))
                    .isInstanceOf(ChannelNotification.PaymentNotification.class);
        }

        @Test
        void anUnknownSerialIsRejected() {
            assertRejected(signed(body, WechatPayTestKit.PLATFORM.getPrivate(), "PUB_KEY_ID_RETIRED",
                    WechatPayTestKit.NOW), "unknown platform key serial PUB_KEY_ID_RETIRED");
        }

        @Test
        void aStaleNotificationIsRejectedEvenWithAGoodSignature() {
            assertRejected(signed(body, WechatPayTestKit.PLATFORM.getPrivate(), WechatPayTestKit.PLATFORM_SERIAL,
                    WechatPayTestKit.NOW.minus(Duration.ofMinutes(5)).minusSeconds(1)), "outside ±5 min");
        }

        @Test
        void aNotificationFromTheFutureIsRejected() {
            assertRejected(signed(body, WechatPayTestKit.PLATFORM.getPrivate(), WechatPayTestKit.PLATFORM_SERIAL,
                    WechatPayTestKit.NOW.plus(Duration.ofMinutes(6))), "outside ±5 min");
        }

        @Test
        void aMissingSignatureHeaderIsRejected() {
            NotificationRequest good = signed(body);
            Map<String, String> headers = new HashMap<>(good.headers());
            headers.remove("wechatpay-nonce");

            assertRejected(new NotificationRequest(headers, good.body(), good.contentType()), "missing");
        }

        @Test
        void aTamperedCiphertextIsRejectedEvenWhenSignedAgain() {
            // the attacker cannot sign, but the resource is authenticated on its own too: re-signed by the platform
            String ciphertext = WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, AAD,
                    WechatPayTestKit.transactionJson("pay_1", "SUCCESS"));
            byte[] raw = java.util.Base64.getDecoder().decode(ciphertext);
            raw[10] ^= 0x01;
            String tampered = WechatPayTestKit.notificationBody("EV-1", "TRANSACTION.SUCCESS", "transaction", NONCE,
                    AAD, java.util.Base64.getEncoder().encodeToString(raw));

            assertRejected(signed(tampered), "does not decrypt");
        }

        @Test
        void aChangedAssociatedDataIsRejected() {
            String ciphertext = WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, AAD,
                    WechatPayTestKit.transactionJson("pay_1", "SUCCESS"));
            String moved = WechatPayTestKit.notificationBody("EV-1", "TRANSACTION.SUCCESS", "transaction", NONCE,
                    "refund", ciphertext);

            assertRejected(signed(moved), "does not decrypt");
        }

        @Test
        void aResourceEncryptedWithAnotherKeyIsRejected() {
            String other = WechatPayTestKit.notificationBody("EV-1", "TRANSACTION.SUCCESS", "transaction", NONCE, AAD,
                    WechatPayTestKit.encrypt(WechatPayTestKit.randomAlphanumeric(32), NONCE, AAD,
                            WechatPayTestKit.transactionJson("pay_1", "SUCCESS")));

            assertRejected(signed(other), "does not decrypt");
        }

        @Test
        void aBodyChangedAfterSigningIsRejected() {
            NotificationRequest good = signed(body);
            byte[] changed = new String(good.body(), StandardCharsets.UTF_8).replace("EV-2018022511223320873",
                    "EV-2018022511223320874").getBytes(StandardCharsets.UTF_8);

            assertRejected(new NotificationRequest(good.headers(), changed, good.contentType()), "signature");
        }

        @Test
        void aRefundEventWhoseStatusDisagreesIsRejected() {
            String mismatched = WechatPayTestKit.notificationBody("EV-2", "REFUND.SUCCESS", "refund", NONCE, "refund",
                    WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, "refund",
                            WechatPayTestKit.refundJson("ABNORMAL")));

            assertRejected(signed(mismatched), "refund_status is ABNORMAL");
        }

        @Test
        void aPaymentSuccessForAnUnpaidTransactionIsRejected() {
            assertRejected(signed(paymentBody(WechatPayTestKit.transactionJson("pay_1", "NOTPAY"))),
                    "state PENDING");
        }

        @Test
        void anUnknownEventTypeIsRejected() {
            String other = WechatPayTestKit.notificationBody("EV-3", "TRANSACTION.SOMETHING", "transaction", NONCE,
                    AAD, WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, AAD,
                            WechatPayTestKit.transactionJson("pay_1", "SUCCESS")));

            assertRejected(signed(other), "unsupported event_type");
        }

        @Test
        void aBodyThatIsNotJsonIsRejected() {
            assertRejected(signed("not json"), "not a JSON object");
        }
    }

    @Nested
    class Replies {

        @Test
        void acceptedIs204WithoutABody() {
            NotificationReply reply = channel.reply(true);

            assertThat(reply.status()).isEqualTo(204);
            assertThat(reply.body()).isEmpty();
        }

        @Test
        void notAcceptedIs500WithWechatsFailBody() {
            NotificationReply reply = channel.reply(false);

            assertThat(reply.status()).isEqualTo(500);
            assertThat(reply.contentType()).isEqualTo("application/json");
            assertThat(reply.body()).startsWith("{\"code\":\"FAIL\",\"message\":\"");
        }
    }
}
