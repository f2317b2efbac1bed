package org.civicstack.identity.assurance.realname;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The real-name authority adapter against a WireMock stand-in of the provider's documented API. */
class HttpRealNameAuthorityTest {

    static final Instant NOW = Instant.ofEpochMilli(1_764_662_400_000L);
    static final PersonName NAME = new PersonName("张三");
    static final ResidentIdNumber NUMBER = ResidentIdNumber.parse("11010519491231002X");
    /**
     * Computed outside Java (Python hmac/hashlib) from the documented string-to-sign:
     * POST\n/v2/identity/verify\n1764662400000\nnonce-1\nBase64(SHA-256(body)) keyed with "app-secret-1".
     */
    static final String EXPECTED_SIGNATURE = "5rpuSVsPccktJCtQug+belKH0xbsbi0ycYUe+9TVx6I=";
    static final String EXPECTED_BODY = "{\"request_id\":\"r-1\",\"name\":\"张三\",\"id_number\":\"11010519491231002X\"}";

    static WireMockServer provider;

    RealNameAuthority authority;

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
        authority = authorityAt(URI.create(provider.baseUrl()), Duration.ofSeconds(2));
    }

    static RealNameAuthority authorityAt(URI base, Duration requestTimeout) {
        RequestSigner signer = new RequestSigner("app-key-1", "app-secret-1", Clock.fixed(NOW, ZoneOffset.UTC),
                () -> "nonce-1");
        return new HttpRealNameAuthority(new SignedJsonClient(base, Duration.ofSeconds(1), requestTimeout, signer,
                JsonMapper.builder().build()));
    }

    @Test
    void sendsTheDocumentedSignedRequest() {
        provider.stubFor(post("/v2/identity/verify").willReturn(okJson(
                "{\"request_id\":\"r-1\",\"order_no\":\"ord-9\",\"result\":\"consistent\"}")));

        authority.verify("r-1", NAME, NUMBER);

        LoggedRequest request = provider.findAll(postRequestedFor(urlEqualTo("/v2/identity/verify"))).get(0);
        assertThat(new String(request.getBody(), StandardCharsets.UTF_8)).isEqualTo(EXPECTED_BODY);
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json; charset=UTF-8");
        assertThat(request.getHeader("X-Ca-Key")).isEqualTo("app-key-1");
        assertThat(request.getHeader("X-Ca-Timestamp")).isEqualTo("1764662400000");
        assertThat(request.getHeader("X-Ca-Nonce")).isEqualTo("nonce-1");
        assertThat(request.getHeader("X-Ca-Signature-Method")).isEqualTo("HmacSHA256");
        assertThat(request.getHeader("X-Ca-Signature")).isEqualTo(EXPECTED_SIGNATURE);
        assertThat(request.containsHeader("Authorization")).isFalse();
        provider.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify"))
                .withRequestBody(equalToJson("{\"request_id\":\"r-1\",\"name\":\"张三\",\"id_number\":\"11010519491231002X\"}"))
                .withHeader("X-Ca-Key", equalTo("app-key-1")));
    }

    @Test
    void consistentIsAMatchWithTheOrderNumber() {
        provider.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"order_no\":\"ord-9\",\"result\":\"consistent\"}")));

        assertThat(authority.verify("r-1", NAME, NUMBER)).isEqualTo(new RealNameResult.Match("ord-9"));
    }

    @Test
    void inconsistentAndNotFoundAreNoMatchWithTheirReason() {
        provider.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"order_no\":\"o1\",\"result\":\"inconsistent\"}")));
        assertThat(authority.verify("r-1", NAME, NUMBER))
                .isEqualTo(new RealNameResult.NoMatch("o1", RealNameResult.NoMatch.Reason.INCONSISTENT));

        provider.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"result\":\"not_found\"}")));
        assertThat(authority.verify("r-1", NAME, NUMBER))
                .isEqualTo(new RealNameResult.NoMatch(null, RealNameResult.NoMatch.Reason.NOT_FOUND));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403})
    void clientErrorsAreRejectedWithTheProviderCodeReducedToATokenWithoutEchoedNumbers(int status) {
        provider.stubFor(post("/v2/identity/verify").willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"InvalidSignature <11010519491231002X>\",\"message\":\"bad\"}")));

        assertThat(authority.verify("r-1", NAME, NUMBER))
                .isEqualTo(new RealNameResult.Rejected(status, "InvalidSignatureX"));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503})
    void throttlingAndServerErrorsAreUnavailableAndNotRetried(int status) {
        provider.stubFor(post("/v2/identity/verify").willReturn(aResponse().withStatus(status)));

        assertThat(authority.verify("r-1", NAME, NUMBER)).isInstanceOf(RealNameResult.Unavailable.class);
        provider.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify")));
    }

    @Test
    void unknownResultOrGarbledBodyIsUnavailable() {
        provider.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"result\":\"maybe\"}")));
        assertThat(authority.verify("r-1", NAME, NUMBER)).isEqualTo(new RealNameResult.Unavailable("unknown_result"));

        provider.stubFor(post("/v2/identity/verify").willReturn(aResponse().withStatus(200).withBody("<html>")));
        assertThat(authority.verify("r-1", NAME, NUMBER)).isEqualTo(new RealNameResult.Unavailable("unreadable_answer"));
    }

    @Test
    void slowAnswerIsATimeoutNotRetried() {
        provider.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"result\":\"consistent\"}")
                .withFixedDelay(1500)));
        RealNameAuthority impatient = authorityAt(URI.create(provider.baseUrl()), Duration.ofMillis(300));

        assertThat(impatient.verify("r-1", NAME, NUMBER)).isEqualTo(new RealNameResult.Unavailable("timeout"));
        provider.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify")));
    }

    @Test
    void refusedConnectionIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RealNameAuthority nowhere = authorityAt(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(1));

        assertThat(nowhere.verify("r-1", NAME, NUMBER)).isEqualTo(new RealNameResult.Unavailable("connect_failed"));
    }

    @Test
    void aPathPrefixOfTheBaseUrlIsPartOfTheSignedPath() {
        provider.stubFor(post("/gw/v2/identity/verify").willReturn(okJson("{\"result\":\"consistent\"}")));

        RealNameResult result = authorityAt(URI.create(provider.baseUrl() + "/gw/"), Duration.ofSeconds(2))
                .verify("r-1", NAME, NUMBER);

        assertThat(result).isInstanceOf(RealNameResult.Match.class);
        LoggedRequest request = provider.findAll(postRequestedFor(urlEqualTo("/gw/v2/identity/verify"))).get(0);
        assertThat(request.getHeader("X-Ca-Signature")).isNotEqualTo(EXPECTED_SIGNATURE);
    }
}
