package org.civicstack.gateway.dispatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.civicstack.platform.web.RequestIds;

/**
 * Header hygiene between citizens and agencies, in place on the decoded messages (no copies on the hot path).
 *
 * <p>Towards the agency: hop-by-hop headers (RFC 9110 §7.6.1, including those a {@code Connection} header names)
 * are dropped; so are the platform's credentials ({@code Authorization}, {@code Cookie}), the platform's reserved
 * namespace ({@link #RESERVED_PREFIXES}: {@code X-Civicstack-*}, {@code X-Citizen-*}, {@code X-Upstream-*},
 * {@code X-Forwarded-*}) and {@code Forwarded}, client-address claims and method/path overrides; the body's framing
 * is set afresh from what the codec decoded; then {@code Host} becomes the upstream's and the gateway adds the
 * standard forwarding headers from what it observed itself, and the request id. Why each: docs/security/request-hygiene.md.
 *
 * <p>Towards the citizen: hop-by-hop headers of the upstream's answer are dropped and the request id is added.
 */
final class ProxyHeaders {

    /**
     * The platform's header namespace toward agencies: headers with these prefixes are only ever set by the
     * gateway (today {@code X-Forwarded-*}; the citizen and assertion headers of the identity issue will be among
     * them), so every one a client sends is dropped. Documented in docs/security/request-hygiene.md and the agency
     * guide.
     */
    static final String[] RESERVED_PREFIXES = {"x-civicstack-", "x-citizen-", "x-upstream-", "x-forwarded-"};

