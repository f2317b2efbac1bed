package org.civicstack.payments.channel.alipay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.ALIPAY;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.APP;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.APP_ID;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.STRANGER;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.account;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.base64;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.decodeForm;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.alipay.api.AlipayApiException;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.internal.util.AlipaySignature;
import com.alipay.api.request.AlipayTradeAppPayRequest;
import com.alipay.api.request.AlipayTradeQueryRequest;
import com.alipay.api.response.AlipayTradeQueryResponse;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification.PaymentNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.PrepayRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alipay's own Java SDK ({@code alipay-sdk-java}) as an independent peer: what we sign, it verifies; what it signs
 * (playing Alipay), we verify; and the canonical texts and the order string's encoding are the same as its own.
 * Each side uses its own code end to end — the SDK takes keys as base64 strings and does its own encoding.
 */
class AlipaySdkPeerTest {

    static final Instant NOW = AlipayChannelTest.NOW;

    WireMockServer alipay;
    AlipayChannel channel;

    @BeforeEach
    void start() {
        alipay = new WireMockServer(wireMockConfig().dynamicPort());
        alipay.start();
        channel = new AlipayChannel(URI.create(alipay.baseUrl() + "/gateway.do"), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        alipay.stop();
    }

    DefaultAlipayClient sdkClient() {
        return new DefaultAlipayClient(alipay.baseUrl() + "/gateway.do", APP_ID, base64(APP.getPrivate()), "JSON",
                "utf-8", base64(ALIPAY.getPublic()), "RSA2");
    }

    void gatewayAnswers(String body) {
        alipay.stubFor(post(urlPathEqualTo("/gateway.do"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html;charset=utf-8")
                        .withBody(body)));
    }

    @Test
    void ourRequestSignContentIsTheSdksAndItsCheckAccepts() throws AlipayApiException {
        gatewayAnswers(AlipayFixtures.answer("alipay.trade.query", AlipayChannelTest.Queries.PAID));
        channel.query(account(), "pay_7Hq2").block();

        Map<String, String> form = decodeForm(alipay.findAll(postRequestedFor(urlPathEqualTo("/gateway.do")))
                .get(0).getBodyAsString());
        Map<String, String> unsigned = new HashMap<>(form);
        unsigned.remove("sign");

        assertThat(AlipaySignatures.content(form, Set.of("sign"))).isEqualTo(AlipaySignature.getSignContent(unsigned));
        assertThat(AlipaySignature.rsaCheckV2(new HashMap<>(form), base64(APP.getPublic()), "utf-8", "RSA2"))
                .isTrue();
    }

    @Test
    void ourOrderStringVerifiesWithTheSdk() throws AlipayApiException {
        String orderString = orderString();

        Map<String, String> params = decodeForm(orderString);

        // the SDK's check removes "sign" from the map it is given, so each check gets its own copy
        assertThat(AlipaySignature.rsaCheckV2(new HashMap<>(params), base64(APP.getPublic()), "utf-8", "RSA2"))
                .isTrue();
        params.put("biz_content", params.get("biz_content").replace("12.50", "0.01"));
        assertThat(AlipaySignature.rsaCheckV2(new HashMap<>(params), base64(APP.getPublic()), "utf-8", "RSA2"))
                .isFalse();
    }

    /**
     * The SDK's {@code sdkExecute} for the same biz_content and notify_url: the same parameters (the SDK adds its
     * version tag), the same values apart from the time-dependent ones, and byte-identical URL encoding.
     */
    @Test
    void ourOrderStringIsEncodedAsTheSdksSdkExecute() throws AlipayApiException {
        String ours = orderString();
        Map<String, String> ourParams = decodeForm(ours);
        AlipayTradeAppPayRequest request = new AlipayTradeAppPayRequest();
        request.setNotifyUrl(ourParams.get("notify_url"));
        request.setBizContent(ourParams.get("biz_content"));

        String sdks = sdkClient().sdkExecute(request).getBody();

        Map<String, String> sdkParams = decodeForm(sdks);
        sdkParams.remove("alipay_sdk");
        assertThat(sdkParams.keySet()).containsExactlyInAnyOrderElementsOf(ourParams.keySet());
        for (String key : List.of("app_id", "biz_content", "charset", "format", "method", "notify_url", "sign_type",
                "version")) {
            assertThat(ourParams.get(key)).as(key).isEqualTo(sdkParams.get(key));
            assertThat(segment(ours, key)).as(key + " encoded").isEqualTo(segment(sdks, key));
        }
    }

    private static String segment(String query, String key) {
        return java.util.Arrays.stream(query.split("&")).filter(pair -> pair.startsWith(key + "=")).findFirst()
                .orElseThrow();
    }

    private String orderString() {
        PrepayRequest request = new PrepayRequest("pay_7Hq2", 1250, "CNY", "停车证 Parking permit / 2026 & more",
                NOW.plus(Duration.ofMinutes(30)), "https://pay.city.example/notify/alipay/mca_alipay1?x=1", "app",
                Map.of());
        return channel.prepay(account(), request).block().appParameters().get("order_string");
    }

    @Test
    void answerSignedByTheSdkIsAcceptedByUsAndByTheSdkClient() throws AlipayApiException {
        String node = AlipayChannelTest.Queries.PAID;
        String body = "{\"alipay_trade_query_response\":" + node + ",\"sign\":\""
                + AlipaySignature.rsa256Sign(node, base64(ALIPAY.getPrivate()), "utf-8") + "\"}";
        gatewayAnswers(body);

        ChannelPayment ours = channel.query(account(), "pay_7Hq2").block();
        AlipayTradeQueryRequest sdkRequest = new AlipayTradeQueryRequest();
        sdkRequest.setBizContent("{\"out_trade_no\":\"pay_7Hq2\"}");
        AlipayTradeQueryResponse sdks = sdkClient().execute(sdkRequest);

        assertThat(ours.state()).isEqualTo(ChannelPayment.State.SUCCEEDED);
        assertThat(sdks.isSuccess()).isTrue();
        assertThat(sdks.getTradeNo()).isEqualTo(ours.channelTransactionId());
        assertThat(sdks.getTotalAmount()).isEqualTo("12.50");
    }

    @Test
    void answerWithABadSignatureIsRefusedByUsAndByTheSdkClient() throws AlipayApiException {
        gatewayAnswers(AlipayFixtures.answer("alipay.trade.query", AlipayChannelTest.Queries.PAID,
                STRANGER.getPrivate()));
        AlipayTradeQueryRequest sdkRequest = new AlipayTradeQueryRequest();
        sdkRequest.setBizContent("{\"out_trade_no\":\"pay_7Hq2\"}");

        assertThatThrownBy(() -> channel.query(account(), "pay_7Hq2").block())
                .isInstanceOf(ChannelException.InvalidResponse.class);
        assertThatThrownBy(() -> sdkClient().execute(sdkRequest)).isInstanceOf(AlipayApiException.class)
                .hasMessageContaining("sign check fail");
    }

    @Test
    void notificationSignedByTheSdkIsAcceptedByUs() throws AlipayApiException {
        Map<String, String> params = AlipayChannelTest.paymentNotification();
        String sign = AlipaySignature.rsaSign(AlipaySignature.getSignCheckContentV1(params),
                base64(ALIPAY.getPrivate()), "utf-8", "RSA2");
        Map<String, String> signed = new LinkedHashMap<>(params);
        signed.put("sign", sign);
        signed.put("sign_type", "RSA2");
        NotificationRequest request = AlipayChannelTest.formRequest(signed);

        assertThat(channel.verifyNotification(account(), request).block()).isInstanceOf(PaymentNotification.class);
    }

    @Test
    void notificationWeSignIsAcceptedByTheSdksCheck() throws AlipayApiException {
        Map<String, String> params = new HashMap<>(AlipayChannelTest.paymentNotification());
        params.put("sign_type", "RSA2");
        assertThat(AlipaySignatures.content(params, Set.of("sign", "sign_type")))
                .isEqualTo(AlipaySignature.getSignCheckContentV1(params));
        params.put("sign", AlipaySignatures.sign(AlipaySignatures.content(params, Set.of("sign", "sign_type")),
                ALIPAY.getPrivate()));

        assertThat(AlipaySignature.rsaCheckV1(new HashMap<>(params), base64(ALIPAY.getPublic()), "utf-8", "RSA2"))
                .isTrue();
        params.put("total_amount", "0.01");
        assertThat(AlipaySignature.rsaCheckV1(new HashMap<>(params), base64(ALIPAY.getPublic()), "utf-8", "RSA2"))
                .isFalse();
    }

    @Test
    void sdkAcceptsTheContentOurVerifierAccepts() throws AlipayApiException {
        String content = "a=1&b=二&c=x/y";
        String ourSign = AlipaySignatures.sign(content, ALIPAY.getPrivate());
        String sdkSign = AlipaySignature.rsa256Sign(content, base64(ALIPAY.getPrivate()), "utf-8");

        assertThat(AlipaySignature.rsa256CheckContent(content, ourSign, base64(ALIPAY.getPublic()), "utf-8")).isTrue();
        assertThat(AlipaySignatures.verify(content, sdkSign, ALIPAY.getPublic())).isTrue();
        assertThat(ourSign).isEqualTo(sdkSign); // PKCS#1 v1.5 is deterministic
    }
}
