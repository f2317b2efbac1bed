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
}
