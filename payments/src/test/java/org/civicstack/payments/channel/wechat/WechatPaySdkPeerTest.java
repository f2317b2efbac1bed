package org.civicstack.payments.channel.wechat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.wechat.pay.java.core.auth.WechatPay2Credential;
import com.wechat.pay.java.core.auth.WechatPay2Validator;
import com.wechat.pay.java.core.cipher.AeadAesCipher;
import com.wechat.pay.java.core.cipher.RSASigner;
import com.wechat.pay.java.core.cipher.RSAVerifier;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.refund.model.RefundNotification;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.NotificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * WeChat Pay's official Java SDK (wechatpay-java 0.2.17) as an independent peer: what our adapter signs, the SDK
 * computes the same way; what our adapter accepts, the SDK accepts; what the SDK encrypts, our adapter decrypts.
 * This is what keeps the adapter and the test kit from agreeing with each other on a wrong format.
 */
class WechatPaySdkPeerTest {

    static final WireMockServer WECHAT = new WireMockServer(wireMockConfig().dynamicPort()
            .extensions(new WechatSigningTransformer()));
    static final String NONCE = "k5pG3aPa7v2x";

    final WechatPayChannel channel = new WechatPayChannel(URI.create(WECHAT.baseUrl()), WechatPayTestKit.CLOCK,
            Duration.ofSeconds(2));

    @BeforeAll
    static void start() {
        WECHAT.start();
    }

    @AfterAll
    static void stop() {
        WECHAT.stop();
    }

    @BeforeEach
    void reset() {
        WECHAT.resetAll();
    }

    static NotificationParser sdkParser() {
        return new NotificationParser(new RSAPublicKeyNotificationConfig.Builder()
                .publicKey(WechatPayTestKit.PLATFORM.getPublic())
                .publicKeyId(WechatPayTestKit.PLATFORM_SERIAL)
                .apiV3Key(WechatPayTestKit.API_V3_KEY)
                .build());
    }

    static RequestParam sdkParam(NotificationRequest request) {
        return new RequestParam.Builder()
                .serialNumber(request.header("Wechatpay-Serial"))
                .nonce(request.header("Wechatpay-Nonce"))
                .signature(request.header("Wechatpay-Signature"))
                .timestamp(request.header("Wechatpay-Timestamp"))
                .body(new String(request.body(), StandardCharsets.UTF_8))
                .build();
    }

    static String sdkEncrypted(String associatedData, String plaintext) {
        return new AeadAesCipher(WechatPayTestKit.API_V3_KEY.getBytes(StandardCharsets.UTF_8)).encrypt(
                associatedData.getBytes(StandardCharsets.UTF_8), NONCE.getBytes(StandardCharsets.UTF_8),
                plaintext.getBytes(StandardCharsets.UTF_8));
    }

