package org.civicstack.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/appointments", "/appointments/2026-12-01", "/a.b/c..d/...", "/files/.well-known",
            "/q%20x", "/%E5%84%BF%E7%A7%91", "/a%25b", "/100%25", "/a:b@c", "/a,b", "/%C3%A9", "/%7E"})
    void plainPathsAreForwarded(String path) {
        assertThat(ProxyHeaders.isPlainPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/.", "/a/../b", "/a/./b", "/a/..", "/a/%2e%2e/b", "/a/%2E./b", "/a/..%2fb",
            "/a%2Fb", "/a\\b", "/a%5cb", "/a%00b", "/public/..;/admin", "/a;b", "/a/%3b", "/a/%3B/b", "/a/%252e%252e/b",
            "/a/%252F", "/a/%255c", "/%u002e%u002e", "/a/%", "/a/%2", "/a/%zz", "/a/%c0%ae", "/a/%C1%9C", "/a/%0a",
            "/a/%0D%0A", "/a/%1f", "/a/%7f", "/a#b", "/a b", "/a\tb"})
    void pathsAnUpstreamCouldNormaliseElsewhereAreNot(String path) {
        assertThat(ProxyHeaders.isPlainPath(path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Citizen-Id", "x-citizen-assurance-level", "X-UPSTREAM-ASSERTION", "X-Civicstack-Anything",
            "x-forwarded-for", "X-Forwarded-Whatever"})
    void theReservedNamespaceIsRecognisedInAnyCase(String name) {
        assertThat(ProxyHeaders.isReserved(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Agency-Token", "X-Request-Id", "Accept", "X-", "X", "Citizen-Id", "XX-Citizen-Id"})
    void otherHeadersAreNotReserved(String name) {
        assertThat(ProxyHeaders.isReserved(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void originsKnowTheirPortsAndHostHeader() {
        assertThat(UpstreamOrigin.of(URI.create("https://his.sz.gov.cn/api"))).isEqualTo(
                new UpstreamOrigin(true, "his.sz.gov.cn", 443, "his.sz.gov.cn"));
        assertThat(UpstreamOrigin.of(URI.create("http://10.1.2.3:8080"))).isEqualTo(
                new UpstreamOrigin(false, "10.1.2.3", 8080, "10.1.2.3:8080"));
        assertThat(UpstreamOrigin.of(URI.create("http://[fd00::1]:81/x")).host()).isEqualTo("fd00::1");
        assertThatThrownBy(() -> UpstreamOrigin.of(URI.create("ftp://x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamOrigin.of(URI.create("http://u:p@x"))).isInstanceOf(IllegalArgumentException.class);
    }

    private static DispatchRoute route(String baseUrl) {
        return new DispatchRoute(new RouteEntry(1, "sz-hospital", "published", 1, "agy_1", baseUrl,
                java.util.List.of("GET", "POST"), java.util.List.of("/"), 1000, 1024, 0, null, null,
                new RouteEntry.CircuitBreaker(50, 5000, 4, 30, 50), "预约挂号", "Registration"));
    }

    @org.junit.jupiter.api.Test
    void theAgencyGetsANewHeadWithTheCitizensHeadersInOrderMinusTheDroppedOnesThenTheGatewaysOwn() {
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
        DispatchConnectionHandler connection = new DispatchConnectionHandler(null, null);
        channel.pipeline().addLast(connection);
        io.netty.handler.codec.http.HttpRequest citizen = new io.netty.handler.codec.http.DefaultHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_0, io.netty.handler.codec.http.HttpMethod.POST,
                "/s/sz-hospital/book");
        citizen.headers().add("Host", "gw.example:8443").add("Accept", "text/plain").add("Connection", "close, X-Drop-Me")
                .add("X-Drop-Me", "1").add("Authorization", "Bearer platform-token").add("Cookie", "a=b")
                .add("X-Forwarded-For", "6.6.6.6").add("X-Civicstack-Citizen", "spoof").add("Accept", "text/html")
                .add("Transfer-Encoding", "chunked").add("Content-Length", "5").add("X-Http-Method-Override", "DELETE")
                .add("User-Agent", "app/1.0");
        citizen.setUri("/base/book");

        io.netty.handler.codec.http.HttpRequest upstream = ProxyHeaders.upstreamRequest(citizen,
                route("http://his.sz.gov.cn:8080/base"), "req-12345678", connection,
                new io.netty.util.AsciiString("Bearer assertion.jws.sig"));

        assertThat(upstream).isNotSameAs(citizen);
        assertThat(upstream.protocolVersion()).isEqualTo(io.netty.handler.codec.http.HttpVersion.HTTP_1_1);
        assertThat(upstream.method().name()).isEqualTo("POST");
        assertThat(upstream.uri()).isEqualTo("/base/book");
        java.util.List<String> names = new java.util.ArrayList<>();
        upstream.headers().forEach(h -> names.add(h.getKey() + ": " + h.getValue()));
        assertThat(names).containsExactly("host: his.sz.gov.cn:8080", "Accept: text/plain", "Accept: text/html",
                "User-Agent: app/1.0", "transfer-encoding: chunked", "x-forwarded-for: unknown",
                "x-forwarded-proto: http", "x-forwarded-prefix: /s/sz-hospital", "x-forwarded-host: gw.example:8443",
                "forwarded: for=\"unknown\";proto=http;host=\"gw.example:8443\"", "X-Request-Id: req-12345678",
                "authorization: Bearer assertion.jws.sig");
        // the citizen's request is left as it was (a refusal after this point still sees what was asked)
        assertThat(citizen.headers().get("Authorization")).isEqualTo("Bearer platform-token");

        io.netty.handler.codec.http.HttpRequest anonymous = ProxyHeaders.upstreamRequest(
                new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpMethod.PUT, "/x"),
                route("http://his.sz.gov.cn"), "req-12345678", connection, null);
        assertThat(anonymous.headers().get("Content-Length")).isEqualTo("0");
        assertThat(anonymous.headers().contains("Authorization")).isFalse();
        assertThat(anonymous.headers().contains("X-Forwarded-Host")).isFalse();
        assertThat(anonymous.headers().get("Forwarded")).isEqualTo("for=\"unknown\";proto=http");
        channel.finishAndReleaseAll();
    }

    @org.junit.jupiter.api.Test
    void aRouteWhoseHostCannotBeAHeaderValueIsRefusedWhenCompiled() {
        // the upstream request's headers are not validated as they are added: what the route puts there is checked here
        assertThatThrownBy(() -> route("http://例子.测试/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DispatchRoute(new RouteEntry(1, "sz hospital\r\nX-Injected: 1", "published", 1,
                "agy_1", "http://his.sz.gov.cn", java.util.List.of("GET"), java.util.List.of("/"), 1000, 1024, 0, null,
                null, new RouteEntry.CircuitBreaker(50, 5000, 4, 30, 50), "预约挂号", "Registration")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstream header");
        assertThat(route("http://[fd00::1]:81/x").hostHeaderValue().toString()).isEqualTo("[fd00::1]:81");
    }
}
