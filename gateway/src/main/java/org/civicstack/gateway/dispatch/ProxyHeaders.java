package org.civicstack.gateway.dispatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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
 * are dropped; so are the platform's credentials ({@code Authorization}, {@code Cookie}), anything a client could use
 * to impersonate the platform or spoof its origin ({@code X-Civicstack-*}, {@code Forwarded}, {@code X-Forwarded-*},
 * {@code X-Real-IP}); then {@code Host} becomes the upstream's and the gateway adds the standard forwarding headers
 * from what it observed itself, and the request id.
 *
 * <p>Towards the citizen: hop-by-hop headers of the upstream's answer are dropped and the request id is added.
 */
final class ProxyHeaders {

    static final String INTERNAL_PREFIX = "x-civicstack-";
    private static final String FORWARDED_PREFIX = "x-forwarded-";

    /** Dropped from every request before it goes upstream (all lower case). */
    private static final AsciiString[] REQUEST_DROPPED = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.EXPECT,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.COOKIE,
            AsciiString.cached("forwarded"), AsciiString.cached("x-real-ip")};

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

    /** Rewrites {@code request} (already pointed at the upstream target) into what the agency receives. */
    static void prepareUpstreamRequest(HttpRequest request, DispatchRoute route, String requestId,
            DispatchConnectionHandler connection) {
        HttpHeaders headers = request.headers();
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
            if (startsWithIgnoreCase(name, INTERNAL_PREFIX) || startsWithIgnoreCase(name, FORWARDED_PREFIX)) {
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
     * Whether a path (the part after {@code /s/{code}}) may be forwarded: no dot segments, backslashes or
     * percent-encoded dots, slashes, backslashes or NULs — anything an upstream might normalise into a path outside
     * the published prefixes.
     */
    static boolean isPlainPath(String path) {
        int length = path.length();
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                return false;
            }
            if (c == '%' && i + 2 < length) {
                char hi = path.charAt(i + 1);
                char lo = Character.toLowerCase(path.charAt(i + 2));
                if ((hi == '2' && (lo == 'e' || lo == 'f')) || (hi == '5' && lo == 'c') || (hi == '0' && lo == '0')) {
                    return false;
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