    static NotificationRequest paymentNotification(PrivateKey key, String serial, Instant at) {
        String body = WechatPayTestKit.notificationBody("EV-sdk-1", "TRANSACTION.SUCCESS", "transaction", NONCE,
                "transaction", WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, "transaction",
                        WechatPayTestKit.transactionJson("pay_1", "SUCCESS")));
        return WechatPayTestKit.notification(body, key, serial, at);
    }

    ChannelNotification ours(NotificationRequest request) {
        return channel.verifyNotification(WechatPayTestKit.account(), request).block();
    }

    @Nested
    class Notifications {

        @Test
        void aPaymentNotificationWeAcceptTheSdkAcceptsAndReadsTheSame() {
            NotificationRequest request = paymentNotification(WechatPayTestKit.PLATFORM.getPrivate(),
                    WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW);

            var payment = ((ChannelNotification.PaymentNotification) ours(request)).payment();
            Transaction transaction = sdkParser().parse(sdkParam(request), Transaction.class);

            assertThat(transaction.getOutTradeNo()).isEqualTo(payment.paymentId());
            assertThat(transaction.getTransactionId()).isEqualTo(payment.channelTransactionId());
            assertThat(transaction.getMchid()).isEqualTo(payment.channelMerchantId());
            assertThat(transaction.getAmount().getTotal().longValue()).isEqualTo(payment.amount());
            assertThat(transaction.getAmount().getCurrency()).isEqualTo(payment.currency());
            assertThat(transaction.getTradeState()).isEqualTo(Transaction.TradeStateEnum.SUCCESS);
            assertThat(java.time.OffsetDateTime.parse(transaction.getSuccessTime()).toInstant())
                    .isEqualTo(payment.paidAt());
        }

        @Test
        void aResourceTheSdkEncryptsWeDecrypt() {
            String body = WechatPayTestKit.notificationBody("EV-sdk-2", "REFUND.SUCCESS", "refund", NONCE, "refund",
                    sdkEncrypted("refund", WechatPayTestKit.refundJson("SUCCESS")));
            NotificationRequest request = WechatPayTestKit.notification(body, WechatPayTestKit.PLATFORM.getPrivate(),
                    WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW);

            var refund = ((ChannelNotification.RefundNotification) ours(request)).refund();
            RefundNotification sdk = sdkParser().parse(sdkParam(request), RefundNotification.class);

            assertThat(refund.refundId()).isEqualTo(sdk.getOutRefundNo());
            assertThat(refund.channelRefundId()).isEqualTo(sdk.getRefundId());
            assertThat(refund.amount()).isEqualTo(sdk.getAmount().getRefund());
        }

        @Test
        void whatTheSdkDecryptsOurKitEncryptedTheSameWay() {
            String plaintext = WechatPayTestKit.transactionJson("pay_1", "SUCCESS");

            assertThat(WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, NONCE, "transaction", plaintext))
                    .isEqualTo(sdkEncrypted("transaction", plaintext));
        }

        @Test
        void aNotificationSignedByAnotherKeyBothRefuse() {
            NotificationRequest request = paymentNotification(WechatPayTestKit.STRANGER.getPrivate(),
                    WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW);

            assertThatThrownBy(() -> ours(request)).isInstanceOf(ChannelException.NotificationRejected.class);
            assertThatThrownBy(() -> sdkParser().parse(sdkParam(request), Transaction.class))
                    .isInstanceOf(RuntimeException.class);
        }

        @Test
        void aTamperedCiphertextBothRefuse() {
            String ciphertext = sdkEncrypted("transaction", WechatPayTestKit.transactionJson("pay_1", "SUCCESS"));
            byte[] raw = java.util.Base64.getDecoder().decode(ciphertext);
            raw[raw.length - 1] ^= 0x01; // the tag
            String body = WechatPayTestKit.notificationBody("EV-sdk-3", "TRANSACTION.SUCCESS", "transaction", NONCE,
                    "transaction", java.util.Base64.getEncoder().encodeToString(raw));
            NotificationRequest request = WechatPayTestKit.notification(body, WechatPayTestKit.PLATFORM.getPrivate(),
                    WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW);

            assertThatThrownBy(() -> ours(request)).isInstanceOf(ChannelException.NotificationRejected.class);
            assertThatThrownBy(() -> sdkParser().parse(sdkParam(request), Transaction.class))
                    .isInstanceOf(RuntimeException.class);
        }

        @Test
        void aStaleNotificationTheSdkWouldAcceptWeRefuse() {
            // the SDK's NotificationParser does not check the timestamp window; a replay an hour later passes it
            NotificationRequest request = paymentNotification(WechatPayTestKit.PLATFORM.getPrivate(),
                    WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW.minus(Duration.ofHours(1)));

            assertThatCode(() -> sdkParser().parse(sdkParam(request), Transaction.class))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> ours(request)).isInstanceOf(ChannelException.NotificationRejected.class)
                    .hasMessageContaining("outside ±5 min");
        }
    }

    @Nested
    class RequestSignatures {

        LoggedRequest onlyRequest() {
            List<LoggedRequest> requests = WECHAT.findAll(anyRequestedFor(anyUrl()));
            assertThat(requests).hasSize(1);
            return requests.get(0);
        }

        /** RSA PKCS#1 v1.5 is deterministic: the SDK signing the same message must give the same signature. */
        void assertTheSdkSignsItTheSame(LoggedRequest request) {
            Map<String, String> ours = WechatPayChannelTest.authorizationParameters(request.getHeader("Authorization"));
            String message = request.getMethod().getName() + "\n" + request.getUrl() + "\n" + ours.get("timestamp")
                    + "\n" + ours.get("nonce_str") + "\n" + request.getBodyAsString() + "\n";
            RSASigner sdk = new RSASigner(WechatPayTestKit.MERCHANT_SERIAL, WechatPayTestKit.MERCHANT.getPrivate());

            assertThat(ours.get("signature")).isEqualTo(sdk.sign(message).getSign());
            assertThat(ours.get("serial_no")).isEqualTo(sdk.sign(message).getCertificateSerialNumber());
        }

        @Test
        void aPostWithABodyIsSignedAsTheSdkSignsIt() {
            WECHAT.stubFor(post("/v3/pay/transactions/out-trade-no/pay_1/close")
                    .willReturn(aResponse().withStatus(204)));

            channel.close(WechatPayTestKit.account(), "pay_1").block();

            assertTheSdkSignsItTheSame(onlyRequest());
        }

        @Test
        void aGetWithAQueryStringIsSignedAsTheSdkSignsIt() {
            WECHAT.stubFor(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(okJson(WechatPayTestKit.transactionJson("pay_1", "NOTPAY"))));

            channel.query(WechatPayTestKit.account(), "pay_1").block();

            assertTheSdkSignsItTheSame(onlyRequest());
        }

        @Test
        void ourHeaderHasTheSdksSchemaAndParameters() {
            WECHAT.stubFor(post("/v3/pay/transactions/out-trade-no/pay_1/close")
                    .willReturn(aResponse().withStatus(204)));
            channel.close(WechatPayTestKit.account(), "pay_1").block();
            String ourHeader = onlyRequest().getHeader("Authorization");

            WechatPay2Credential credential = new WechatPay2Credential(WechatPayTestKit.MCHID,
                    new RSASigner(WechatPayTestKit.MERCHANT_SERIAL, WechatPayTestKit.MERCHANT.getPrivate()));
            String body = "{\"mchid\":\"" + WechatPayTestKit.MCHID + "\"}";
            String sdkToken = credential.getAuthorization(
                    URI.create(WECHAT.baseUrl() + "/v3/pay/transactions/out-trade-no/pay_1/close"), "POST", body);
            String sdkHeader = credential.getSchema() + " " + sdkToken;

            Map<String, String> ours = WechatPayChannelTest.authorizationParameters(ourHeader);
            Map<String, String> sdk = WechatPayChannelTest.authorizationParameters(sdkHeader);
            assertThat(ourHeader.substring(0, ourHeader.indexOf(' ')))
                    .isEqualTo(sdkHeader.substring(0, sdkHeader.indexOf(' ')));
            assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(sdk.keySet());
            assertThat(ours.get("mchid")).isEqualTo(sdk.get("mchid"));
            assertThat(ours.get("serial_no")).isEqualTo(sdk.get("serial_no"));
            // and the way our tests check signatures accepts the SDK's own header
            String message = "POST\n/v3/pay/transactions/out-trade-no/pay_1/close\n" + sdk.get("timestamp") + "\n"
                    + sdk.get("nonce_str") + "\n" + body + "\n";
            assertThat(WechatPayTestKit.verify(WechatPayTestKit.MERCHANT.getPublic(), message, sdk.get("signature")))
                    .isTrue();
        }

        @Test
        void theAppParametersSignatureVerifiesWithTheSdksVerifier() {
            WECHAT.stubFor(post("/v3/pay/transactions/app").willReturn(okJson("{\"prepay_id\":\"wx2026\"}")));

            Map<String, String> app = channel.prepay(WechatPayTestKit.account(),
                    WechatPayChannelTest.prepayRequest("app", Map.of())).block().appParameters();

            RSAVerifier verifier = new RSAVerifier(WechatPayTestKit.MERCHANT.getPublic(), "merchant");
            String message = app.get("appid") + "\n" + app.get("timestamp") + "\n" + app.get("noncestr") + "\n"
                    + app.get("prepayid") + "\n";
            assertThat(verifier.verify("merchant", message, app.get("sign"))).isTrue();
        }
    }

    @Nested
    class Answers {

        @Test
        void answersOurAdapterAcceptsTheSdksValidatorAcceptsToo() throws IOException, InterruptedException {
            WECHAT.stubFor(get("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID)
                    .willReturn(okJson(WechatPayTestKit.transactionJson("pay_1", "SUCCESS"))));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    WECHAT.baseUrl() + "/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .build(), HttpResponse.BodyHandlers.ofString());
            var headers = new com.wechat.pay.java.core.http.HttpHeaders();
            for (String name : List.of("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
                    "Wechatpay-Serial")) {
                headers.addHeader(name, answer.headers().firstValue(name).orElseThrow());
            }
            headers.addHeader("Request-ID", "test-request");

            boolean sdkAccepts = new WechatPay2Validator(new RSAVerifier(WechatPayTestKit.PLATFORM.getPublic(),
                    WechatPayTestKit.PLATFORM_SERIAL)).validate(headers, answer.body());

            assertThat(sdkAccepts).isTrue();
            assertThat(channel.query(WechatPayTestKit.account(), "pay_1").block().paymentId()).isEqualTo("pay_1");
        }
    }
}
