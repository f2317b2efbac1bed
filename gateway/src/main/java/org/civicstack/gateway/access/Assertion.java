package org.civicstack.gateway.access;

import io.netty.util.AsciiString;

/**
 * An upstream assertion identity issued for one (citizen token, service) pair. The value is a bearer credential:
 * {@link #toString()} leaves it out.
 *
 * @param value the JWT to send as {@code Authorization: Bearer}
 * @param expiresAtMillis when it expires (epoch milliseconds)
 * @param authorization {@code Bearer <value>} as the header value, made once per assertion (not per request: it is
 *     about a kilobyte), in bytes, so Netty checks and writes it as a byte array
 */
public record Assertion(String value, long expiresAtMillis, AsciiString authorization) {

    public Assertion(String value, long expiresAtMillis) {
        this(value, expiresAtMillis, new AsciiString("Bearer " + value));
    }

    @Override
    public String toString() {
        return "Assertion[expiresAtMillis=" + expiresAtMillis + "]";
    }
}
