package org.civicstack.gateway.connection;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http.HttpServerCodec;
import reactor.netty.http.server.HttpRequestDecoderSpec;

/**
 * The HTTP/1.1 codec of every connection to the gateway: Reactor Netty's, configured from the same
 * {@link HttpRequestDecoderSpec} (line and header limits, chunk size, duplicate lengths, partial chunks), with one
 * difference — request header values are checked by {@link #VALUES}, which applies Netty's rule to the decoder's
 * {@code String} values in a loop the JIT compiles for {@code String}. Netty's own check reads every character
 * through {@code CharSequence.charAt}, a call the JIT cannot inline where other kinds of values pass too; with a
 * kilobyte-long bearer token in every request that was ~3.5 % of the gateway's CPU.
 */
public final class RequestCodec {

    /**
     * Netty's rule for a header value (RFC 9110 §5.5, as {@code HttpHeaderValidationUtil} implements it): no
     * leading space or tab, then no control characters except horizontal tab, no DEL. A value that breaks it fails the
     * request head exactly as Netty's check does ({@code IllegalArgumentException}, a failed decoder result:
     * 400 problem, connection closed by {@link RequestHeadRules}).
     */
    static final DefaultHeaders.ValueValidator<CharSequence> VALUES = value -> {
        int bad = value instanceof String text ? firstInvalid(text)
                : HttpHeaderValidationUtil.validateValidHeaderValue(value);
        if (bad != -1) {
            throw new IllegalArgumentException("a header value contains prohibited character 0x"
                    + Integer.toHexString(value.charAt(bad)) + " at index " + bad + '.');
        }
    };

    private RequestCodec() {
    }

    /** A new codec for one connection, configured as {@code spec} says. */
    public static HttpServerCodec create(HttpRequestDecoderSpec spec) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(spec.maxInitialLineLength())
                .setMaxHeaderSize(spec.maxHeaderSize())
                .setMaxChunkSize(spec.maxChunkSize())
                .setInitialBufferSize(spec.initialBufferSize())
                .setAllowDuplicateContentLengths(spec.allowDuplicateContentLengths())
                .setAllowPartialChunks(spec.allowPartialChunks())
                .setValidateHeaders(spec.validateHeaders());
        if (spec.validateHeaders()) {
            // after setValidateHeaders, which resets the factories: names as Netty checks them, values by VALUES
            config.setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValueValidator(VALUES))
                    .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValueValidator(VALUES));
        }
        return new HttpServerCodec(config);
    }

    /** The index of the first character {@code value} may not hold, or -1: {@link #VALUES}' rule. */
    static int firstInvalid(String value) {
        int length = value.length();
        if (length == 0) {
            return -1;
        }
        char first = value.charAt(0);
        if (first < 0x21 || first == 0x7f) {
            return 0;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }
}