    /**
     * Dropped from every request before it goes upstream: hop-by-hop headers, the framing headers (the gateway frames
     * every forwarded request itself), credentials meant for the platform, the reserved names of the platform's
     * namespace outside the prefixes, client-address claims, and overrides that would let a client defeat the
     * gateway's method and path rules at frameworks that honour them.
     */
    private static final AsciiString[] REQUEST_DROPPED = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.EXPECT,
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.COOKIE,
            AsciiString.cached("forwarded"), AsciiString.cached("x-real-ip"), AsciiString.cached("x-client-ip"),
            AsciiString.cached("true-client-ip"), AsciiString.cached("x-cluster-client-ip"),
            AsciiString.cached("x-original-url"), AsciiString.cached("x-rewrite-url"),
            AsciiString.cached("x-http-method-override"), AsciiString.cached("x-http-method"),
            AsciiString.cached("x-method-override")};

    /** Dropped from every upstream answer before it goes to the citizen. */
    private static final AsciiString[] RESPONSE_DROPPED = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHENTICATE};

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-prefix");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString REQUEST_ID = AsciiString.cached(RequestIds.HEADER);

    private ProxyHeaders() {
    }

    /**
     * Rewrites {@code request} (already pointed at the upstream target) into what the agency receives. The body's
     * framing is what the gateway's codec decoded, stated afresh: {@code Transfer-Encoding: chunked}, or the
     * {@code Content-Length} the codec validated, or {@code Content-Length: 0} for a bodiless POST/PUT/PATCH —
     * never a client's framing header, which a {@code Connection} header could otherwise remove (request
     * smuggling: the body would reach the agency as a second request no rule has seen).
     */
    static void prepareUpstreamRequest(HttpRequest request, DispatchRoute route, String requestId,
            DispatchConnectionHandler connection) {
        HttpHeaders headers = request.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        long contentLength = chunked ? -1 : HttpUtil.getContentLength(request, -1L);
        String clientHost = headers.get(HttpHeaderNames.HOST);
        String connectionTokens = headers.get(HttpHeaderNames.CONNECTION);
        if (connectionTokens != null) {
            for (String token : connectionTokens.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : REQUEST_DROPPED) {
            headers.remove(name);
        }
        List<CharSequence> spoofable = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext();) {
            CharSequence name = it.next().getKey();
            if (isReserved(name)) {
                if (spoofable == null) {
                    spoofable = new ArrayList<>(2);
                }
                spoofable.add(name);
            }
        }
        if (spoofable != null) {
            spoofable.forEach(headers::remove);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (contentLength >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        } else if (hasBodySemantics(request.method())) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0L);
        }
        String client = connection.clientAddress();
        String scheme = connection.scheme();
        headers.set(HttpHeaderNames.HOST, route.origin().hostHeader());
        headers.set(X_FORWARDED_FOR, client);
        headers.set(X_FORWARDED_PROTO, scheme);
        headers.set(X_FORWARDED_PREFIX, route.forwardedPrefix());
        StringBuilder forwarded = new StringBuilder(64).append("for=\"");
        if (client.indexOf(':') >= 0) {
            forwarded.append('[').append(client).append(']');
        } else {
            forwarded.append(client);
        }
        forwarded.append("\";proto=").append(scheme);
        if (clientHost != null) {
            headers.set(X_FORWARDED_HOST, clientHost);
            forwarded.append(";host=\"").append(clientHost.replace("\"", "")).append('"');
        }
        headers.set(FORWARDED, forwarded.toString());
        headers.set(REQUEST_ID, requestId);
    }

    /** Rewrites the upstream's answer head into what the citizen receives. */
    static void prepareClientResponse(HttpResponse response, String requestId, boolean keepAlive, boolean head) {
        HttpHeaders headers = response.headers();
        for (AsciiString name : RESPONSE_DROPPED) {
            headers.remove(name);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        int code = response.status().code();
        if (!head && code != 204 && code != 304 && !HttpUtil.isContentLengthSet(response)
                && !HttpUtil.isTransferEncodingChunked(response)) {
            // the upstream ends its body by closing; the citizen's connection stays open, so frame it in chunks
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        headers.set(REQUEST_ID, requestId);
        HttpUtil.setKeepAlive(response, keepAlive);
    }

    /**
     * Whether a path (the part after {@code /s/{code}}) may be forwarded. The prefix check compares the path as
     * received, so it must mean the same to every upstream, whatever its server normalises or decodes. Refused:
     * <ul>
     *   <li>dot segments ({@code .}, {@code ..}) and backslashes;</li>
     *   <li>{@code ;} anywhere, raw or encoded: servlet containers and others drop {@code ;parameters} from
     *       segments, so {@code /public/..;/admin} passes a prefix check as written and is {@code /admin} to them;</li>
     *   <li>percent-encoded dots, slashes, backslashes, semicolons and NULs, and the same encoded twice
     *       ({@code %252e}) for servers that decode twice;</li>
     *   <li>malformed percent-encoding ({@code %} not followed by two hex digits, e.g. IIS-style {@code %u002e}), the
     *       overlong UTF-8 lead bytes {@code %c0}/{@code %c1}, control characters and {@code #}.</li>
     * </ul>
     */
    static boolean isPlainPath(String path) {
        int length = path.length();
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == ';' || c == '#' || c < 0x21 || c >= 0x7f) {
                return false;
            }
            if (c == '%') {
                if (i + 2 >= length || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
                    return false;
                }
                char hi = path.charAt(i + 1);
                char lo = Character.toLowerCase(path.charAt(i + 2));
                if (isDangerousEscape(hi, lo)) {
                    return false;
                }
                if (hi == '2' && lo == '5' && i + 4 < length
                        && isDangerousEscape(path.charAt(i + 3), Character.toLowerCase(path.charAt(i + 4)))) {
                    return false; // %25xx: an escape encoded twice
                }
                if (hi == 'c' || hi == 'C') {
                    if (lo == '0' || lo == '1') {
                        return false;
                    }
                }
            }
            if (c == '.' && (i == 0 || path.charAt(i - 1) == '/')) {
                int end = i + 1 < length && path.charAt(i + 1) == '.' ? i + 2 : i + 1;
                if (end == length || path.charAt(end) == '/') {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code %2e %2f %5c %3b} and encoded control characters ({@code %00}–{@code %1f}, {@code %7f}): escapes that
     * decode into something that changes how a path is segmented, or that no path legitimately contains.
     */
    private static boolean isDangerousEscape(char hi, char lo) {
        return (hi == '2' && (lo == 'e' || lo == 'f')) || (hi == '5' && lo == 'c') || (hi == '3' && lo == 'b')
                || hi == '0' || hi == '1' || (hi == '7' && lo == 'f');
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether a client-sent header is in the platform's reserved namespace ({@link #RESERVED_PREFIXES}). */
    static boolean isReserved(CharSequence name) {
        if (name.length() < 2 || (name.charAt(0) | 0x20) != 'x' || name.charAt(1) != '-') {
            return false;
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (startsWithIgnoreCase(name, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasBodySemantics(HttpMethod method) {
        return HttpMethods.is(method, HttpMethod.POST) || HttpMethods.is(method, HttpMethod.PUT)
                || HttpMethods.is(method, HttpMethod.PATCH);
    }

    private static boolean startsWithIgnoreCase(CharSequence name, String lowerPrefix) {
        int n = lowerPrefix.length();
        if (name.length() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase(name.charAt(i)) != lowerPrefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
