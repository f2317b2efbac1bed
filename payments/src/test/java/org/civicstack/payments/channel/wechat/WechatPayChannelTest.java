package org.civicstack.payments.channel.wechat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.Prepay;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.RefundRequest;
import org.civicstack.payments.channel.StatementLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The adapter against WireMock playing WeChat Pay, which signs its answers with the test's platform key. */
class WechatPayChannelTest {

    static final WireMockServer WECHAT = new WireMockServer(wireMockConfig().dynamicPort()
            .extensions(new WechatSigningTransformer()));
    static final Pattern AUTHORIZATION_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    static final Instant EXPIRES = Instant.parse("2026-12-03T08:30:00Z");

    WechatPayChannel channel;

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
        channel = new WechatPayChannel(URI.create(WECHAT.baseUrl()), WechatPayTestKit.CLOCK, Duration.ofSeconds(2));
    }

    static PrepayRequest prepayRequest(String scene, Map<String, String> payer) {
        return new PrepayRequest("pay_1", 1250, "CNY", "市民卡补办工本费", EXPIRES,
                "https://pay.civicstack.example/notifications/wechat_pay/mca_wechat_1", scene, payer);
    }

    static RefundRequest refundRequest() {
        return new RefundRequest("rfd_1", "pay_1", "4200001234202612030123456789", 500, 1250, "CNY", "办理取消",
                "https://pay.civicstack.example/notifications/wechat_pay/mca_wechat_1");
    }

    static String refundAnswer(String status) {
        return "{\"refund_id\":\"50000000382019052709732678859\",\"out_refund_no\":\"rfd_1\","
                + "\"transaction_id\":\"4200001234202612030123456789\",\"out_trade_no\":\"pay_1\","
                + "\"channel\":\"ORIGINAL\",\"user_received_account\":\"支付用户零钱\","
                + (status.equals("SUCCESS") ? "\"success_time\":\"2026-12-03T16:20:00+08:00\"," : "")
                + "\"create_time\":\"2026-12-03T16:19:00+08:00\",\"status\":\"" + status + "\","
                + "\"funds_account\":\"AVAILABLE\",\"amount\":{\"total\":1250,\"refund\":500,\"payer_total\":1250,"
                + "\"payer_refund\":500,\"settlement_refund\":500,\"settlement_total\":1250,\"discount_refund\":0,"
                + "\"currency\":\"CNY\"}}";
    }

    static void stub(MappingBuilder mapping) {
        WECHAT.stubFor(mapping);
    }

    static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = WECHAT.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    /**
     * Recomputes the request signature from what WireMock received, as WeChat's gateway does, and checks it with
     * the merchant's public key.
     */
    static Map<String, String> assertSignedByMerchant(LoggedRequest request) {
        String authorization = request.getHeader("Authorization");
        assertThat(authorization).startsWith("WECHATPAY2-SHA256-RSA2048 ");
        Map<String, String> parameters = authorizationParameters(authorization);
        assertThat(parameters).containsOnlyKeys("mchid", "nonce_str", "signature", "timestamp", "serial_no");
        assertThat(parameters.get("mchid")).isEqualTo(WechatPayTestKit.MCHID);
        assertThat(parameters.get("serial_no")).isEqualTo(WechatPayTestKit.MERCHANT_SERIAL);
        assertThat(parameters.get("timestamp")).isEqualTo(Long.toString(WechatPayTestKit.NOW.getEpochSecond()));
        assertThat(parameters.get("nonce_str")).matches("[A-Z0-9]{32}");
        String message = request.getMethod().getName() + "\n" + request.getUrl() + "\n" + parameters.get("timestamp")
                + "\n" + parameters.get("nonce_str") + "\n" + request.getBodyAsString() + "\n";
        assertThat(WechatPayTestKit.verify(WechatPayTestKit.MERCHANT.getPublic(), message,
                parameters.get("signature"))).as("request signature verifies with the merchant key").isTrue();
        assertThat(request.getHeader("Accept")).isNotBlank();
        assertThat(request.getHeader("User-Agent")).contains("CivicStack");
        return parameters;
    }

    static Map<String, String> authorizationParameters(String authorization) {
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher matcher = AUTHORIZATION_PARAMETER.matcher(authorization);
        while (matcher.find()) {
            parameters.put(matcher.group(1), matcher.group(2));
        }
        return parameters;
    }

    @Nested
    class Prepaying {

        @Test
        void appPrepayPostsTheSignedOrderAndSignsTheAppParametersWithTheMerchantKey() {
            stub(post("/v3/pay/transactions/app").willReturn(okJson("{\"prepay_id\":\"wx2026120316182334a0\"}")));

            Prepay prepay = channel.prepay(WechatPayTestKit.account(), prepayRequest("app", Map.of())).block();

            assertThat(prepay.channelReference()).isEqualTo("wx2026120316182334a0");
            Map<String, String> app = prepay.appParameters();
            assertThat(app).containsEntry("appid", WechatPayTestKit.APP_ID)
                    .containsEntry("partnerid", WechatPayTestKit.MCHID)
                    .containsEntry("prepayid", "wx2026120316182334a0")
                    .containsEntry("package", "Sign=WXPay")
                    .containsEntry("timestamp", Long.toString(WechatPayTestKit.NOW.getEpochSecond()))
                    .containsKeys("noncestr", "sign");
            String signed = app.get("appid") + "\n" + app.get("timestamp") + "\n" + app.get("noncestr") + "\n"
                    + app.get("prepayid") + "\n";
            assertThat(WechatPayTestKit.verify(WechatPayTestKit.MERCHANT.getPublic(), signed, app.get("sign")))
                    .isTrue();

            LoggedRequest request = onlyRequest();
            assertSignedByMerchant(request);
            assertThat(request.getHeader("Content-Type")).startsWith("application/json");
            assertThat(equalToJson("{\"appid\":\"" + WechatPayTestKit.APP_ID + "\",\"mchid\":\""
                    + WechatPayTestKit.MCHID + "\",\"description\":\"市民卡补办工本费\",\"out_trade_no\":\"pay_1\","
                    + "\"time_expire\":\"2026-12-03T16:30:00+08:00\",\"notify_url\":"
                    + "\"https://pay.civicstack.example/notifications/wechat_pay/mca_wechat_1\","
                    + "\"amount\":{\"total\":1250,\"currency\":\"CNY\"}}").match(request.getBodyAsString())
                    .isExactMatch()).as(request.getBodyAsString()).isTrue();
        }

        @Test
        void jsapiPrepaySendsTheOpenidAndSignsTheJsapiParameters() {
            stub(post("/v3/pay/transactions/jsapi").willReturn(okJson("{\"prepay_id\":\"wx20261203jsapi\"}")));

            Prepay prepay = channel.prepay(WechatPayTestKit.account(),
                    prepayRequest("jsapi", Map.of("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"))).block();

            Map<String, String> js = prepay.appParameters();
            assertThat(js).containsOnlyKeys("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")
                    .containsEntry("appId", WechatPayTestKit.APP_ID)
                    .containsEntry("package", "prepay_id=wx20261203jsapi")
                    .containsEntry("signType", "RSA");
            String signed = js.get("appId") + "\n" + js.get("timeStamp") + "\n" + js.get("nonceStr") + "\n"
                    + js.get("package") + "\n";
            assertThat(WechatPayTestKit.verify(WechatPayTestKit.MERCHANT.getPublic(), signed, js.get("paySign")))
                    .isTrue();
            LoggedRequest request = onlyRequest();
            assertSignedByMerchant(request);
            assertThat(request.getBodyAsString()).contains("\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"}");
        }

        @Test
        void jsapiWithoutOpenidIsRejectedWithoutCallingWechat() {
            assertThatThrownBy(() -> channel.prepay(WechatPayTestKit.account(), prepayRequest("jsapi", Map.of()))
                    .block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("missing_openid"));
            assertThat(WECHAT.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        }

        @Test
        void anUnknownSceneIsRejected() {
            assertThatThrownBy(() -> channel.prepay(WechatPayTestKit.account(), prepayRequest("native", Map.of()))
                    .block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("unsupported_scene"));
        }

        @Test
        void aLongDescriptionIsCutTo127Utf8BytesBetweenCharacters() {
            stub(post("/v3/pay/transactions/app").willReturn(okJson("{\"prepay_id\":\"wx1\"}")));
            String description = "办".repeat(50); // 150 bytes
            PrepayRequest request = new PrepayRequest("pay_1", 1, "CNY", description, EXPIRES,
                    "https://pay.civicstack.example/n", "app", Map.of());

            channel.prepay(WechatPayTestKit.account(), request).block();

            String sent = onlyRequest().getBodyAsString();
            assertThat(sent).contains("\"description\":\"" + "办".repeat(42) + "\"");
        }
    }

    @Nested
    class Querying {

        @ParameterizedTest
        @CsvSource({"SUCCESS,SUCCEEDED", "REFUND,REFUNDED", "NOTPAY,PENDING", "USERPAYING,PENDING",
                "CLOSED,CLOSED", "REVOKED,CLOSED", "PAYERROR,FAILED"})
        void eachTradeStateMapsOntoOurState(String tradeState, ChannelPayment.State expected) {
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(okJson(WechatPayTestKit.transactionJson("pay_1", tradeState))));

            ChannelPayment payment = channel.query(WechatPayTestKit.account(), "pay_1").block();

            assertThat(payment).isEqualTo(new ChannelPayment("pay_1", expected, WechatPayTestKit.MCHID, 1250L, "CNY",
                    "4200001234202612030123456789", Instant.parse("2026-12-03T08:18:12Z"), null));
            LoggedRequest request = onlyRequest();
            assertThat(request.getBodyAsString()).isEmpty();
            assertSignedByMerchant(request);
        }

        @Test
        void orderNotExistIsNotFound() {
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_9?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                            .withBody("{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}")));

            ChannelPayment payment = channel.query(WechatPayTestKit.account(), "pay_9").block();

            assertThat(payment.state()).isEqualTo(ChannelPayment.State.NOT_FOUND);
            assertThat(payment.paymentId()).isEqualTo("pay_9");
        }

        @Test
        void anUnsignedOrderNotExistIsNotBelievedAsNotFound() {
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_9?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                            .withBody("{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}")
                            .withTransformerParameter("unsigned", true)));

            assertThatThrownBy(() -> channel.query(WechatPayTestKit.account(), "pay_9").block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("ORDER_NOT_EXIST"));
        }

        @Test
        void anAnswerAboutAnotherOrderIsInvalid() {
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(okJson(WechatPayTestKit.transactionJson("pay_2", "SUCCESS"))));

            assertThatThrownBy(() -> channel.query(WechatPayTestKit.account(), "pay_1").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void anUnknownTradeStateIsInvalid() {
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(okJson(WechatPayTestKit.transactionJson("pay_1", "SOMETHING_NEW"))));

            assertThatThrownBy(() -> channel.query(WechatPayTestKit.account(), "pay_1").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("SOMETHING_NEW");
        }
    }

    @Nested
    class Closing {

        @Test
        void closePostsTheMchidAndCompletesOn204() {
            stub(post("/v3/pay/transactions/out-trade-no/pay_1/close").willReturn(aResponse().withStatus(204)));

            channel.close(WechatPayTestKit.account(), "pay_1").block();

            LoggedRequest request = onlyRequest();
            assertThat(request.getBodyAsString()).isEqualTo("{\"mchid\":\"" + WechatPayTestKit.MCHID + "\"}");
            assertSignedByMerchant(request);
        }

        @Test
        void closingAnAlreadyClosedOrderSucceeds() {
            stub(post("/v3/pay/transactions/out-trade-no/pay_1/close").willReturn(aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"ORDER_CLOSED\",\"message\":\"订单已关闭\"}")));

            channel.close(WechatPayTestKit.account(), "pay_1").block();

            assertThat(WECHAT.findAll(postRequestedFor(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1/close"))))
                    .hasSize(1);
        }

        @Test
        void closingAPaidOrderIsRejectedWithWechatsCode() {
            stub(post("/v3/pay/transactions/out-trade-no/pay_1/close").willReturn(aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"ORDERPAID\",\"message\":\"订单已支付\"}")));

            assertThatThrownBy(() -> channel.close(WechatPayTestKit.account(), "pay_1").block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("ORDERPAID"));
        }
    }

    @Nested
    class Refunding {

        @ParameterizedTest
        @CsvSource({"SUCCESS,SUCCEEDED", "PROCESSING,PENDING", "CLOSED,FAILED", "ABNORMAL,FAILED"})
        void refundPostsTheRefundAndMapsItsStatus(String status, ChannelRefund.State expected) {
            stub(post("/v3/refund/domestic/refunds").willReturn(okJson(refundAnswer(status))));

            ChannelRefund refund = channel.refund(WechatPayTestKit.account(), refundRequest()).block();

            assertThat(refund).isEqualTo(new ChannelRefund("rfd_1", "pay_1", expected,
                    "50000000382019052709732678859", 500L, "CNY",
                    status.equals("SUCCESS") ? Instant.parse("2026-12-03T08:20:00Z") : null));
            LoggedRequest request = onlyRequest();
            assertSignedByMerchant(request);
            assertThat(equalToJson("{\"out_trade_no\":\"pay_1\",\"out_refund_no\":\"rfd_1\",\"reason\":\"办理取消\","
                    + "\"notify_url\":\"https://pay.civicstack.example/notifications/wechat_pay/mca_wechat_1\","
                    + "\"amount\":{\"refund\":500,\"total\":1250,\"currency\":\"CNY\"}}")
                    .match(request.getBodyAsString()).isExactMatch()).as(request.getBodyAsString()).isTrue();
        }

        @Test
        void notEnoughBalanceIsRejectedWithWechatsCode() {
            stub(post("/v3/refund/domestic/refunds").willReturn(aResponse().withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"NOT_ENOUGH\",\"message\":\"余额不足\"}")));

            assertThatThrownBy(() -> channel.refund(WechatPayTestKit.account(), refundRequest()).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("NOT_ENOUGH"));
        }

        @Test
        void queryRefundGetsTheRefundByOurRefundId() {
            stub(get("/v3/refund/domestic/refunds/rfd_1").willReturn(okJson(refundAnswer("SUCCESS"))));

            ChannelRefund refund = channel.queryRefund(WechatPayTestKit.account(), "pay_1", "rfd_1").block();

            assertThat(refund.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(refund.amount()).isEqualTo(500L);
            assertThat(refund.channelRefundId()).isEqualTo("50000000382019052709732678859");
            LoggedRequest request = onlyRequest();
            assertThat(request.getBodyAsString()).isEmpty();
            assertSignedByMerchant(request);
        }

        @Test
        void anUnknownRefundIsNotFound() {
            stub(get("/v3/refund/domestic/refunds/rfd_9").willReturn(aResponse().withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"RESOURCE_NOT_EXISTS\",\"message\":\"退款单不存在\"}")));

            ChannelRefund refund = channel.queryRefund(WechatPayTestKit.account(), "pay_1", "rfd_9").block();

            assertThat(refund.state()).isEqualTo(ChannelRefund.State.NOT_FOUND);
            assertThat(refund.refundId()).isEqualTo("rfd_9");
        }

        @Test
        void aRefundOfAnotherPaymentIsInvalid() {
            stub(get("/v3/refund/domestic/refunds/rfd_1").willReturn(okJson(refundAnswer("SUCCESS"))));

            assertThatThrownBy(() -> channel.queryRefund(WechatPayTestKit.account(), "pay_2", "rfd_1").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }
    }

    @Nested
    class VerifyingAnswers {

        void stubQuery(Map<String, Object> signing) {
            var response = okJson(WechatPayTestKit.transactionJson("pay_1", "SUCCESS"));
            signing.forEach(response::withTransformerParameter);
            stub(get(urlEqualTo("/v3/pay/transactions/out-trade-no/pay_1?mchid=" + WechatPayTestKit.MCHID))
                    .willReturn(response));
        }

        ChannelPayment query() {
            return channel.query(WechatPayTestKit.account(), "pay_1").block();
        }

        @Test
        void anAnswerSignedByAnotherKeyIsRefused() {
            stubQuery(Map.of("signer", "stranger"));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("signature does not verify");
        }

        @Test
        void anAnswerNamingAnUnknownSerialIsRefused() {
            stubQuery(Map.of("serial", "PUB_KEY_ID_UNKNOWN"));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("unknown platform key serial PUB_KEY_ID_UNKNOWN");
        }

        @Test
        void anAnswerAlteredAfterSigningIsRefused() {
            stubQuery(Map.of("tamper", true));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void aStaleAnswerIsRefused() {
            stubQuery(Map.of("skewSeconds", -301));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("outside ±5 min");
        }

        @Test
        void anAnswerFromTheFutureIsRefused() {
            stubQuery(Map.of("skewSeconds", 301));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void anAnswerWithinTheWindowIsAccepted() {
            stubQuery(Map.of("skewSeconds", -299));

            assertThat(query().state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
        }

        @Test
        void anUnsignedSuccessIsRefused() {
            stubQuery(Map.of("unsigned", true));

            assertThatThrownBy(this::query).isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("missing");
        }

        @Test
        void anAnswerByTheSecondPlatformKeyIsAcceptedByItsSerialInAnyCase() {
            stubQuery(Map.of("signer", "rotated", "serial", WechatPayTestKit.ROTATED_SERIAL.toLowerCase()));

            assertThat(query().state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
        }

        @Test
        void aSignedErrorThatDoesNotVerifyIsInvalidNotRejected() {
            stub(post("/v3/refund/domestic/refunds").willReturn(aResponse().withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"NOT_ENOUGH\",\"message\":\"余额不足\"}")
                    .withTransformerParameter("signer", "stranger")));

            assertThatThrownBy(() -> channel.refund(WechatPayTestKit.account(), refundRequest()).block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }
    }

    @Nested
    class Failures {

        ChannelException refundFailure() {
            try {
                channel.refund(WechatPayTestKit.account(), refundRequest()).block();
            } catch (ChannelException e) {
                return e;
            }
            throw new AssertionError("the refund did not fail");
        }

        void stubRefund(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
            stub(post("/v3/refund/domestic/refunds").willReturn(response));
        }

        @Test
        void systemErrorIsTimeoutBecauseTheOutcomeIsUnknown() {
            stubRefund(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"SYSTEM_ERROR\",\"message\":\"系统错误\"}"));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void anUnsignedBadGatewayIsTimeout() {
            stubRefund(aResponse().withStatus(502).withTransformerParameter("unsigned", true));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void frequencyLimitedIsUnavailableBecauseItWasNotProcessed() {
            stubRefund(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"FREQUENCY_LIMITED\",\"message\":\"频率超限\"}"));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Unavailable.class);
        }

        @Test
        void paramErrorIsRejectedWithWechatsCode() {
            stubRefund(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"PARAM_ERROR\",\"message\":\"参数错误\"}"));

            assertThat(refundFailure()).isInstanceOfSatisfying(ChannelException.Rejected.class,
                    rejected -> assertThat(rejected.code()).isEqualTo("PARAM_ERROR"));
        }

        @Test
        void anUnsignedSignErrorFromWechatsGatewayIsRejected() {
            stubRefund(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"SIGN_ERROR\",\"message\":\"签名错误\"}")
                    .withTransformerParameter("unsigned", true));

            assertThat(refundFailure()).isInstanceOfSatisfying(ChannelException.Rejected.class,
                    rejected -> assertThat(rejected.code()).isEqualTo("SIGN_ERROR"));
        }

        @Test
        void noAnswerWithinTheTimeoutIsTimeout() {
            channel = new WechatPayChannel(URI.create(WECHAT.baseUrl()), WechatPayTestKit.CLOCK,
                    Duration.ofMillis(300));
            stubRefund(okJson(refundAnswer("SUCCESS")).withFixedDelay(1500));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void aConnectionResetAfterSendingIsTimeout() {
            stubRefund(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void aRefusedConnectionIsUnavailable() throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            channel = new WechatPayChannel(URI.create("http://127.0.0.1:" + closedPort), WechatPayTestKit.CLOCK,
                    Duration.ofSeconds(2));

            assertThat(refundFailure()).isInstanceOf(ChannelException.Unavailable.class);
        }
    }

    @Nested
    class Statements {

        static final LocalDate DAY = LocalDate.parse("2026-12-02");

        String bill() {
            return TradeBills.aTradeBill()
                    .payment("2026-12-02 09:15:01", "pay_1", "4200001234202612020000000001", "12.50", "0.08")
                    .payment("2026-12-02 10:00:00", "pay_2", "4200001234202612020000000002", "0.01", "0.00")
                    .refund("2026-12-02 18:30:00", "pay_1", "4200001234202612020000000001", "rfd_1", "5.00", "-0.03")
                    .build();
        }

        void stubBill(String hash, String downloadUrl, String file) {
            stub(get(urlEqualTo("/v3/bill/tradebill?bill_date=2026-12-02&bill_type=ALL")).willReturn(okJson(
                    "{\"hash_type\":\"SHA1\",\"hash_value\":\"" + hash + "\",\"download_url\":\"" + downloadUrl
                            + "\"}")));
            stub(get(urlEqualTo("/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/octet-stream")
                            .withBody(file.getBytes(StandardCharsets.UTF_8))
                            .withTransformerParameter("unsigned", true)));
        }

        String downloadUrl() {
            return WECHAT.baseUrl() + "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA";
        }

        @Test
        void theDayBillIsDownloadedWithASignedRequestCheckedAgainstItsHashAndParsed() {
            String file = bill();
            stubBill(WechatPayCrypto.sha1Hex(file.getBytes(StandardCharsets.UTF_8)).toUpperCase(), downloadUrl(),
                    file);

            List<StatementLine> lines = channel.statement(WechatPayTestKit.account(), DAY).collectList().block();

            assertThat(lines).containsExactly(
                    new StatementLine(StatementLine.Kind.PAYMENT, "pay_1", null, "4200001234202612020000000001",
                            1250, "CNY", 8, "SUCCESS", Instant.parse("2026-12-02T01:15:01Z")),
                    new StatementLine(StatementLine.Kind.PAYMENT, "pay_2", null, "4200001234202612020000000002",
                            1, "CNY", 0, "SUCCESS", Instant.parse("2026-12-02T02:00:00Z")),
                    new StatementLine(StatementLine.Kind.REFUND, "pay_1", "rfd_1", "4200001234202612020000000001",
                            500, "CNY", -3, "SUCCESS", Instant.parse("2026-12-02T10:30:00Z")));
            List<LoggedRequest> downloads = WECHAT.findAll(getRequestedFor(urlEqualTo(
                    "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA")));
            assertThat(downloads).hasSize(1);
            assertSignedByMerchant(downloads.get(0));
            assertSignedByMerchant(WECHAT.findAll(getRequestedFor(urlEqualTo(
                    "/v3/bill/tradebill?bill_date=2026-12-02&bill_type=ALL"))).get(0));
        }

        @Test
        void aFileWhoseHashDiffersFromTheSignedHashIsRefused() {
            String file = bill();
            String altered = file.replace("`12.50", "`1.25");
            stubBill(WechatPayCrypto.sha1Hex(file.getBytes(StandardCharsets.UTF_8)), downloadUrl(), altered);

            assertThatThrownBy(() -> channel.statement(WechatPayTestKit.account(), DAY).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class)
                    .hasMessageContaining("SHA-1");
        }

        @Test
        void aDownloadUrlOnAnotherHostIsNeverCalled() {
            String file = bill();
            stubBill(WechatPayCrypto.sha1Hex(file.getBytes(StandardCharsets.UTF_8)),
                    "https://elsewhere.example/v3/billdownload/file?token=x", file);

            assertThatThrownBy(() -> channel.statement(WechatPayTestKit.account(), DAY).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
            assertThat(WECHAT.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
        }

        @Test
        void aDayWithoutTradesIsAnEmptyStatement() {
            stub(get(urlEqualTo("/v3/bill/tradebill?bill_date=2026-12-02&bill_type=ALL")).willReturn(aResponse()
                    .withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"NO_STATEMENT_EXIST\",\"message\":\"账单文件不存在\"}")));

            assertThat(channel.statement(WechatPayTestKit.account(), DAY).collectList().block()).isEmpty();
        }

        @Test
        void aBillStillBeingGeneratedIsRejected() {
            stub(get(urlEqualTo("/v3/bill/tradebill?bill_date=2026-12-02&bill_type=ALL")).willReturn(aResponse()
                    .withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":\"STATEMENT_CREATING\",\"message\":\"账单生成中\"}")));

            assertThatThrownBy(() -> channel.statement(WechatPayTestKit.account(), DAY).collectList().block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("STATEMENT_CREATING"));
        }
    }

    @Test
    void answersCarryNoSignatureHeadersWhenWiremockIsToldNotToSign() {
        // guards the fixture: an unsigned stub really arrives unsigned, so the refusals above are about signatures
        stub(get("/probe").willReturn(okJson("{}").withTransformerParameter("unsigned", true)));
        stub(get("/signed").willReturn(okJson("{}")));
        var client = java.net.http.HttpClient.newHttpClient();
        try {
            var unsigned = client.send(java.net.http.HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/probe"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            var signed = client.send(java.net.http.HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/signed"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.headers().firstValue("Wechatpay-Signature")).isEmpty();
            assertThat(signed.headers().firstValue("Wechatpay-Signature")).isPresent();
            assertThat(signed.headers().firstValue("Wechatpay-Serial")).hasValue(WechatPayTestKit.PLATFORM_SERIAL);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
