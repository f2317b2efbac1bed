package org.civicstack.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.civicstack.platform.error.ApiProblem;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadRulesTest {

    private static HttpRequest request(HttpVersion version, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, "/");
        request.setUri(uri); // as the codec hands it over, unvalidated
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    @Nested
    class Targets {

        @Test
        void rawUtf8IsPercentEncodedByteByByte() {
            String raw = new String("/v1/catalog/services?q=挂号".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(RequestHeadRules.encodeTarget(raw)).isEqualTo("/v1/catalog/services?q=%E6%8C%82%E5%8F%B7");
        }

        @Test
        void charactersNeverValidInAUriAreEncoded() {
            assertThat(RequestHeadRules.encodeTarget("/a?x={\"b\"}|<c>^`\\\\")).isEqualTo("/a?x=%7B%22b%22%7D%7C%3Cc%3E%5E%60%5C%5C");
        }

        @Test
        void aCleanTargetIsReturnedAsItIs() {
            String target = "/s/sz-hospital/appointments?dept=%E5%84%BF&page=2";
            assertThat(RequestHeadRules.encodeTarget(target)).isSameAs(target);
        }

        @ParameterizedTest
        @ValueSource(strings = {"/a\u0000b", "/a\u0001", "/a\u007f", "/a\tb"})
        void controlCharactersAreRefused(String target) {
            assertThat(RequestHeadRules.encodeTarget(target)).isNull();
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, target, "Host", "gw")).code())
                    .isEqualTo("malformed_request");
        }

        @Test
        void theRequestIsRewrittenInPlace() {
            HttpRequest request = request(HttpVersion.HTTP_1_1, "/x?q=\u00e6", "Host", "gw");
            assertThat(RequestHeadRules.check(request)).isNull();
            assertThat(request.uri()).isEqualTo("/x?q=%E6");
        }
    }

    @Nested
    class Hosts {

        @Test
        void http11NeedsExactlyOneHost() {
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x")).code()).isEqualTo("invalid_host");
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x", "Host", "a", "Host", "b")).code())
                    .isEqualTo("invalid_host");
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x", "Host", "gw.example:8080"))).isNull();
        }

        @Test
        void http10MayOmitTheHostButNotRepeatIt() {
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_0, "/x"))).isNull();
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_0, "/x", "Host", "a", "Host", "a")).code())
                    .isEqualTo("invalid_host");
        }

        @ParameterizedTest
        @ValueSource(strings = {"gw", "gw.example:443", "127.0.0.1:8080", "[::1]:8080", "xn--fiqs8s.cn", ""})
        void authoritiesAreAccepted(String host) {
            assertThat(RequestHeadRules.isAuthority(host)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"gw/x", "user@gw", "gw x", "gw\"", "gw?x", "gw#x", "gw,other", "网关.cn"})
        void othersAreNot(String host) {
            assertThat(RequestHeadRules.isAuthority(host)).isFalse();
        }
    }

    @Nested
    class Framing {

        @ParameterizedTest
        @ValueSource(strings = {"chunked", "CHUNKED", "Chunked"})
        void chunkedIsTheOneTransferCoding(String coding) {
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x", "Host", "gw", "Transfer-Encoding", coding)))
                    .isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"gzip, chunked", "identity", "xchunked", "chunked, chunked", "deflate"})
        void anyOtherCodingIsNotImplemented(String coding) {
            ApiProblem problem = RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x", "Host", "gw",
                    "Transfer-Encoding", coding));
            assertThat(problem.status()).isEqualTo(501);
            assertThat(problem.code()).isEqualTo("transfer_coding_not_supported");
        }

        @Test
        void twoTransferEncodingHeadersAreNotImplemented() {
            assertThat(RequestHeadRules.check(request(HttpVersion.HTTP_1_1, "/x", "Host", "gw",
                    "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked")).status()).isEqualTo(501);
        }

        @Test
        void onlyHttp10And11AreSpoken() {
            assertThat(RequestHeadRules.check(request(HttpVersion.valueOf("HTTP/1.2"), "/x", "Host", "gw")).status())
                    .isEqualTo(505);
        }
    }

    @Nested
    class CodecFailures {

        private ApiProblem failed(Throwable cause) {
            HttpRequest request = request(HttpVersion.HTTP_1_0, "/bad-request");
            request.setDecoderResult(DecoderResult.failure(cause));
            return RequestHeadRules.check(request);
        }

        @Test
        void eachFailureHasItsStatus() {
            assertThat(failed(new TooLongHttpLineException("long")).status()).isEqualTo(414);
            assertThat(failed(new TooLongHttpHeaderException("large")).status()).isEqualTo(431);
            ApiProblem other = failed(new IllegalArgumentException("a header value contains \u0000 (0x0)"));
            assertThat(other.status()).isEqualTo(400);
            assertThat(other.code()).isEqualTo("malformed_request");
            assertThat(other.getMessage()).doesNotContain("\u0000");
        }
    }
}
