package org.civicstack.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class HttpMethodsTest {

    @Test
    void standardMethodsCompareAndNameAsNettysOwn() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT}) {
            assertThat(HttpMethods.nameOf(method)).isEqualTo(method.name());
            assertThat(HttpMethods.is(method, method)).isTrue();
            assertThat(HttpMethods.is(HttpMethod.valueOf(method.name()), method)).isTrue();
            assertThat(HttpMethods.is(new HttpMethod(method.name()), method)).isTrue();
            assertThat(HttpMethods.is(method, HttpMethod.GET)).isEqualTo(method.equals(HttpMethod.GET));
        }
    }

    @Test
    void methodsAreCaseSensitiveAndOthersKeepTheirNames() {
        assertThat(HttpMethods.is(HttpMethod.valueOf("get"), HttpMethod.GET)).isFalse();
        assertThat(HttpMethods.nameOf(HttpMethod.valueOf("get"))).isEqualTo("get");
        assertThat(HttpMethods.nameOf(HttpMethod.valueOf("PROPFIND"))).isEqualTo("PROPFIND");
        assertThat(HttpMethods.is(HttpMethod.valueOf("PROPFIND"), HttpMethod.POST)).isFalse();
    }
}
