package org.civicstack.payments.channel.alipay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.ALIPAY;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.APP;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.APP_ID;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.SELLER_ID;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.STRANGER;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.account;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.answer;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.decodeForm;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.signContent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import org.civicstack.platform.error.FieldViolation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AlipayChannelTest {

    /** 10:00:00 in Beijing. */
    static final Instant NOW = Instant.parse("2026-12-03T02:00:00Z");
    static final String GATEWAY_PATH = "/gateway.do";
    static final JsonMapper JSON = JsonMapper.builder().build();

    WireMockServer alipay;
    AlipayChannel channel;

    @BeforeEach
    void start() {
        alipay = new WireMockServer(wireMockConfig().dynamicPort());
        alipay.start();
        channel = channelWithTimeout(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        alipay.stop();
    }

    AlipayChannel channelWithTimeout(Duration timeout) {
        return new AlipayChannel(URI.create(alipay.baseUrl() + GATEWAY_PATH), Clock.fixed(NOW, ZoneOffset.UTC), timeout);
    }

    void answers(String method, String nodeJson) {
        answersBody(method, answer(method, nodeJson));
    }

    void answersBody(String method, String body) {
        alipay.stubFor(post(urlEqualTo(GATEWAY_PATH))
                .withRequestBody(containing("method=" + method + "&"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html;charset=utf-8")
                        .withBody(body)));
    }

    LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = alipay.findAll(postRequestedFor(urlEqualTo(GATEWAY_PATH)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    Map<String, String> onlyForm() {
        return decodeForm(onlyRequest().getBodyAsString());
    }

    static JsonNode biz(Map<String, String> form) {
        return JSON.readTree(form.get("biz_content"));
    }

    static PrepayRequest prepayRequest(long amount, String description, String scene) {
        return new PrepayRequest("pay_7Hq2", amount, "CNY", description, NOW.plus(Duration.ofMinutes(30)),
                "https://pay.city.example/notify/alipay/mca_alipay1", scene, Map.of());
    }

    @Nested
    class Prepays {

        @Test
        void orderStringIsSignedSortedUrlEncodedAndCarriesTheOrder() {
            Prepay prepay = channel.prepay(account(), prepayRequest(1250, "  Parking permit 停车证  ", "app")).block();

            assertThat(prepay.channelReference()).isNull();
            String orderString = prepay.appParameters().get("order_string");
            assertThat(orderString).doesNotContain(" ").contains("sign=");
            Map<String, String> params = decodeForm(orderString);
            assertThat(params.keySet()).containsExactly("app_id", "biz_content", "charset", "format", "method",
                    "notify_url", "sign", "sign_type", "timestamp", "version");
            assertThat(params).containsEntry("app_id", APP_ID).containsEntry("method", "alipay.trade.app.pay")
                    .containsEntry("format", "JSON").containsEntry("charset", "utf-8")
                    .containsEntry("sign_type", "RSA2").containsEntry("version", "1.0")
                    .containsEntry("timestamp", "2026-12-03 10:00:00")
                    .containsEntry("notify_url", "https://pay.city.example/notify/alipay/mca_alipay1");
            JsonNode biz = biz(params);
            assertThat(biz.get("out_trade_no").stringValue()).isEqualTo("pay_7Hq2");
            assertThat(biz.get("total_amount").stringValue()).isEqualTo("12.50");
            assertThat(biz.get("subject").stringValue()).isEqualTo("Parking permit 停车证");
            assertThat(biz.get("product_code").stringValue()).isEqualTo("QUICK_MSECURITY_PAY");
            assertThat(biz.get("time_expire").stringValue()).isEqualTo("2026-12-03 10:30:00");
            assertThat(AlipayFixtures.verifies(signContent(params, "sign"), params.get("sign"), APP.getPublic()))
                    .isTrue();
            assertThat(alipay.getAllServeEvents()).isEmpty();
        }

        @ParameterizedTest
        @CsvSource({"1, 0.01", "1250, 12.50", "9999999, 99999.99", "100, 1.00"})
        void amountsAreExactYuan(long fen, String yuan) {
            Prepay prepay = channel.prepay(account(), prepayRequest(fen, "x", "app")).block();

            assertThat(biz(decodeForm(prepay.appParameters().get("order_string"))).get("total_amount").stringValue())
                    .isEqualTo(yuan);
        }

        @Test
        void subjectIsTrimmedTo256Characters() {
            String longText = "证".repeat(300);

            Prepay prepay = channel.prepay(account(), prepayRequest(100, longText, "app")).block();

            assertThat(biz(decodeForm(prepay.appParameters().get("order_string"))).get("subject").stringValue())
                    .isEqualTo("证".repeat(256));
        }

        @Test
        void jsapiSceneIsRefusedWithAClearCode() {
            assertThatThrownBy(() -> channel.prepay(account(), prepayRequest(100, "x", "jsapi")).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("unsupported_scene"));
        }

        @Test
        void otherCurrencyIsRefused() {
            PrepayRequest usd = new PrepayRequest("pay_1", 100, "USD", "x", NOW.plusSeconds(60), null, "app", Map.of());

            assertThatThrownBy(() -> channel.prepay(account(), usd).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("unsupported_currency"));
        }
    }

    @Nested
    class Queries {

        static final String PAID = """
                {"code": "10000", "msg": "Success", "buyer_logon_id": "159****5620", "buyer_pay_amount": "12.50",
                 "out_trade_no": "pay_7Hq2", "send_pay_date": "2026-12-03 09:58:07", "total_amount": "12.50",
                 "trade_no": "2026120322001411111111111111", "trade_status": "TRADE_SUCCESS"}""";

        @Test
        void paidTradeIsSucceededWithExactAmountAndTheRequestIsSignedByTheApp() {
            answers("alipay.trade.query", PAID);

            ChannelPayment payment = channel.query(account(), "pay_7Hq2").block();

            assertThat(payment.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
            assertThat(payment.paymentId()).isEqualTo("pay_7Hq2");
            assertThat(payment.amount()).isEqualTo(1250L);
            assertThat(payment.currency()).isEqualTo("CNY");
            assertThat(payment.channelTransactionId()).isEqualTo("2026120322001411111111111111");
            assertThat(payment.paidAt()).isEqualTo(Instant.parse("2026-12-03T01:58:07Z"));

            LoggedRequest request = onlyRequest();
            assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded")
                    .containsIgnoringCase("charset=utf-8");
            Map<String, String> form = decodeForm(request.getBodyAsString());
            assertThat(form).containsEntry("app_id", APP_ID).containsEntry("method", "alipay.trade.query")
                    .containsEntry("format", "JSON").containsEntry("charset", "utf-8")
                    .containsEntry("sign_type", "RSA2").containsEntry("version", "1.0")
                    .containsEntry("timestamp", "2026-12-03 10:00:00").doesNotContainKey("notify_url");
            assertThat(biz(form).get("out_trade_no").stringValue()).isEqualTo("pay_7Hq2");
            assertThat(AlipayFixtures.verifies(signContent(form, "sign"), form.get("sign"), APP.getPublic()))
                    .isTrue();
        }

        @ParameterizedTest
        @CsvSource({
                "WAIT_BUYER_PAY, '', PENDING",
                "TRADE_FINISHED, '\"send_pay_date\": \"2026-12-01 09:58:07\",', SUCCEEDED",
                "TRADE_CLOSED, '', CLOSED",
                "TRADE_CLOSED, '\"send_pay_date\": \"2026-12-01 09:58:07\",', REFUNDED"})
        void tradeStatusMapsToState(String tradeStatus, String extra, ChannelPayment.State state) {
            answers("alipay.trade.query", "{\"code\":\"10000\",\"msg\":\"Success\"," + extra
                    + "\"out_trade_no\":\"pay_7Hq2\",\"total_amount\":\"0.01\",\"trade_status\":\"" + tradeStatus + "\"}");

            ChannelPayment payment = channel.query(account(), "pay_7Hq2").block();

            assertThat(payment.state()).isEqualTo(state);
            assertThat(payment.amount()).isEqualTo(1L);
        }

        @Test
        void largestAmountIsExact() {
            answers("alipay.trade.query", PAID.replace("12.50", "99999.99"));

            assertThat(channel.query(account(), "pay_7Hq2").block().amount()).isEqualTo(9_999_999L);
        }

        @Test
        void fractionOfAFenIsRefused() {
            answers("alipay.trade.query", PAID.replace("\"total_amount\": \"12.50\"", "\"total_amount\": \"12.345\""));

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class).hasMessageContaining("total_amount");
        }

        @Test
        void unknownTradeIsNotFound() {
            answers("alipay.trade.query", """
                    {"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在",\
                    "out_trade_no":"pay_7Hq2"}""");

            assertThat(channel.query(account(), "pay_7Hq2").block().state())
                    .isEqualTo(ChannelPayment.State.NOT_FOUND);
        }

        @Test
        void unsignedTradeNotExistIsNotTakenAsNotFound() {
            answersBody("alipay.trade.query", """
                    {"alipay_trade_query_response":{"code":"40004","msg":"Business Failed",\
                    "sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}}""");

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("ACQ.TRADE_NOT_EXIST"));
        }

        @Test
        void answerSignedByAnotherKeyIsRefused() {
            answersBody("alipay.trade.query", answer("alipay.trade.query", PAID, STRANGER.getPrivate()));

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class).hasMessageContaining("signature");
        }

        @Test
        void answerAlteredAfterSigningIsRefused() {
            String signed = answer("alipay.trade.query", PAID);
            answersBody("alipay.trade.query", signed.replace("\"12.50\"", "\"1.50\""));

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void successWithoutSignatureIsRefused() {
            answersBody("alipay.trade.query", "{\"alipay_trade_query_response\":" + PAID + "}");

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }

        @Test
        void answerAboutAnotherOrderIsRefused() {
            answers("alipay.trade.query", PAID.replace("pay_7Hq2", "pay_other"));

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }
    }

    @Nested
    class Failures {

        @ParameterizedTest
        @CsvSource({"20000, isp.unknow-error", "40004, ACQ.SYSTEM_ERROR", "40004, aop.ACQ.SYSTEM_ERROR"})
        void systemErrorsAreOutcomeUnknown(String code, String subCode) {
            answers("alipay.trade.refund", "{\"code\":\"" + code + "\",\"msg\":\"x\",\"sub_code\":\"" + subCode
                    + "\",\"sub_msg\":\"系统错误\"}");

            assertThatThrownBy(() -> channel.refund(account(), refundRequest()).block())
                    .isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void businessRefusalIsRejectedWithTheSubCode() {
            answers("alipay.trade.refund", """
                    {"code":"40004","msg":"Business Failed","sub_code":"ACQ.SELLER_BALANCE_NOT_ENOUGH",\
                    "sub_msg":"卖家余额不足"}""");

            assertThatThrownBy(() -> channel.refund(account(), refundRequest()).block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("ACQ.SELLER_BALANCE_NOT_ENOUGH"));
        }

        @Test
        void gatewayErrorResponseIsRejected() {
            answersBody("alipay.trade.query", """
                    {"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id",\
                    "sub_msg":"无效的AppID参数"}}""");

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("isv.invalid-app-id"));
        }

        @Test
        void noAnswerInTimeIsTimeout() {
            alipay.stubFor(post(urlEqualTo(GATEWAY_PATH)).willReturn(aResponse().withStatus(200)
                    .withBody(answer("alipay.trade.query", Queries.PAID)).withFixedDelay(3_000)));
            AlipayChannel impatient = channelWithTimeout(Duration.ofMillis(500));

            assertThatThrownBy(() -> impatient.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void serviceUnavailableIsUnavailable() {
            alipay.stubFor(post(urlEqualTo(GATEWAY_PATH)).willReturn(aResponse().withStatus(503)));

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.Unavailable.class);
        }

        @ParameterizedTest
        @CsvSource({"500", "502", "504"})
        void otherServerErrorsAreOutcomeUnknown(int status) {
            alipay.stubFor(post(urlEqualTo(GATEWAY_PATH)).willReturn(aResponse().withStatus(status)));

            assertThatThrownBy(() -> channel.refund(account(), refundRequest()).block())
                    .isInstanceOf(ChannelException.Timeout.class);
        }

        @Test
        void refusedConnectionIsUnavailable() throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            AlipayChannel nowhere = new AlipayChannel(URI.create("http://127.0.0.1:" + closedPort + GATEWAY_PATH),
                    Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2));

            assertThatThrownBy(() -> nowhere.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.Unavailable.class);
        }

        @Test
        void bodyThatIsNotJsonIsInvalid() {
            answersBody("alipay.trade.query", "<html>oops</html>");

            assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }
    }

    @Nested
    class Closes {

        @Test
        void closedTradeCompletes() {
            answers("alipay.trade.close", """
                    {"code":"10000","msg":"Success","out_trade_no":"pay_7Hq2","trade_no":"2026120322001411111111111111"}""");

            channel.close(account(), "pay_7Hq2").block();

            assertThat(biz(onlyForm()).get("out_trade_no").stringValue()).isEqualTo("pay_7Hq2");
            assertThat(onlyForm()).containsEntry("method", "alipay.trade.close");
        }

        @Test
        void neverOpenedTradeCountsAsClosed() {
            answers("alipay.trade.close", """
                    {"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}""");

            channel.close(account(), "pay_7Hq2").block();

            assertThat(onlyForm()).containsEntry("method", "alipay.trade.close");
        }

        @Test
        void statusErrorOnAnAlreadyClosedTradeCompletes() {
            answers("alipay.trade.close", """
                    {"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_STATUS_ERROR","sub_msg":"交易状态不合法"}""");
            answers("alipay.trade.query", """
                    {"code":"10000","msg":"Success","out_trade_no":"pay_7Hq2","total_amount":"12.50",\
                    "trade_status":"TRADE_CLOSED"}""");

            channel.close(account(), "pay_7Hq2").block();

            assertThat(alipay.findAll(postRequestedFor(urlEqualTo(GATEWAY_PATH)))).hasSize(2);
        }

        @Test
        void statusErrorOnAPaidTradeIsRejected() {
            answers("alipay.trade.close", """
                    {"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_STATUS_ERROR","sub_msg":"交易状态不合法"}""");
            answers("alipay.trade.query", Queries.PAID);

            assertThatThrownBy(() -> channel.close(account(), "pay_7Hq2").block())
                    .isInstanceOfSatisfying(ChannelException.Rejected.class,
                            rejected -> assertThat(rejected.code()).isEqualTo("ACQ.TRADE_STATUS_ERROR"));
        }
    }

    static RefundRequest refundRequest() {
        return new RefundRequest("rfd_9Kp1", "pay_7Hq2", "2026120322001411111111111111", 1250, 1250, "CNY",
                "permit cancelled", null);
    }

    @Nested
    class Refunds {

        @Test
        void fundChangeYesIsSucceeded() {
            answers("alipay.trade.refund", """
                    {"code":"10000","msg":"Success","buyer_logon_id":"159****5620","fund_change":"Y",\
                    "gmt_refund_pay":"2026-12-03 10:00:01","out_trade_no":"pay_7Hq2","refund_fee":"12.50",\
                    "trade_no":"2026120322001411111111111111"}""");

            ChannelRefund refund = channel.refund(account(), refundRequest()).block();

            assertThat(refund.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(refund.refundId()).isEqualTo("rfd_9Kp1");
            assertThat(refund.amount()).isEqualTo(1250L);
            assertThat(refund.completedAt()).isEqualTo(Instant.parse("2026-12-03T02:00:01Z"));
            JsonNode biz = biz(onlyForm());
            assertThat(biz.get("out_trade_no").stringValue()).isEqualTo("pay_7Hq2");
            assertThat(biz.get("refund_amount").stringValue()).isEqualTo("12.50");
            assertThat(biz.get("out_request_no").stringValue()).isEqualTo("rfd_9Kp1");
            assertThat(biz.get("refund_reason").stringValue()).isEqualTo("permit cancelled");
        }

        @Test
        void fundChangeNoIsPending() {
            answers("alipay.trade.refund", """
                    {"code":"10000","msg":"Success","fund_change":"N","out_trade_no":"pay_7Hq2","refund_fee":"12.50"}""");

            ChannelRefund refund = channel.refund(account(), refundRequest()).block();

            assertThat(refund.state()).isEqualTo(ChannelRefund.State.PENDING);
            assertThat(refund.completedAt()).isNull();
        }

        @Test
        void refundQueryWithSuccessIsSucceeded() {
            answers("alipay.trade.fastpay.refund.query", """
                    {"code":"10000","msg":"Success","out_request_no":"rfd_9Kp1","out_trade_no":"pay_7Hq2",\
                    "refund_amount":"0.01","refund_status":"REFUND_SUCCESS","gmt_refund_pay":"2026-12-03 09:00:00",\
                    "total_amount":"12.50","trade_no":"2026120322001411111111111111"}""");

            ChannelRefund refund = channel.queryRefund(account(), "pay_7Hq2", "rfd_9Kp1").block();

            assertThat(refund.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(refund.amount()).isEqualTo(1L);
            assertThat(refund.completedAt()).isEqualTo(Instant.parse("2026-12-03T01:00:00Z"));
            JsonNode biz = biz(onlyForm());
            assertThat(biz.get("out_trade_no").stringValue()).isEqualTo("pay_7Hq2");
            assertThat(biz.get("out_request_no").stringValue()).isEqualTo("rfd_9Kp1");
            assertThat(biz.get("query_options").get(0).stringValue()).isEqualTo("gmt_refund_pay");
        }

        @Test
        void refundQueryWithoutStatusIsPending() {
            answers("alipay.trade.fastpay.refund.query", """
                    {"code":"10000","msg":"Success","out_request_no":"rfd_9Kp1","out_trade_no":"pay_7Hq2",\
                    "refund_amount":"12.50","total_amount":"12.50"}""");

            assertThat(channel.queryRefund(account(), "pay_7Hq2", "rfd_9Kp1").block().state())
                    .isEqualTo(ChannelRefund.State.PENDING);
        }

        @Test
        void emptyRefundQueryIsNotFound() {
            answers("alipay.trade.fastpay.refund.query", "{\"code\":\"10000\",\"msg\":\"Success\"}");

            assertThat(channel.queryRefund(account(), "pay_7Hq2", "rfd_9Kp1").block().state())
                    .isEqualTo(ChannelRefund.State.NOT_FOUND);
        }
    }

    // ---- notifications -----------------------------------------------------------------------------------------

    static Map<String, String> paymentNotification() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("gmt_create", "2026-12-03 09:57:50");
        params.put("charset", "utf-8");
        params.put("seller_email", "permits@city.example");
        params.put("subject", "Parking permit 停车证");
        params.put("buyer_id", "2088102122524333");
        params.put("invoice_amount", "12.50");
        params.put("notify_id", "2026120300222095807029991111111111");
        params.put("fund_bill_list", "[{\"amount\":\"12.50\",\"fundChannel\":\"ALIPAYACCOUNT\"}]");
        params.put("notify_type", "trade_status_sync");
        params.put("trade_status", "TRADE_SUCCESS");
        params.put("receipt_amount", "12.50");
        params.put("app_id", APP_ID);
        params.put("buyer_pay_amount", "12.50");
        params.put("gmt_payment", "2026-12-03 09:58:07");
        params.put("notify_time", "2026-12-03 09:58:08");
        params.put("version", "1.0");
        params.put("total_amount", "12.50");
        params.put("trade_no", "2026120322001411111111111111");
        params.put("auth_app_id", APP_ID);
        params.put("buyer_logon_id", "159****5620");
        params.put("point_amount", "0.00");
        params.put("out_trade_no", "pay_7Hq2");
        params.put("seller_id", SELLER_ID);
        params.put("body", "");
        return params;
    }

    static Map<String, String> refundNotification() {
        Map<String, String> params = paymentNotification();
        params.put("out_biz_no", "rfd_9Kp1");
        params.put("refund_fee", "12.50");
        params.put("gmt_refund", "2026-12-03 09:59:30.123");
        params.put("trade_status", "TRADE_CLOSED");
        return params;
    }

    /** Signed as Alipay signs notifications: without sign and sign_type, then both added. */
    static NotificationRequest signedNotification(Map<String, String> params, java.security.PrivateKey key) {
        Map<String, String> signed = new LinkedHashMap<>(params);
        signed.put("sign", AlipayFixtures.sign(signContent(params, "sign", "sign_type"), key));
        signed.putIfAbsent("sign_type", "RSA2");
        return formRequest(signed);
    }

    static NotificationRequest formRequest(Map<String, String> params) {
        return new NotificationRequest(Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                AlipayFixtures.formEncode(params).getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded; charset=utf-8");
    }

    @Nested
    class Notifications {

        @Test
        void signedPaymentNotificationIsAccepted() {
            ChannelNotification notification = channel.verifyNotification(account(),
                    signedNotification(paymentNotification(), ALIPAY.getPrivate())).block();

            assertThat(notification).isInstanceOf(PaymentNotification.class);
            assertThat(notification.notificationId()).isEqualTo("2026120300222095807029991111111111");
            ChannelPayment payment = ((PaymentNotification) notification).payment();
            assertThat(payment.paymentId()).isEqualTo("pay_7Hq2");
            assertThat(payment.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
            assertThat(payment.amount()).isEqualTo(1250L);
            assertThat(payment.channelMerchantId()).isEqualTo(SELLER_ID);
            assertThat(payment.channelTransactionId()).isEqualTo("2026120322001411111111111111");
            assertThat(payment.paidAt()).isEqualTo(Instant.parse("2026-12-03T01:58:07Z"));
        }

        @Test
        void refundNotificationIsARefund() {
            ChannelNotification notification = channel.verifyNotification(account(),
                    signedNotification(refundNotification(), ALIPAY.getPrivate())).block();

            assertThat(notification).isInstanceOf(RefundNotification.class);
            ChannelRefund refund = ((RefundNotification) notification).refund();
            assertThat(refund.refundId()).isEqualTo("rfd_9Kp1");
            assertThat(refund.paymentId()).isEqualTo("pay_7Hq2");
            assertThat(refund.state()).isEqualTo(ChannelRefund.State.SUCCEEDED);
            assertThat(refund.completedAt()).isEqualTo(Instant.parse("2026-12-03T01:59:30.123Z"));
        }

        @Test
        void partialRefundOfAStillPaidTradeIsARefund() {
            Map<String, String> params = refundNotification();
            params.put("trade_status", "TRADE_SUCCESS");
            params.put("refund_fee", "5.00");

            ChannelNotification notification = channel.verifyNotification(account(),
                    signedNotification(params, ALIPAY.getPrivate())).block();

            assertThat(notification).isInstanceOfSatisfying(RefundNotification.class,
                    refund -> assertThat(refund.refund().refundId()).isEqualTo("rfd_9Kp1"));
        }

        @Test
        void refundNotificationWithoutOurRefundIdIsRejected() {
            Map<String, String> params = refundNotification();
            params.remove("out_biz_no");

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "out_biz_no");
        }

        @Test
        void signatureByAnotherKeyIsRejected() {
            assertRejected(signedNotification(paymentNotification(), STRANGER.getPrivate()), "signature");
        }

        @Test
        void alteredAmountIsRejected() {
            NotificationRequest signed = signedNotification(paymentNotification(), ALIPAY.getPrivate());
            String tampered = new String(signed.body(), StandardCharsets.UTF_8)
                    .replace("total_amount=12.50", "total_amount=0.01");
            NotificationRequest request = new NotificationRequest(signed.headers(),
                    tampered.getBytes(StandardCharsets.UTF_8), signed.contentType());

            assertRejected(request, "signature");
        }

        @Test
        void otherAppIsRejected() {
            Map<String, String> params = paymentNotification();
            params.put("app_id", "2021000199999999");

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "app_id");
        }

        @Test
        void otherSellerIsRejected() {
            Map<String, String> params = paymentNotification();
            params.put("seller_id", "2088999999999999");

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "seller_id");
        }

        @ParameterizedTest
        @CsvSource({"2026-12-03 09:49:59", "2026-12-03 10:10:01", "2026-12-02 10:00:00"})
        void notifyTimeOutsideTheWindowIsRejected(String notifyTime) {
            Map<String, String> params = paymentNotification();
            params.put("notify_time", notifyTime);

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "notify_time");
        }

        @Test
        void notifyTimeAtTheWindowsEdgeIsAccepted() {
            Map<String, String> params = paymentNotification();
            params.put("notify_time", "2026-12-03 09:50:00");

            assertThat(channel.verifyNotification(account(), signedNotification(params, ALIPAY.getPrivate())).block())
                    .isInstanceOf(PaymentNotification.class);
        }

        @Test
        void rsa1SignTypeIsRejected() {
            Map<String, String> params = paymentNotification();
            params.put("sign_type", "RSA");

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "sign_type");
        }

        @Test
        void fractionOfAFenIsRejected() {
            Map<String, String> params = paymentNotification();
            params.put("total_amount", "12.345");

            assertRejected(signedNotification(params, ALIPAY.getPrivate()), "total_amount");
        }

        void assertRejected(NotificationRequest request, String why) {
            assertThatThrownBy(() -> channel.verifyNotification(account(), request).block())
                    .isInstanceOf(ChannelException.NotificationRejected.class).hasMessageContaining(why);
        }

        @Test
        void replyIsExactlySuccessOrFailure() {
            NotificationReply accepted = channel.reply(true);
            NotificationReply refused = channel.reply(false);

            assertThat(accepted.status()).isEqualTo(200);
            assertThat(accepted.body()).isEqualTo("success");
            assertThat(accepted.contentType()).startsWith("text/plain");
            assertThat(refused.status()).isEqualTo(200);
            assertThat(refused.body()).isEqualTo("failure");
        }
    }

    // ---- statement ---------------------------------------------------------------------------------------------

    static final String DETAIL_HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,"
            + "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
            + "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

    static String detailFile(String... rows) {
        return "#支付宝业务明细查询\n#账号：[" + SELLER_ID + "0156]\n"
                + "#起始日期：[2026年12月02日 00:00:00]   终止日期：[2026年12月03日 00:00:00]\n"
                + "#-----------------------------------------业务明细列表----------------------------------------\n"
                + DETAIL_HEADER + "\n" + String.join("\n", rows) + "\n"
                + "#-----------------------------------------业务明细列表结束------------------------------------\n"
                + "#交易合计：1笔，商家实收：12.50元，商家优惠：0.00元\n#导出时间：[2026年12月03日 10:00:00]\n";
    }

    static final String PAYMENT_ROW = "2026120222001411111111111111\t,pay_7Hq2\t,交易\t,停车证\t,2026-12-02 09:57:50\t,"
            + "2026-12-02 09:58:07\t,\t,\t,\t,\t,159****5620\t,12.50\t,12.50\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,"
            + "0.00\t,0.00\t,\t,-0.08\t,0.00\t,";
    static final String REFUND_ROW = "2026120222001411111111111111\t,pay_7Hq2\t,退款\t,停车证\t,2026-12-02 09:57:50\t,"
            + "2026-12-02 11:00:00\t,\t,\t,\t,\t,159****5620\t,12.50\t,-5.00\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,"
            + "0.00\t,0.00\t,rfd_9Kp1\t,0.03\t,0.00\t,";

    static byte[] billZip(String detail) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, AlipayTradeBill.GBK)) {
            zip.putNextEntry(new ZipEntry(SELLER_ID + "0156_20261202_业务明细(汇总).csv"));
            zip.write("#支付宝业务汇总查询\n门店编号,门店名称,交易订单总笔数\n".getBytes(AlipayTradeBill.GBK));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(SELLER_ID + "0156_20261202_业务明细.csv"));
            zip.write(detail.getBytes(AlipayTradeBill.GBK));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    void billAt(byte[] zip) {
        String url = alipay.baseUrl() + "/downloadBillFile.resource?bizType=trade&fileType=csv.zip&bizDates=20261202";
        answers("alipay.data.dataservice.bill.downloadurl.query",
                "{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"" + url + "\"}");
        alipay.stubFor(get(urlEqualTo("/downloadBillFile.resource?bizType=trade&fileType=csv.zip&bizDates=20261202"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/oct-stream")
                        .withBody(zip)));
    }

    @Nested
    class Statements {

        @Test
        void tradeBillLinesAreParsedFromTheGbkZip() throws IOException {
            billAt(billZip(detailFile(PAYMENT_ROW, REFUND_ROW)));

            List<StatementLine> lines = channel.statement(account(), LocalDate.of(2026, 12, 2)).collectList().block();

            assertThat(lines).containsExactly(
                    new StatementLine(StatementLine.Kind.PAYMENT, "pay_7Hq2", null, "2026120222001411111111111111",
                            1250, "CNY", 8, "交易", Instant.parse("2026-12-02T01:58:07Z")),
                    new StatementLine(StatementLine.Kind.REFUND, "pay_7Hq2", "rfd_9Kp1", "2026120222001411111111111111",
                            500, "CNY", 3, "退款", Instant.parse("2026-12-02T03:00:00Z")));
            JsonNode biz = biz(onlyForm());
            assertThat(biz.get("bill_type").stringValue()).isEqualTo("trade");
            assertThat(biz.get("bill_date").stringValue()).isEqualTo("2026-12-02");
        }

        @Test
        void billWithAFractionOfAFenIsRefused() throws IOException {
            billAt(billZip(detailFile(PAYMENT_ROW.replace("\t,12.50\t,12.50\t,", "\t,12.505\t,12.50\t,"))));

            assertThatThrownBy(() -> channel.statement(account(), LocalDate.of(2026, 12, 2)).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class).hasMessageContaining("row");
        }

        @Test
        void billWithoutTheDetailFileIsRefused() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes, AlipayTradeBill.GBK)) {
                zip.putNextEntry(new ZipEntry("something_else.csv"));
                zip.write("a,b\n".getBytes(StandardCharsets.US_ASCII));
                zip.closeEntry();
            }
            billAt(bytes.toByteArray());

            assertThatThrownBy(() -> channel.statement(account(), LocalDate.of(2026, 12, 2)).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class).hasMessageContaining("业务明细");
        }

        @Test
        void billMissingAnAmountColumnIsRefused() throws IOException {
            billAt(billZip(detailFile(PAYMENT_ROW).replace("订单金额（元）", "金额")));

            assertThatThrownBy(() -> channel.statement(account(), LocalDate.of(2026, 12, 2)).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class).hasMessageContaining("订单金额");
        }

        @Test
        void notAZipIsRefused() {
            billAt("<html>expired</html>".getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> channel.statement(account(), LocalDate.of(2026, 12, 2)).collectList().block())
                    .isInstanceOf(ChannelException.InvalidResponse.class);
        }
    }

    // ---- account validation ------------------------------------------------------------------------------------

    @Nested
    class Validation {

        @Test
        void wellFormedAccountHasNoViolations() {
            assertThat(channel.validate(SELLER_ID, AlipayFixtures.properties())).isEmpty();
        }

        @Test
        void bareBase64KeysAsAlipaysToolPrintsThemAreAccepted() {
            Map<String, String> properties = Map.of(
                    AlipayAccount.APP_ID, APP_ID,
                    AlipayAccount.APP_PRIVATE_KEY, AlipayFixtures.base64(APP.getPrivate()),
                    AlipayAccount.ALIPAY_PUBLIC_KEY, AlipayFixtures.base64(ALIPAY.getPublic()));

            assertThat(channel.validate(SELLER_ID, properties)).isEmpty();
        }

        @Test
        void missingAndMalformedPropertiesAreNamed() {
            Map<String, String> properties = new HashMap<>();
            properties.put(AlipayAccount.APP_ID, "12");
            properties.put(AlipayAccount.APP_PRIVATE_KEY, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----");

            List<FieldViolation> violations = channel.validate("1234", properties);

            assertThat(violations).extracting(FieldViolation::field, FieldViolation::code).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("merchant_id", "malformed"),
                    org.assertj.core.groups.Tuple.tuple("properties.app_id", "malformed"),
                    org.assertj.core.groups.Tuple.tuple("properties.app_private_key", "malformed"),
                    org.assertj.core.groups.Tuple.tuple("properties.alipay_public_key", "required"));
        }

        @Test
        void publicKeyGivenAsThePrivateKeyIsMalformed() {
            Map<String, String> properties = new HashMap<>(AlipayFixtures.properties());
            properties.put(AlipayAccount.APP_PRIVATE_KEY, AlipayFixtures.pem("PUBLIC KEY", APP.getPublic()));

            assertThat(channel.validate(SELLER_ID, properties)).extracting(FieldViolation::field)
                    .containsExactly("properties.app_private_key");
        }

        @Test
        void onlyThePrivateKeyIsSecret() {
            assertThat(channel.secretProperties()).containsExactly("app_private_key");
        }
    }
}
