package org.civicstack.gateway.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.dispatch.RouteFixtures.aRoute;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.infra.RespCommands;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agency-service dispatch through the gateway. The registry's routing endpoints and identity's token endpoint are
 * played by WireMock (HTTP contracts); agency upstreams are WireMock (third parties); the change stream is the real
 * Redis, written exactly as the registry's outbox relay writes it.
 */
@ServiceIntegrationTest
class AgencyDispatchIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final WireMockServer platform = new WireMockServer(options().dynamicPort());
    static final WireMockServer agency = new WireMockServer(options().dynamicPort());
    static final WireMockServer otherAgency = new WireMockServer(options().dynamicPort());
    static final RawUpstream raw;

    static {
        platform.start();
        agency.start();
        otherAgency.start();
        try {
            raw = new RawUpstream();
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        platform.stubFor(post(urlEqualTo("/oauth2/token"))
                .willReturn(okJson("{\"access_token\":\"gw-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        List<Map<String, Object>> routes = List.of(
                aRoute(1, "sz-hospital", agency.baseUrl() + "/his").build(),
                aRoute(6, "sz-retrying", agency.baseUrl() + "/his").with("retry_attempts", 2)
                        .with("allowed_methods", List.of("GET", "POST")).build(),
                aRoute(5, "sz-limited", agency.baseUrl() + "/his").with("rate_limits", Map.of(
                        "per_citizen", Map.of("requests_per_second", 0.01, "burst", 2))).build(),
                aRoute(2, "sz-other", otherAgency.baseUrl()).build(),
                aRoute(3, "sz-suspended", agency.baseUrl()).with("status", "suspended").build(),
                aRoute(4, "sz-retired", agency.baseUrl()).with("status", "retired").build(),
                aRoute(7, "sz-protocol", agency.baseUrl()).with("path_prefixes", List.of("/"))
                        .with("allowed_methods", List.of("GET", "HEAD", "POST", "PUT", "DELETE"))
                        .with("max_body_bytes", 4 * 1024 * 1024).with("timeout_ms", 3000).build(),
                aRoute(8, "sz-raw", "http://127.0.0.1:" + raw.port()).with("path_prefixes", List.of("/")).build());
        StringBuilder ndjson = new StringBuilder("{\"version\":8,\"routes\":8}\n");
        routes.forEach(r -> ndjson.append(JSON.writeValueAsString(r)).append('\n'));
        platform.stubFor(get(urlEqualTo("/v1/registry/routing/snapshot"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson").withBody(ndjson.toString())));
    }

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("civicstack.gateway.upstreams.services-registry.uri", platform::baseUrl);
        registry.add("civicstack.gateway.upstreams.identity.uri", platform::baseUrl);
        registry.add("civicstack.gateway.routing.token-uri", () -> platform.baseUrl() + "/oauth2/token");
        registry.add("civicstack.gateway.routing.client-secret", () -> "test-secret");
        // the stand-in agencies listen on loopback, which the connect-time check always refuses otherwise
        registry.add("civicstack.gateway.dispatch.connect-check-exemptions",
                () -> "localhost:" + agency.port() + ",localhost:" + otherAgency.port() + ",127.0.0.1:" + raw.port());
        // start from an empty change stream
        TestInfrastructure.flushRedis();
    }

    @AfterAll
    static void stop() {
        platform.stop();
        agency.stop();
        otherAgency.stop();
        try {
            raw.close();
        } catch (java.io.IOException e) {
            // closing anyway
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    RoutingIndex index;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    WebTestClient client;

    @BeforeEach
    void setUp() {
        agency.resetAll();
        otherAgency.resetAll();
        client = org.civicstack.testkit.TestClients.webTestClient("http://localhost:" + port);
        pollUntil(index::isLoaded, Duration.ofSeconds(20));
    }

    @Nested
    class Forwarding {

        @Test
        void pathAndQueryArePreservedUnderTheBaseUrl() {
            agency.stubFor(get(urlEqualTo("/his/appointments/2026-12-01?dept=%E5%84%BF%E7%A7%91&page=2"))
                    .willReturn(okJson("{\"slots\":3}")));

            client.get().uri(java.net.URI.create("http://localhost:" + port
                            + "/s/sz-hospital/appointments/2026-12-01?dept=%E5%84%BF%E7%A7%91&page=2")).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.slots").isEqualTo(3);
        }

        @Test
        void everyDispatchLeavesAUsageRecord() throws Exception {
            agency.stubFor(get(urlPathEqualTo("/his/appointments")).willReturn(okJson("[]")));
            String requestId = "usage-" + UUID.randomUUID();

            client.get().uri("/s/sz-hospital/appointments").header("X-Request-Id", requestId).exchange().expectStatus().isOk();
            client.get().uri("/s/sz-retired/appointments").exchange().expectStatus().isEqualTo(410);

            pollUntil(() -> streamContains(requestId), Duration.ofSeconds(5));
            // no token involved: not on the stream the token audit log reads
            assertThat(usageRecordWith(requestId)).containsEntry(STREAM_OF_RECORD, UsageRecorder.ANONYMOUS_STREAM)
                    .containsEntry("service", "sz-hospital").containsEntry("status", "200")
                    .doesNotContainKeys("jti", "refusal");
        }

        @Test
        void platformCredentialsNeverReachTheAgencyAndForwardingHeadersAreOurs() {
            agency.stubFor(get(urlPathEqualTo("/his/appointments")).willReturn(okJson("[]")));

            client.get().uri("/s/sz-hospital/appointments")
                    .header("Authorization", "Bearer platform-token")
                    .header("Cookie", "session=abc")
                    .header("X-Forwarded-For", "6.6.6.6")
                    .header("X-Civicstack-Citizen", "forged")
                    .header("X-Request-Id", "app-req-000042")
                    .exchange().expectStatus().isOk();

            agency.verify(getRequestedFor(urlPathEqualTo("/his/appointments"))
                    .withHeader("Authorization", absent())
                    .withHeader("Cookie", absent())
                    .withHeader("X-Civicstack-Citizen", absent())
                    .withHeader("X-Forwarded-For", equalTo("127.0.0.1"))
                    .withHeader("X-Forwarded-Prefix", equalTo("/s/sz-hospital"))
                    .withHeader("X-Request-Id", equalTo("app-req-000042")));
        }
    }

    @Nested
    class ServiceRules {

        @Test
        void unknownServiceIs404() {
            client.get().uri("/s/no-such-service/x").exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.code").isEqualTo("service_not_found");
        }

        @Test
        void suspendedServiceSaysSoInTheCitizensLanguage() {
            client.get().uri("/s/sz-suspended/appointments").header("Accept-Language", "zh-CN,zh;q=0.9").exchange()
                    .expectStatus().isNotFound()
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("service_suspended")
                    .jsonPath("$.detail").isEqualTo("「预约挂号」暂停服务，请稍后再试。");
            assertThat(agency.getAllServeEvents()).isEmpty();
        }

        @Test
        void retiredServiceIsGone() {
            client.get().uri("/s/sz-retired/appointments").exchange()
                    .expectStatus().isEqualTo(410)
                    .expectBody().jsonPath("$.code").isEqualTo("service_retired");
        }

        @Test
        void methodOutsideTheAllowListIs405WithAllow() {
            client.delete().uri("/s/sz-hospital/appointments/1").exchange()
                    .expectStatus().isEqualTo(405)
                    .expectHeader().valueEquals("Allow", "GET, POST");
            assertThat(agency.getAllServeEvents()).isEmpty();
        }

        @Test
        void pathOutsideThePrefixesIs404() {
            client.get().uri("/s/sz-hospital/admin/users").exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.code").isEqualTo("path_not_published");
            client.get().uri("/s/sz-hospital/appointmentsX").exchange().expectStatus().isNotFound();
            assertThat(agency.getAllServeEvents()).isEmpty();
        }

        @Test
        void bodyOverTheLimitIs413() {
            client.post().uri("/s/sz-hospital/appointments").bodyValue("x".repeat(2048)).exchange()
                    .expectStatus().isEqualTo(413)
                    .expectBody().jsonPath("$.code").isEqualTo("payload_too_large");
            assertThat(agency.getAllServeEvents()).isEmpty();
        }

        @Test
        void callerOverItsLimitGets429WithRetryAfter() {
            agency.stubFor(get(urlPathEqualTo("/his/appointments")).willReturn(okJson("[]")));

            client.get().uri("/s/sz-limited/appointments").exchange().expectStatus().isOk();
            client.get().uri("/s/sz-limited/appointments").exchange().expectStatus().isOk();
            client.get().uri("/s/sz-limited/appointments").exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().exists("Retry-After")
                    .expectBody().jsonPath("$.code").isEqualTo("rate_limited");
            assertThat(agency.getAllServeEvents()).hasSize(2);
        }

        @Test
        void slowUpstreamIs504() {
            agency.stubFor(get(urlPathEqualTo("/his/appointments/slow")).willReturn(okJson("{}").withFixedDelay(2500)));

            client.get().uri("/s/sz-hospital/appointments/slow").exchange()
                    .expectStatus().isEqualTo(504)
                    .expectBody().jsonPath("$.code").isEqualTo("gateway_timeout");
        }
    }

    @Nested
    class UpstreamSafety {

        @Test
        void upstreamThatResolvesToAForbiddenAddressIsRefusedAtConnectTime() {
            // registered long ago as an acceptable host; now it resolves to loopback (e.g. DNS rebinding)
            String code = "sz-rebound-" + UUID.randomUUID().toString().substring(0, 8);
            publish(aRoute(index.version() + 1, code, "http://localhost:" + closedLoopbackPort() + "/x").build());
            pollUntil(() -> index.find(code) != null, Duration.ofSeconds(5));

            client.get().uri("/s/" + code + "/appointments").exchange()
                    .expectStatus().isEqualTo(502)
                    .expectBody().jsonPath("$.code").isEqualTo("upstream_refused");
        }

        @Test
        void redirectsAreReturnedNotFollowed() {
            agency.stubFor(get(urlPathEqualTo("/his/appointments/moved"))
                    .willReturn(aResponse().withStatus(302).withHeader("Location", "http://169.254.169.254/latest")));

            client.get().uri("/s/sz-hospital/appointments/moved").exchange()
                    .expectStatus().isEqualTo(302)
                    .expectHeader().valueEquals("Location", "http://169.254.169.254/latest");
        }

        static int closedLoopbackPort() {
            return org.civicstack.infra.InfraProvisioner.freePort();
        }
    }

    @Nested
    class Retries {

        @Test
        void idempotentCallIsRetriedAfterAServiceUnavailableAnswer() {
            agency.stubFor(get(urlPathEqualTo("/his/appointments/flaky")).inScenario("flaky")
                    .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                    .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
            agency.stubFor(get(urlPathEqualTo("/his/appointments/flaky")).inScenario("flaky")
                    .whenScenarioStateIs("recovered").willReturn(okJson("{\"ok\":true}")));

            client.get().uri("/s/sz-retrying/appointments/flaky").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.ok").isEqualTo(true);
            assertThat(agency.getAllServeEvents()).hasSize(2);
        }

        @Test
        void postIsNeverRetried() {
            agency.stubFor(post(urlPathEqualTo("/his/appointments")).willReturn(aResponse().withStatus(503)));

            client.post().uri("/s/sz-retrying/appointments").bodyValue("{}").exchange().expectStatus().isEqualTo(503);
            assertThat(agency.getAllServeEvents()).hasSize(1);
        }
    }

    @Nested
    class Resilience {

        @Test
        void failingUpstreamOpensItsBreakerAndOthersAreUnaffected() {
            otherAgency.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
            agency.stubFor(get(urlPathEqualTo("/his/appointments")).willReturn(okJson("[]")));

            for (int i = 0; i < 4; i++) {
                client.get().uri("/s/sz-other/appointments").exchange().expectStatus().isEqualTo(500);
            }
            client.get().uri("/s/sz-other/appointments").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals("Retry-After", "30")
                    .expectBody().jsonPath("$.code").isEqualTo("service_unavailable");
            assertThat(otherAgency.getAllServeEvents()).hasSize(4);

            client.get().uri("/s/sz-hospital/appointments").exchange().expectStatus().isOk();
        }
    }

    @Nested
    class Changes {

        @Test
        void publishedChangeTakesEffectFromTheStream() {
            String code = "sz-new-" + UUID.randomUUID().toString().substring(0, 8);
            agency.stubFor(get(urlPathEqualTo("/his/appointments")).willReturn(okJson("{\"new\":true}")));
            client.get().uri("/s/" + code + "/appointments").exchange().expectStatus().isNotFound();

            Instant published = Instant.now();
            publish(aRoute(index.version() + 1, code, agency.baseUrl() + "/his").build());

            pollUntil(() -> status("/s/" + code + "/appointments") == 200, Duration.ofSeconds(5));
            assertThat(Duration.between(published, Instant.now())).isLessThan(Duration.ofSeconds(5));

            publish(aRoute(index.version() + 1, code, agency.baseUrl() + "/his").with("status", "suspended").build());
            pollUntil(() -> status("/s/" + code + "/appointments") == 404, Duration.ofSeconds(5));
        }

        @Test
        void gapInTheStreamIsClosedFromTheChangeEndpoint() {
            long current = index.version();
            String missed = "sz-missed-" + UUID.randomUUID().toString().substring(0, 8);
            String next = "sz-next-" + UUID.randomUUID().toString().substring(0, 8);
            Map<String, Object> missedRoute = aRoute(current + 1, missed, agency.baseUrl() + "/his").build();
            Map<String, Object> nextRoute = aRoute(current + 2, next, agency.baseUrl() + "/his").build();
            platform.stubFor(get(urlPathEqualTo("/v1/registry/routing/changes"))
                    .withQueryParam("after", equalTo(String.valueOf(current)))
                    .willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson")
                            .withBody(JSON.writeValueAsString(missedRoute) + "\n" + JSON.writeValueAsString(nextRoute) + "\n")));

            publish(nextRoute); // version current+1 never arrives on the stream

            pollUntil(() -> index.version() == current + 2, Duration.ofSeconds(5));
            assertThat(index.find(missed)).isNotNull();
            assertThat(index.find(next)).isNotNull();
        }
    }

    /**
     * The dispatch handler speaks HTTP/1.1 itself (it sits behind the codec, before Spring's web stack), so these
     * check the protocol on raw sockets: order on a shared connection, framing, keep-alive both ways.
     */
    @Nested
    class Protocol {

        @Test
        void dispatchAndPlatformRequestsPipelinedOnOneConnectionAreAnsweredInOrder() throws Exception {
            agency.stubFor(get(urlPathEqualTo("/first")).willReturn(okJson("{\"n\":1}").withFixedDelay(200)));
            agency.stubFor(get(urlPathEqualTo("/third")).willReturn(okJson("{\"n\":3}")));
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET /s/sz-protocol/first HTTP/1.1\r\nHost: gw\r\n\r\n"
                        + "GET /actuator/health/liveness HTTP/1.1\r\nHost: gw\r\n\r\n"
                        + "GET /s/sz-protocol/third HTTP/1.1\r\nHost: gw\r\n\r\n");
                assertThat(http.read().text()).contains("\"n\":1");
                assertThat(http.read().text()).contains("UP");
                assertThat(http.read().text()).contains("\"n\":3");
                // and the connection is still good for more
                http.send("GET /s/sz-protocol/third HTTP/1.1\r\nHost: gw\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(200);
            }
        }

        @Test
        void dotSegmentsAndEncodedSeparatorsNeverReachTheAgency() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                for (String path : List.of("/appointments/../admin", "/appointments/%2e%2e/admin",
                        "/appointments/..%2Fadmin", "/appointments/.", "/appointments\\..\\admin")) {
                    RawHttp.Response response = http.send("GET /s/sz-hospital" + path + " HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                    assertThat(response.status()).as(path).isEqualTo(400);
                    assertThat(response.text()).as(path).contains("path_not_acceptable");
                }
            }
            assertThat(agency.getAllServeEvents()).isEmpty();
        }

        @Test
        void headAnswersCarryNoBodyAndKeepTheConnectionUsable() throws Exception {
            agency.stubFor(any(urlPathEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody("x".repeat(500))));
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response head = http.send("HEAD /s/sz-protocol/doc HTTP/1.1\r\nHost: gw\r\n\r\n").read(true);
                assertThat(head.status()).isEqualTo(200);
                // no body bytes followed the head: the next answer on the connection parses cleanly
                RawHttp.Response body = http.send("GET /s/sz-protocol/doc HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertThat(body.body()).hasSize(500);
            }
        }

        @Test
        void chunkedUploadsAreForwardedAndCutOffPastTheLimit() throws Exception {
            agency.stubFor(post(urlPathEqualTo("/his/appointments")).willReturn(okJson("{\"booked\":true}")));
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response ok = http.send("POST /s/sz-hospital/appointments HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n").read();
                assertThat(ok.status()).isEqualTo(200);
            }
            agency.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/his/appointments"))
                    .withRequestBody(equalTo("{\"a\":1}")));
            try (RawHttp http = new RawHttp(port)) {
                String chunk = "x".repeat(1000);
                RawHttp.Response tooLarge = http.send("POST /s/sz-hospital/appointments HTTP/1.1\r\nHost: gw\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n"
                        + "3e8\r\n" + chunk + "\r\n3e8\r\n" + chunk + "\r\n0\r\n\r\n").read();
                assertThat(tooLarge.status()).isEqualTo(413);
                assertThat(tooLarge.text()).contains("payload_too_large");
            }
        }

        @Test
        void expectContinueIsAnsweredByTheGatewayOnceTheRulesPass() throws Exception {
            agency.stubFor(post(urlPathEqualTo("/his/appointments")).willReturn(okJson("{\"booked\":true}")));
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-hospital/appointments HTTP/1.1\r\nHost: gw\r\nContent-Length: 7\r\n"
                        + "Expect: 100-continue\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(100);
                RawHttp.Response done = http.send("{\"a\":1}").read();
                assertThat(done.status()).isEqualTo(200);
            }
            try (RawHttp http = new RawHttp(port)) {
                // refused before the body was sent: the answer is final and the connection closes
                RawHttp.Response refused = http.send("POST /s/sz-hospital/appointments HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n").read();
                assertThat(refused.status()).isEqualTo(413);
                assertThat(http.closedByServer()).isTrue();
            }
        }

        @Test
        void upstreamConnectionsAreKeptAliveAndReused() throws Exception {
            agency.stubFor(get(urlPathEqualTo("/reuse")).willReturn(okJson("{}")));
            var opened = meters.get("civicstack.gateway.dispatch.upstream.connections.opened").counter();
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET /s/sz-protocol/reuse HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                double before = opened.count();
                for (int i = 0; i < 20; i++) {
                    assertThat(http.send("GET /s/sz-protocol/reuse HTTP/1.1\r\nHost: gw\r\n\r\n").read().status())
                            .isEqualTo(200);
                }
                assertThat(opened.count() - before).isZero();
            }
        }

        @Test
        void aBodyThatEndsWithTheUpstreamConnectionIsChunkedToTheCitizen() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response response = http.send("GET /s/sz-raw/close-delimited HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
                assertThat(response.text()).isEqualTo("until the end");
                // the upstream closed its connection, the citizen's stays open
                assertThat(http.send("GET /s/sz-raw/plain HTTP/1.1\r\nHost: gw\r\n\r\n").read().text())
                        .isEqualTo("served /plain");
            }
        }

        @Test
        void anAnswerWithAmbiguousFramingIsABadGatewayAndNothingOfItReachesTheCitizen() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response response = http.send("GET /s/sz-raw/both-lengths HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(502);
                assertThat(response.header("content-type")).isEqualTo("application/problem+json");
                assertThat(response.text()).contains("\"code\":\"bad_gateway\"");
            }
        }

        @Test
        void aPooledConnectionTheUpstreamDropsIsRetriedOnAFreshOne() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                assertThat(http.send("GET /s/sz-raw/drops-reused HTTP/1.1\r\nHost: gw\r\n\r\n").read().status())
                        .isEqualTo(200);
                int before = raw.connections.get();
                RawHttp.Response second = http.send("GET /s/sz-raw/drops-reused HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.text()).isEqualTo("served /drops-reused");
                assertThat(raw.connections.get()).isEqualTo(before + 1);
            }
        }

        @Test
        void anAnswerBeforeTheWholeBodyEndsTheCitizensConnection() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response early = http.send("POST /s/sz-raw/early HTTP/1.1\r\nHost: gw\r\nContent-Length: 1000\r\n\r\n"
                        + "only the first bytes").read();
                assertThat(early.status()).isEqualTo(401);
                assertThat(early.header("connection")).isEqualTo("close");
                assertThat(http.closedByServer()).isTrue();
            }
        }

        @Test
        void hopByHopHeadersStopAtTheGatewayBothWays() throws Exception {
            agency.stubFor(get(urlPathEqualTo("/hops")).willReturn(okJson("{}")
                    .withHeader("Keep-Alive", "timeout=5").withHeader("Proxy-Authenticate", "Basic")
                    .withHeader("X-Agency", "kept")));
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response response = http.send("GET /s/sz-protocol/hops HTTP/1.1\r\nHost: gw\r\n"
                        + "Connection: keep-alive, X-Secret\r\nX-Secret: s3cret\r\nTE: trailers\r\n"
                        + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nX-App: kept\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("keep-alive")).isNull();
                assertThat(response.header("proxy-authenticate")).isNull();
                assertThat(response.header("x-agency")).isEqualTo("kept");
                assertThat(response.header("x-request-id")).isNotBlank();
            }
            agency.verify(getRequestedFor(urlPathEqualTo("/hops"))
                    .withHeader("X-Secret", absent())
                    .withHeader("TE", absent())
                    .withHeader("Proxy-Authorization", absent())
                    .withHeader("X-App", equalTo("kept"))
                    .withHeader("Host", equalTo("localhost:" + agency.port())));
        }

        @Test
        void largeAnswersStreamThroughIntact() throws Exception {
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            new java.util.Random(42).nextBytes(big);
            agency.stubFor(get(urlPathEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody(big)));
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response response = http.send("GET /s/sz-protocol/big HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertThat(response.body()).isEqualTo(big);
            }
        }
    }

    int status(String path) {
        return client.get().uri(path).exchange().expectBody().returnResult().getStatus().value();
    }

    /**
     * The fields of a usage record holding {@code text} as a value (empty if none; values the gateway left empty left
     * out), for assertions, and under {@value #STREAM_OF_RECORD} the usage stream it is on. Looks through the newest
     * 50 entries of each usage stream (a batch of records each); {@code text} must need no escaping.
     */
    static Map<String, String> usageRecordWith(String text) {
        try {
            // the matching record's line and its entry's header line, on one status line (RespCommands reads one)
            String script = "for _, k in ipairs(KEYS) do "
                    + "for _, e in ipairs(redis.call('XREVRANGE', k, '+', '-', 'COUNT', 50)) do "
                    + "local f = e[2] for i = 1, #f - 1, 2 do if f[i] == 'records' then "
                    + "local header = string.match(f[i + 1], '^([^\\n]*)\\n') "
                    + "for line in string.gmatch(f[i + 1], '([^\\n]*)\\n') do if line ~= header then "
                    + "for v in string.gmatch(line .. '\\t', '([^\\t]*)\\t') do if v == ARGV[1] then "
                    + "return {ok = k .. '\\1' .. header .. '\\1' .. line} end end end end end end end end "
                    + "return {ok = ''}";
            String reply = RespCommands.execute(TestInfrastructure.shared().redisUrl(), "EVAL", script, "2",
                    UsageRecorder.STREAM, UsageRecorder.ANONYMOUS_STREAM, text).substring(1);
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            if (reply.isEmpty()) {
                return fields;
            }
            String[] parts = reply.split("\u0001", -1);
            fields.put(STREAM_OF_RECORD, parts[0]);
            UsageStream.decode(parts[1] + "\n" + parts[2] + "\n").get(0).forEach((name, value) -> {
                if (!value.isEmpty()) {
                    fields.put(name, value);
                }
            });
            return fields;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Not a field name the gateway writes. */
    static final String STREAM_OF_RECORD = "@stream";

    static boolean streamContains(String text) {
        return !usageRecordWith(text).isEmpty();
    }

    static void publish(Map<String, Object> route) {
        try {
            RespCommands.execute(TestInfrastructure.shared().redisUrl(), "XADD", RoutingSync.STREAM, "*",
                    "event_id", UUID.randomUUID().toString(), "type", "routing.changed",
                    "payload", JSON.writeValueAsString(route));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static void pollUntil(Supplier<Boolean> condition, Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not true within " + max);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
