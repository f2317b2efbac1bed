package org.civicstack.gateway.dispatch;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Comparing and naming request methods without allocating: Netty 4.2's {@code HttpMethod.name()} converts the
 * method's {@code AsciiString} to a new {@code String} on every call, and {@code equals} between two different
 * methods calls it twice — about a dozen strings per dispatched request before this class (~1 % of the gateway's CPU).
 * The codec hands out its constants for the standard methods, so a reference comparison answers almost always.
 */
final class HttpMethods {

    private HttpMethods() {
    }

    /** Whether {@code method} is {@code expected} (case-sensitive, as methods are). */
    static boolean is(HttpMethod method, HttpMethod expected) {
        return method == expected || method.asciiName().contentEquals(expected.asciiName());
    }

    /** The method's name: a constant for the standard methods, else a new string. */
    static String nameOf(HttpMethod method) {
        if (method == HttpMethod.GET) {
            return "GET";
        }
        if (method == HttpMethod.POST) {
            return "POST";
        }
        if (method == HttpMethod.PUT) {
            return "PUT";
        }
        if (method == HttpMethod.DELETE) {
            return "DELETE";
        }
        if (method == HttpMethod.PATCH) {
            return "PATCH";
        }
        if (method == HttpMethod.HEAD) {
            return "HEAD";
        }
        if (method == HttpMethod.OPTIONS) {
            return "OPTIONS";
        }
        return method.name();
    }
}
