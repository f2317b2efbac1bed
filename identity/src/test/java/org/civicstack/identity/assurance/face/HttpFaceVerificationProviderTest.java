package org.civicstack.identity.assurance.face;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.provider.RequestSigner;
import org.civicstack.identity.assurance.provider.SignedJsonClient;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The face verification adapter against a WireMock stand-in of the provider's init + describe API. */
class HttpFaceVerificationProviderTest {

    static final Instant NOW = Instant.ofEpochMilli(1_764_662_400_000L);
    static final PersonName NAME = new PersonName("张三");
    static final ResidentIdNumber NUMBER = ResidentIdNumber.parse("11010519491231002X");

    static WireMockServer provider;

    FaceVerificationProvider face;

    @BeforeAll
    static void startProvider() {
        provider = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.stop();
    }

    @BeforeEach
    void setUp() {
        provider.resetAll();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        face = new HttpFaceVerificationProvider(new SignedJsonClient(URI.create(provider.baseUrl()),
                Duration.ofSeconds(1), Duration.ofSeconds(2), new RequestSigner("face-key", "face-secret", clock,
                () -> "nonce-2"), JsonMapper.builder().build()), "scene-7", clock);
    }

    @Test
    void startSendsTheSignedInitRequestAndReturnsTheProviderSession() throws Exception {
        provider.stubFor(post("/v2/face/init").willReturn(okJson(
                "{\"certify_id\":\"cert-123\",\"sdk_token\":\"sdk-abc\",\"expires_in\":1800}")));

        FaceStart start = face.start("attempt-1", NAME, NUMBER);

        assertThat(start).isEqualTo(new FaceStart.Started("cert-123", "sdk-abc", NOW.plusSeconds(1800)));
        LoggedRequest request = provider.findAll(postRequestedFor(urlEqualTo("/v2/face/init"))).get(0);
        String body = new String(request.getBody(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("{\"outer_order_no\":\"attempt-1\",\"scene\":\"scene-7\",\"cert_type\":"
                + "\"IDENTITY_CARD\",\"cert_name\":\"张三\",\"cert_no\":\"11010519491231002X\"}");
        assertThat(request.getHeader("X-Ca-Key")).isEqualTo("face-key");
        assertThat(request.getHeader("X-Ca-Signature"))
                .isEqualTo(signature("face-secret", "POST\n/v2/face/init\n1764662400000\nnonce-2\n"
                        + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(request.getBody()))));
    }

    @Test
    void startWithoutACertifyIdOrExpiryIsUnavailable() {
        provider.stubFor(post("/v2/face/init").willReturn(okJson("{\"sdk_token\":\"x\"}")));

        assertThat(face.start("attempt-1", NAME, NUMBER)).isEqualTo(new FaceStart.Unavailable("unreadable_answer"));
    }

    @Test
    void startRefusedByTheProviderIsRejected() {
        provider.stubFor(post("/v2/face/init").willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"code\":\"Forbidden.AppKey\"}")));

        assertThat(face.start("attempt-1", NAME, NUMBER)).isEqualTo(new FaceStart.Rejected(403, "Forbidden.AppKey"));
    }

    @Test
    void resultIsReadFromDescribe() {
        provider.stubFor(post("/v2/face/describe").withRequestBody(equalToJson("{\"certify_id\":\"cert-123\"}"))
                .withHeader("X-Ca-Signature-Method", equalTo("HmacSHA256"))
                .willReturn(okJson("{\"status\":\"finished\",\"liveness_passed\":true,\"similarity\":92.5}")));

        assertThat(face.result("cert-123")).isEqualTo(new FaceResult.Finished(true, 92.5));
    }

    @Test
    void pendingExpiredAndFailedLivenessAreTold() {
        provider.stubFor(post("/v2/face/describe").willReturn(okJson("{\"status\":\"pending\"}")));
        assertThat(face.result("c")).isEqualTo(new FaceResult.Pending());

        provider.stubFor(post("/v2/face/describe").willReturn(okJson("{\"status\":\"expired\"}")));
        assertThat(face.result("c")).isEqualTo(new FaceResult.Expired());

        provider.stubFor(post("/v2/face/describe").willReturn(okJson(
                "{\"status\":\"finished\",\"liveness_passed\":false,\"similarity\":99}")));
        assertThat(face.result("c")).isEqualTo(new FaceResult.Finished(false, 99));
    }

    @Test
    void outOfRangeOrMissingScoreIsUnavailableNotAMatch() {
        provider.stubFor(post("/v2/face/describe").willReturn(okJson(
                "{\"status\":\"finished\",\"liveness_passed\":true,\"similarity\":150}")));
        assertThat(face.result("c")).isEqualTo(new FaceResult.Unavailable("unreadable_answer"));

        provider.stubFor(post("/v2/face/describe").willReturn(okJson("{\"status\":\"finished\",\"liveness_passed\":true}")));
        assertThat(face.result("c")).isEqualTo(new FaceResult.Unavailable("unreadable_answer"));
    }

    @Test
    void serverErrorIsUnavailable() {
        provider.stubFor(post("/v2/face/describe").willReturn(aResponse().withStatus(503)));

        assertThat(face.result("c")).isEqualTo(new FaceResult.Unavailable("http_503"));
    }

    private static String signature(String secret, String stringToSign) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }
}
