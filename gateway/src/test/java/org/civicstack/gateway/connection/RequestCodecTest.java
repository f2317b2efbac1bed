package org.civicstack.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.server.HttpServer;

class RequestCodecTest {

    @Test
    void theValueRuleIsNettysOnEveryStringTried() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int n = 0; n < 50_000; n++) {
            int length = random.nextInt(12);
            StringBuilder value = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                // mostly around the edges of the rule: controls, space, tab, DEL, obs-text, beyond Latin-1
                int pick = random.nextInt(10);
                value.append((char) (pick < 4 ? random.nextInt(0x22) : pick < 6 ? 0x7e + random.nextInt(4)
                        : pick < 8 ? 0x21 + random.nextInt(0x5e) : random.nextInt(0x200)));
            }
            String text = value.toString();
            assertThat(RequestCodec.firstInvalid(text)).as("%s", text.chars().boxed().toList())
                    .isEqualTo(HttpHeaderValidationUtil.validateValidHeaderValue(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-A: a\u0001b", "X-A: a\rb", "X-A: a\u007fb", "X-A: a\u0000", "Authorization: Bearer x\u000by"})
    void aRequestWithAControlCharacterInAHeaderValueFailsToDecode(String header) {
        HttpRequest request = decode("GET /s/x/ HTTP/1.1\r\nHost: gw\r\n" + header + "\r\n\r\n");
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(request.decoderResult().cause()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOrdinaryRequestDecodesWithItsHeadersAsSent() {
        String token = "eyJ" + "a".repeat(900) + ".b-_c";
        HttpRequest request = decode("GET /s/x/?q=1 HTTP/1.1\r\nHost: gw:8080\r\nAuthorization: Bearer " + token
                + "\r\nUser-Agent: app/1.0 (iPhone; \u00e9)\r\nX-Tab: a\tb\r\n\r\n");
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer " + token);
        assertThat(request.headers().get("User-Agent")).isEqualTo("app/1.0 (iPhone; \u00e9)");
        assertThat(request.headers().get("X-Tab")).isEqualTo("a\tb");
    }

    @Test
    void theCodecTakesItsLimitsFromReactorNettysSettings() {
        HttpServer server = HttpServer.create().httpRequestDecoder(spec -> spec.maxHeaderSize(64));
        EmbeddedChannel channel = new EmbeddedChannel(RequestCodec.create(server.configuration().decoder()));
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: gw\r\nX-Long: " + "a".repeat(100)
                + "\r\n\r\n", StandardCharsets.ISO_8859_1));
        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isFailure()).isTrue();
        channel.finishAndReleaseAll();
    }

    private static HttpRequest decode(String head) {
        EmbeddedChannel channel = new EmbeddedChannel(RequestCodec.create(HttpServer.create().configuration().decoder()));
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
        HttpRequest request = channel.readInbound();
        channel.finishAndReleaseAll();
        return request;
    }
}
