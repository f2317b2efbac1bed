package org.civicstack.gateway.connection;

import java.util.Iterator;
import java.util.List;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;

/**
 * What every request to the gateway must satisfy before anything routes it — agency dispatch and platform routes
 * alike — checked once on the decoded request head. A request that fails is answered with a problem and its
 * connection closed: after a malformed head, where the next request starts is not trustworthy.
 *
 * <ul>
 *   <li>The HTTP codec could parse it (otherwise 400, 414 for a too long request line, 431 for too large headers),
 *       and it is HTTP/1.1 or HTTP/1.0 (otherwise 505).</li>
 *   <li>Exactly one {@code Host} on HTTP/1.1, at most one on HTTP/1.0, with a value that is an authority
 *       (RFC 9112 §3.2).</li>
 *   <li>{@code Transfer-Encoding}, if present, is exactly {@code chunked}: the only transfer coding the gateway
 *       decodes (RFC 9112 §6.1: others get 501). Together with the codec refusing {@code Transfer-Encoding} next to
 *       {@code Content-Length} and conflicting lengths, a request body has exactly one reading.</li>
 *   <li>The request target has no control characters. Raw bytes outside ASCII and the characters RFC 3986 does not
 *       allow anywhere ({@code " < > \ ^ ` { | }}) are percent-encoded, as browsers do: {@code ?q=挂号} typed into
 *       curl works instead of failing.</li>
 * </ul>
 */
public final class RequestHeadRules {

    private RequestHeadRules() {
    }

    /** The problem with {@code request}, or {@code null} when it may be routed (its target possibly re-encoded). */
    public static ApiProblem check(HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            return codecFailure(decoded.cause());
        }
        HttpVersion version = request.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            return new ApiProblem(505, "http_version_not_supported", "HTTP version not supported",
                    "The gateway speaks HTTP/1.1 (and HTTP/1.0).");
        }
        ApiProblem host = checkHost(request);
        if (host != null) {
            return host;
        }
        ApiProblem coding = checkTransferEncoding(request.headers());
        if (coding != null) {
            return coding;
        }
        String uri = request.uri();
        String encoded = encodeTarget(uri);
        if (encoded == null) {
            return ApiProblem.badRequest(ProblemCodes.MALFORMED_REQUEST,
                    "The request target contains control characters.");
        }
        if (encoded != uri) {
            request.setUri(encoded);
        }
        return null;
    }

    /** The problem for a request the HTTP codec could not parse. */
    static ApiProblem codecFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new ApiProblem(414, "uri_too_long", "URI too long",
                    "The request line is longer than the gateway accepts.");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new ApiProblem(431, "headers_too_large", "Request header fields too large",
                    "The request headers are larger than the gateway accepts.");
        }
        return ApiProblem.badRequest(ProblemCodes.MALFORMED_REQUEST,
                "The request is not valid HTTP/1.1: " + describe(cause));
    }

    private static String describe(Throwable cause) {
        String message = cause == null ? null : cause.getMessage();
        if (message == null || message.isBlank()) {
            return "it could not be parsed.";
        }
        // Netty's messages may quote the offending bytes: keep them printable and short
        StringBuilder safe = new StringBuilder(Math.min(message.length(), 200));
        for (int i = 0; i < message.length() && safe.length() < 200; i++) {
            char c = message.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }

    private static ApiProblem checkHost(HttpRequest request) {
        Iterator<? extends CharSequence> hosts = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                    ? ApiProblem.badRequest("invalid_host", "An HTTP/1.1 request must have a Host header.") : null;
        }
        CharSequence host = hosts.next();
        if (hosts.hasNext()) {
            return ApiProblem.badRequest("invalid_host", "The request has more than one Host header.");
        }
        return isAuthority(host) ? null
                : ApiProblem.badRequest("invalid_host", "The Host header is not a host name or address with an optional port.");
    }

    /** RFC 3986 {@code host [ ":" port ]}: reg-name characters, or an IP literal in brackets. Empty is allowed. */
    static boolean isAuthority(CharSequence value) {
        int length = value.length();
        if (length > 255) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']' || c == '%';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static ApiProblem checkTransferEncoding(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return null;
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked")) {
            return null;
        }
        return new ApiProblem(501, "transfer_coding_not_supported", "Not implemented",
                "The gateway accepts request bodies with Content-Length or Transfer-Encoding: chunked only.");
    }

    /**
     * {@code target} with raw non-ASCII bytes and characters that are never valid in a URI percent-encoded (the
     * same string when there are none), or {@code null} when it contains control characters. The codec hands over
     * the request line's bytes one per character (ISO-8859-1), so each such character is one byte.
     */
    static String encodeTarget(String target) {
        StringBuilder out = null;
        int length = target.length();
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return null;
            }
            boolean escape = c > 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
                    || c == '{' || c == '|' || c == '}';
            if (escape) {
                if (out == null) {
                    out = new StringBuilder(length + 16).append(target, 0, i);
                }
                out.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? target : out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
