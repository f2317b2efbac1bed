package org.civicstack.gateway.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.dispatch.RouteFixtures.aRoute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.gateway.connection.ClientConnections;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's front door on raw sockets, against an upstream that records exactly what reaches the agency:
 * request framing (no smuggling), bodies of every size both ways with back-pressure, Host rules, the reserved header
 * namespace, path parameters, slow and idle clients, and the problem+json answers for requests the HTTP codec
 * itself refuses. See docs/security/request-hygiene.md.
 */
@ServiceIntegrationTest
class DispatchHardeningIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int LIMIT = 1024 * 1024;
    static final WireMockServer platform = new WireMockServer(options().dynamicPort());
    static final CapturingUpstream fast;
    static final CapturingUpstream slow;

    static {
        platform.start();
        try {
            fast = new CapturingUpstream(false);
            slow = new CapturingUpstream(true);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        platform.stubFor(post(urlEqualTo("/oauth2/token"))
                .willReturn(okJson("{\"access_token\":\"gw-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        List<Map<String, Object>> routes = List.of(
                capture(1, "sz-capture", fast), capture(2, "sz-slow", slow));
        StringBuilder ndjson = new StringBuilder("{\"version\":2,\"routes\":2}\n");
        routes.forEach(r -> ndjson.append(JSON.writeValueAsString(r)).append('\n'));
        platform.stubFor(get(urlEqualTo("/v1/registry/routing/snapshot"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson").withBody(ndjson.toString())));
    }

    private static Map<String, Object> capture(long version, String code, CapturingUpstream upstream) {
        return aRoute(version, code, "http://127.0.0.1:" + upstream.port() + "/base")
                .with("path_prefixes", List.of("/public"))
                .with("allowed_methods", List.of("GET", "HEAD", "POST", "PUT"))
                .with("max_body_bytes", LIMIT).with("timeout_ms", 15_000).build();
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("civicstack.gateway.upstreams.services-registry.uri", platform::baseUrl);
        registry.add("civicstack.gateway.upstreams.identity.uri", platform::baseUrl);
        registry.add("civicstack.gateway.routing.token-uri", () -> platform.baseUrl() + "/oauth2/token");
        registry.add("civicstack.gateway.routing.client-secret", () -> "test-secret");
        registry.add("civicstack.gateway.dispatch.connect-check-exemptions",
                () -> "127.0.0.1:" + fast.port() + ",127.0.0.1:" + slow.port());
        registry.add("civicstack.gateway.connections.header-read-timeout", () -> "1s");
        registry.add("civicstack.gateway.connections.idle-timeout", () -> "2s");
        registry.add("civicstack.gateway.connections.max-per-client-address", () -> "60");
        TestInfrastructure.flushRedis();
    }

    @AfterAll
    static void stop() throws IOException {
        platform.stop();
        fast.close();
        slow.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    RoutingIndex index;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ClientConnections connections;

    @BeforeEach
    void setUp() {
        // the gateway counts as started only once its routing table is loaded (the first change after a start was
        // slow because it waited for the first snapshot behind a gateway that already took traffic)
        assertThat(index.isLoaded()).isTrue();
        fast.reset();
        slow.reset();
    }

    // ------------------------------------------------------------------ A1: framing, no smuggling

    @Nested
    class Framing {

        static final String HIDDEN = "GET /base/admin HTTP/1.1\r\nHost: agency\r\n\r\n";

        @ParameterizedTest
        @ValueSource(strings = {"keep-alive, Content-Length", "Content-Length", "content-length, host",
                "Content-Length, Transfer-Encoding, Host, X-Request-Id"})
        void aConnectionHeaderCannotRemoveContentLength(String connection) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.1\r\nHost: gw\r\nConnection: " + connection
                        + "\r\nContent-Length: " + HIDDEN.length() + "\r\n\r\n" + HIDDEN);
                RawHttp.Response response = http.read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).isEqualTo("received " + HIDDEN.length() + " bytes");
            }
            List<CapturingUpstream.Captured> seen = fast.drain(Duration.ofMillis(300));
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).target()).isEqualTo("/base/public/form");
            assertThat(seen.get(0).header("Content-Length")).isEqualTo(String.valueOf(HIDDEN.length()));
            assertThat(new String(seen.get(0).body(), StandardCharsets.US_ASCII)).isEqualTo(HIDDEN);
        }

        @ParameterizedTest
        @ValueSource(strings = {"keep-alive, Transfer-Encoding", "Transfer-Encoding", "transfer-encoding, te"})
        void aConnectionHeaderCannotRemoveChunkedFraming(String connection) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.1\r\nHost: gw\r\nConnection: " + connection
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(HIDDEN.length()) + "\r\n"
                        + HIDDEN + "\r\n0\r\n\r\n");
                RawHttp.Response response = http.read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).isEqualTo("received " + HIDDEN.length() + " bytes");
            }
            List<CapturingUpstream.Captured> seen = fast.drain(Duration.ofMillis(300));
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(seen.get(0).headers("Content-Length")).isEmpty();
            assertThat(new String(seen.get(0).body(), StandardCharsets.US_ASCII)).isEqualTo(HIDDEN);
        }

        @Test
        void aBodilessPostReachesTheAgencyWithAZeroLength() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/ping HTTP/1.1\r\nHost: gw\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(200);
            }
            CapturingUpstream.Captured seen = fast.next(Duration.ofSeconds(5));
            assertThat(seen.header("Content-Length")).isEqualTo("0");
        }

        static Stream<Arguments> ambiguousFraming() {
            return Stream.of(
                    Arguments.of("both lengths", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
                    Arguments.of("conflicting lengths", "Content-Length: 5\r\nContent-Length: 6\r\n", 400),
                    Arguments.of("signed length", "Content-Length: +5\r\n", 400),
                    Arguments.of("text length", "Content-Length: five\r\n", 400),
                    Arguments.of("chunked not last", "Transfer-Encoding: chunked, gzip\r\n", 400),
                    Arguments.of("another coding", "Transfer-Encoding: gzip, chunked\r\n", 501),
                    Arguments.of("identity coding", "Transfer-Encoding: identity\r\n", 501),
                    Arguments.of("two codings", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 501),
                    Arguments.of("obfuscated chunked", "Transfer-Encoding: xchunked\r\n", 501));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("ambiguousFraming")
        void ambiguousFramingIsRefusedAndNothingReachesTheAgency(String name, String framing, int status) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.1\r\nHost: gw\r\n" + framing + "\r\n5\r\nhello\r\n0\r\n\r\n"
                        + HIDDEN);
                RawHttp.Response response = http.read();
                assertProblem(response, status);
                assertThat(http.closedByServer()).isTrue();
            }
            assertThat(fast.drain(Duration.ofMillis(300))).isEmpty();
        }

        @Test
        void requestTrailersAreNotForwarded() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\nX-Citizen-Id: forged\r\nContent-Length: 99\r\n\r\n");
                assertThat(http.read().text()).isEqualTo("received 5 bytes");
            }
            CapturingUpstream.Captured seen = fast.next(Duration.ofSeconds(5));
            assertThat(String.join("\n", seen.headerLines())).doesNotContain("trailer").doesNotContain("forged");
        }

        @Test
        void transferEncodingOnHttp10IsRefused() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n");
                assertProblem(http.read(), 400);
            }
            assertThat(fast.drain(Duration.ofMillis(300))).isEmpty();
        }

        @Test
        void aBrokenChunkEndsTheRequestAndNothingAfterItIsForwarded() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("POST /s/sz-capture/public/form HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\nzz\r\n" + HIDDEN);
                RawHttp.Response response = http.read();
                assertProblem(response, 400);
                assertThat(http.closedByServer()).isTrue();
            }
            for (CapturingUpstream.Captured seen : fast.drain(Duration.ofMillis(300))) {
                assertThat(seen.target()).doesNotContain("admin");
            }
        }
    }

    // ------------------------------------------------------------------ A2: bodies of every size

    static Stream<Arguments> bodies() {
        List<Arguments> all = new ArrayList<>();
        int[] sizes = {0, 1024, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 - 1, LIMIT};
        for (String code : List.of("sz-capture", "sz-slow")) {
            for (int size : sizes) {
                for (boolean chunked : new boolean[] {false, true}) {
                    all.add(Arguments.of(code, size, chunked));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1} bytes, chunked={2}")
    @MethodSource("bodies")
    void everyBodyArrivesWholeOnColdAndPooledUpstreamConnections(String code, int size, boolean chunked) throws Exception {
        CapturingUpstream upstream = code.equals("sz-slow") ? slow : fast;
        byte[] body = pattern(size);
        try (RawHttp http = new RawHttp(port)) {
            http.timeout(30_000);
            // cold: the upstream closes every /cold connection after answering, so each needs a new one
            sendBody(http, code, "/public/cold", body, chunked);
            assertThat(http.read().text()).isEqualTo("received " + size + " bytes");
            // pooled: a warm-up leaves a kept-alive connection that the measured request reuses
            sendBody(http, code, "/public/warm", new byte[0], false);
            assertThat(http.read().status()).isEqualTo(200);
            sendBody(http, code, "/public/warm", body, chunked);
            assertThat(http.read().text()).isEqualTo("received " + size + " bytes");
        }
        List<CapturingUpstream.Captured> seen = upstream.drain(Duration.ofMillis(200));
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0).body()).isEqualTo(body);
        assertThat(seen.get(2).body()).isEqualTo(body);
        assertThat(seen.get(2).connection()).isEqualTo(seen.get(1).connection());
        assertThat(seen.get(2).indexOnConnection()).isPositive();
    }

    @Test
    void aDeclaredLengthOneByteOverTheLimitIs413BeforeTheBody() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("POST /s/sz-capture/public/cold HTTP/1.1\r\nHost: gw\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");
            assertProblem(http.read(), 413);
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(fast.drain(Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void aChunkedBodyOneByteOverTheLimitIs413() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.timeout(30_000);
            try {
                sendBody(http, "sz-capture", "/public/cold", pattern(LIMIT + 1), true);
            } catch (IOException closedWhileSending) {
                // the gateway may answer and close before the last bytes are written
            }
            assertProblem(http.read(), 413);
        }
        for (CapturingUpstream.Captured seen : fast.drain(Duration.ofMillis(300))) {
            assertThat(seen.body().length).isLessThanOrEqualTo(LIMIT);
        }
    }

    @Test
    void aHugeChunkedUploadIsRefusedPromptlyAfterTheLimit() throws Exception {
        long total = 50L * 1024 * 1024;
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /s/sz-slow/public/upload HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                byte[] chunk = pattern(64 * 1024);
                byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (sent.get() < total) {
                        out.write(head);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the gateway closed the connection after its 413: expected
                }
            }, "huge-upload");
            writer.setDaemon(true);
            writer.start();
            byte[] head = socket.getInputStream().readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
            writer.join(30_000);
        }
        assertThat(sent.get()).isLessThan(total);
    }

    // ------------------------------------------------------------------ A3: Host

    @Nested
    class Host {

        @ParameterizedTest
        @ValueSource(strings = {"/s/sz-capture/public/x", "/actuator/health/liveness"})
        void twoHostsAre400(String target) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET " + target + " HTTP/1.1\r\nHost: gw\r\nHost: evil.example\r\n\r\n");
                assertThat(problemCode(http.read(), 400)).isEqualTo("invalid_host");
            }
            assertThat(fast.drain(Duration.ofMillis(200))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"/s/sz-capture/public/x", "/actuator/health/liveness"})
        void noHostOnHttp11Is400(String target) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET " + target + " HTTP/1.1\r\nAccept: */*\r\n\r\n");
                assertThat(problemCode(http.read(), 400)).isEqualTo("invalid_host");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"gw/../admin", "gw\"x", "user@gw", "gw x"})
        void aHostThatIsNoAuthorityIs400(String host) throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET /s/sz-capture/public/x HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertThat(problemCode(http.read(), 400)).isEqualTo("invalid_host");
            }
        }

        @Test
        void http10WithoutHostIsServed() throws Exception {
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET /s/sz-capture/public/x HTTP/1.0\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(200);
            }
        }
    }

    // ------------------------------------------------------------------ A4: the reserved namespace

    @Test
    void theReservedNamespaceAndRuleOverridesNeverReachTheAgency() throws Exception {
        String[] sent = {"X-Citizen-Id: cit_123", "X-Citizen-Assurance-Level: 3", "x-citizen-sub: forged",
                "X-Upstream-Assertion: eyJforged", "X-Civicstack-Caller: admin", "X-CIVICSTACK-ROLE: operator",
                "X-Forwarded-For: 10.0.0.1", "X-Forwarded-Host: evil.example", "Forwarded: for=10.0.0.1",
                "X-Real-IP: 10.0.0.1", "True-Client-IP: 10.0.0.1", "X-Original-URL: /admin", "X-Rewrite-URL: /admin",
                "X-HTTP-Method-Override: DELETE", "X-Method-Override: DELETE", "Authorization: Bearer platform-token",
                "Cookie: session=1", "Proxy-Authorization: Basic eA==", "Connection: X-Custom-Hop", "X-Custom-Hop: 1"};
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET /s/sz-capture/public/x HTTP/1.1\r\nHost: gw\r\nX-Agency-Custom: kept\r\n"
                    + String.join("\r\n", sent) + "\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
        }
        CapturingUpstream.Captured seen = fast.next(Duration.ofSeconds(5));
        String all = String.join("\n", seen.headerLines()).toLowerCase();
        for (String forbidden : List.of("x-citizen-", "x-upstream-", "x-civicstack-", "x-real-ip", "true-client-ip",
                "x-original-url", "x-rewrite-url", "method-override", "authorization", "cookie", "x-custom-hop")) {
            assertThat(all).doesNotContain(forbidden);
        }
        assertThat(seen.header("X-Agency-Custom")).isEqualTo("kept");
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo("gw");
        assertThat(seen.header("Forwarded")).isEqualTo("for=\"127.0.0.1\";proto=http;host=\"gw\"");
        assertThat(seen.headers("X-Request-Id")).hasSize(1);
    }

    // ------------------------------------------------------------------ A5: paths

    @ParameterizedTest
    @ValueSource(strings = {"/public/..;/admin", "/public;jsessionid=1/../admin", "/public/.;/admin", "/public;x",
            "/public/%3b/admin", "/public/%3B", "/public/%252e%252e/admin", "/public/%252f", "/public/%u002e%u002e",
            "/public/%c0%ae%c0%ae/admin", "/public/%0a", "/public/%", "/public/%zz", "/public/%2e%2e/admin",
            "/public/%2fadmin", "/public/%5cadmin", "/public/..", "/public/./x", "/public\\..\\admin"})
    void pathsAnUpstreamCouldReadOutsideThePrefixAreRefused(String path) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET /s/sz-capture" + path + " HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(problemCode(http.read(), 400)).isEqualTo("path_not_acceptable");
        }
        assertThat(fast.drain(Duration.ofMillis(150))).isEmpty();
    }

    @Test
    void rawUtf8InTheTargetIsForwardedPercentEncoded() throws Exception {
        String raw = new String("/s/sz-capture/public/search?q=挂号".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        try (RawHttp http = new RawHttp(port)) {
            http.sendLatin1("GET " + raw + " HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
        }
        assertThat(fast.next(Duration.ofSeconds(5)).target()).isEqualTo("/base/public/search?q=%E6%8C%82%E5%8F%B7");
    }

    @Test
    void rawUtf8InAPlatformTargetIsServed() throws Exception {
        String raw = new String("/actuator/health/liveness?q=挂号".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        try (RawHttp http = new RawHttp(port)) {
            http.sendLatin1("GET " + raw + " HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------ A6: slow and idle clients

    @Nested
    class SlowClients {

        @Test
        void aHeadThatDoesNotArriveInTimeGets408AndTheConnectionCloses() throws Exception {
            double before = closed("header_timeout");
            try (RawHttp http = new RawHttp(port)) {
                http.send("GET /s/sz-capture/public/x HTTP/1.1\r\nHo");
                // one byte a while: the deadline counts from the first byte, not from the last one
                for (int i = 0; i < 3; i++) {
                    Thread.sleep(400);
                    try {
                        http.send("s");
                    } catch (IOException closedAlready) {
                        break;
                    }
                }
                RawHttp.Response response = http.read();
                assertThat(problemCode(response, 408)).isEqualTo("request_timeout");
                assertThat(http.closedByServer()).isTrue();
            }
            assertThat(closed("header_timeout")).isGreaterThan(before);
        }

        @Test
        void manyDribblingConnectionsAreAllClosed() throws Exception {
            List<RawHttp> dribblers = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    dribblers.add(new RawHttp(port).send("G"));
                }
                for (RawHttp http : dribblers) {
                    http.timeout(5_000);
                    assertThat(http.read().status()).isEqualTo(408);
                }
            } finally {
                for (RawHttp http : dribblers) {
                    http.close();
                }
            }
        }

        @Test
        void anIdleConnectionIsClosed() throws Exception {
            double before = closed("idle_timeout");
            try (RawHttp http = new RawHttp(port)) {
                http.timeout(10_000);
                http.send("GET /s/sz-capture/public/x HTTP/1.1\r\nHost: gw\r\n\r\n");
                assertThat(http.read().status()).isEqualTo(200);
                // kept alive after the answer, then nothing: closed after the idle timeout (2 s here)
                assertThat(http.closedByServer()).isTrue();
            }
            try (RawHttp silent = new RawHttp(port)) {
                silent.timeout(10_000);
                assertThat(silent.closedByServer()).isTrue();
            }
            assertThat(closed("idle_timeout")).isGreaterThanOrEqualTo(before + 2);
        }

        @Test
        void connectionsOverThePerAddressLimitAreClosedAtOnce() throws Exception {
            double before = closed("per_address_limit");
            List<RawHttp> open = new ArrayList<>();
            try {
                Instant deadline = Instant.now().plusSeconds(10);
                while (connections.openFrom(InetAddress.getByName("127.0.0.1")) < 60 && Instant.now().isBefore(deadline)) {
                    open.add(new RawHttp(port));
                }
                try (RawHttp over = new RawHttp(port)) {
                    assertThat(over.closedByServer()).isTrue();
                }
            } finally {
                for (RawHttp http : open) {
                    http.close();
                }
            }
            assertThat(closed("per_address_limit")).isGreaterThan(before);
        }

        private double closed(String reason) {
            var counter = meters.find("civicstack.gateway.connections.closed").tag("reason", reason).counter();
            return counter == null ? 0 : counter.count();
        }
    }

    // ------------------------------------------------------------------ A7: what the codec refuses

    static Stream<Arguments> codecErrors() {
        return Stream.of(
                Arguments.of("garbage request line", "GARBAGE\r\n\r\n", 400),
                Arguments.of("bad version", "GET /s/sz-capture/public/x HTTP/9.9\r\nHost: gw\r\n\r\n", 505),
                Arguments.of("not HTTP", "GET /s/sz-capture/public/x FTP/1.1\r\nHost: gw\r\n\r\n", 400),
                Arguments.of("NUL in a header", "GET /s/sz-capture/public/x HTTP/1.1\r\nHost: gw\r\nX-A: a\u0000b\r\n\r\n", 400),
                Arguments.of("bare CR in a header", "GET /s/sz-capture/public/x HTTP/1.1\r\nHost: gw\r\nX-A: a\rb\r\n\r\n", 400),
                Arguments.of("space before colon", "GET /s/sz-capture/public/x HTTP/1.1\r\nHost : gw\r\n\r\n", 400),
                Arguments.of("control character in the target", "GET /s/sz-capture/public/\u0001 HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                Arguments.of("too long a target", "GET /s/sz-capture/public/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: gw\r\n\r\n", 414),
                Arguments.of("too large headers", "GET /s/sz-capture/public/x HTTP/1.1\r\nHost: gw\r\nX-Big: "
                        + "b".repeat(20_000) + "\r\n\r\n", 431),
                Arguments.of("platform path, garbage", "GET /actuator/health HTTP/1.1\r\nHost: gw\r\nX-A: a\u0000b\r\n\r\n", 400));
        }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecErrors")
    void requestsTheCodecRefusesGetAProblemBody(String name, String raw, int status) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.sendLatin1(raw);
            RawHttp.Response response = http.read();
            assertProblem(response, status);
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(fast.drain(Duration.ofMillis(150))).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static void sendBody(RawHttp http, String code, String path, byte[] body, boolean chunked) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(body.length + 256);
        String head = "POST /s/" + code + path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        request.write(head.getBytes(StandardCharsets.US_ASCII));
        if (chunked) {
            for (int offset = 0; offset < body.length; offset += 10_000) {
                int n = Math.min(10_000, body.length - offset);
                request.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.write(body, offset, n);
                request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            request.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            request.write(body);
        }
        http.send(request.toByteArray());
    }

    private static byte[] pattern(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + (i * 7 + i / 251) % 26);
        }
        return body;
    }

    private static void assertProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.header("X-Request-Id")).isNotBlank();
        JsonNode body = JSON.readTree(response.text());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asString()).isNotBlank();
        assertThat(body.path("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
    }

    private static String problemCode(RawHttp.Response response, int status) {
        assertProblem(response, status);
        return JSON.readTree(response.text()).path("code").asString();
    }
}
