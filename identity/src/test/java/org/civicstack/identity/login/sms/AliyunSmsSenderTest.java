package org.civicstack.identity.login.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.OneTimeCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Aliyun SendSms adapter against a WireMock provider: the exact request, its signature, and every failure. */
class AliyunSmsSenderTest {

    static final String SECRET = "testsecret-0123456789";
    static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

    WireMockServer provider;
    AliyunSmsSender sender;

    @BeforeEach
    void start() {
        provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        provider.start();
        sender = sender(Duration.ofSeconds(5));
    }

    AliyunSmsSender sender(Duration requestTimeout) {
        SmsProperties.Aliyun account = new SmsProperties.Aliyun(URI.create("http://127.0.0.1:" + provider.port() + "/"),
                "cn-hangzhou", "testid", SECRET, "城市服务", "SMS_153055065", Duration.ofSeconds(1), requestTimeout);
        return new AliyunSmsSender(account, JsonMapper.builder().build(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        provider.stop();
    }

    void answer(int status, String body) {
        provider.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void sendsTheDocumentedSendSmsRequestSignedWithHmacSha1() throws Exception {
        answer(200, "{\"Message\":\"OK\",\"RequestId\":\"r-1\",\"Code\":\"OK\",\"BizId\":\"b-1\"}");

        sender.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.parse("042917").orElseThrow());

        var requests = provider.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(requests.get(0).getBodyAsString());
        assertThat(form).containsEntry("AccessKeyId", "testid")
                .containsEntry("Action", "SendSms")
                .containsEntry("Format", "JSON")
                .containsEntry("RegionId", "cn-hangzhou")
                .containsEntry("SignatureMethod", "HMAC-SHA1")
                .containsEntry("SignatureVersion", "1.0")
                .containsEntry("Timestamp", "2026-12-02T06:00:00Z")
                .containsEntry("Version", "2017-05-25")
                .containsEntry("PhoneNumbers", "13800138000")
                .containsEntry("SignName", "城市服务")
                .containsEntry("TemplateCode", "SMS_153055065")
                .containsEntry("TemplateParam", "{\"code\":\"042917\"}")
                .containsKey("SignatureNonce");
        assertThat(form.keySet()).hasSize(14);
        Map<String, String> unsigned = new TreeMap<>(form);
        String signature = unsigned.remove("Signature");
        assertThat(signature).isEqualTo(expectedSignature(unsigned));
    }

    @Test
    void eachRequestHasItsOwnNonce() throws Exception {
        answer(200, "{\"Code\":\"OK\"}");
        MobileNumber to = new MobileNumber("+8613800138000");

        sender.sendLoginCode(to, OneTimeCode.generate());
        sender.sendLoginCode(to, OneTimeCode.generate());

        List<String> nonces = provider.findAll(postRequestedFor(urlEqualTo("/"))).stream()
                .map(r -> form(r.getBodyAsString()).get("SignatureNonce")).toList();
        assertThat(nonces).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void aNumberOutsideTheMainlandIsSentWithItsCountryCode() throws Exception {
        answer(200, "{\"Code\":\"OK\"}");

        sender.sendLoginCode(new MobileNumber("+85291234567"), OneTimeCode.generate());

        assertThat(form(provider.findAll(postRequestedFor(urlEqualTo("/"))).get(0).getBodyAsString()))
                .containsEntry("PhoneNumbers", "85291234567");
    }

    @Test
    void aBusinessErrorIsRejectedWithTheProvidersCode() {
        answer(200, "{\"Message\":\"触发分钟级流控Permits:1\",\"RequestId\":\"r-2\",\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\"}");

        assertThatThrownBy(() -> sender.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.generate()))
                .isInstanceOfSatisfying(SmsFailure.Rejected.class,
                        rejected -> assertThat(rejected.providerCode()).isEqualTo("isv.BUSINESS_LIMIT_CONTROL"))
                .hasMessageNotContaining("13800138000");
    }

    @Test
    void aSignatureErrorAnswerIsRejected() {
        answer(400, "{\"Message\":\"Specified signature is not matched with our calculation.\",\"Code\":\"SignatureDoesNotMatch\"}");

        assertThatThrownBy(() -> sender.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.generate()))
                .isInstanceOfSatisfying(SmsFailure.Rejected.class,
                        rejected -> assertThat(rejected.providerCode()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void aServerErrorIsUnavailable() {
        answer(503, "<html>busy</html>");

        assertThatThrownBy(() -> sender.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.generate()))
                .isInstanceOf(SmsFailure.Unavailable.class);
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsUnavailable() {
        provider.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)
                .withBody("{\"Code\":\"OK\"}")));
        AliyunSmsSender impatient = sender(Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.generate()))
                .isInstanceOf(SmsFailure.Unavailable.class).hasMessageContaining("did not answer");
    }

    @Test
    void anUnreachableProviderIsUnavailable() {
        provider.stop();

        assertThatThrownBy(() -> sender.sendLoginCode(new MobileNumber("+8613800138000"), OneTimeCode.generate()))
                .isInstanceOf(SmsFailure.Unavailable.class);
    }

    /** Alibaba Cloud RPC signature v1, written out again here from the published description. */
    static String expectedSignature(Map<String, String> parameters) throws Exception {
        String canonical = new TreeMap<>(parameters).entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        String stringToSign = "POST&%2F&" + encode(canonical);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec((SECRET + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    static Map<String, String> form(String body) {
        return java.util.Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8), (a, b) -> b, TreeMap::new));
    }

}
