package org.civicstack.gateway.dispatch;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Comparing and naming request methods without allocating: Netty 4.2's {@code HttpMethod.name()} converts the
 * method's {@code AsciiString} to a new {@code String} on every call, and {@code equals} between two different
 * methods calls it twice — about a dozen strings per dispatched request before this class (~1 % of the gateway's CPU).
 * The codec hands out its constants for the standard methods, so a reference comparison answers almost always.
 */
final class HttpMethods {

    /** The standard methods the codec hands out as constants, and their names made once. */
    private static final HttpMethod[] STANDARD = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
            HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT};
    private static final String[] NAMES = new String[STANDARD.length];

    static {
        for (int i = 0; i < STANDARD.length; i++) {
            NAMES[i] = STANDARD[i].name();
        }
    }

    private HttpMethods() {
    }

    /** Whether {@code method} is {@code expected} (case-sensitive, as methods are). */
    static boolean is(HttpMethod method, HttpMethod expected) {
        return method == expected || method.asciiName().contentEquals(expected.asciiName());
    }

    /** The method's name: a string made once for the standard methods, else a new one. */
    static String nameOf(HttpMethod method) {
        for (int i = 0; i < STANDARD.length; i++) {
            if (method == STANDARD[i]) {
                return NAMES[i];
            }
        }
        return method.name();
    }
}
