package org.civicstack.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/appointments", "/appointments/2026-12-01", "/a.b/c..d/...", "/files/.well-known",
            "/q%20x", "/%E5%84%BF%E7%A7%91"})
    void plainPathsAreForwarded(String path) {
        assertThat(ProxyHeaders.isPlainPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/.", "/a/../b", "/a/./b", "/a/..", "/a/%2e%2e/b", "/a/%2E./b", "/a/..%2fb",
            "/a%2Fb", "/a\\b", "/a%5cb", "/a%00b"})
    void pathsAnUpstreamCouldNormaliseElsewhereAreNot(String path) {
        assertThat(ProxyHeaders.isPlainPath(path)).isFalse();
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
