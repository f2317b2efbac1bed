package org.civicstack.gateway.access;

/**
 * An upstream assertion identity issued for one (citizen token, service) pair. The value is a bearer credential:
 * {@link #toString()} leaves it out.
 *
 * @param value the JWT to send as {@code Authorization: Bearer}
 * @param expiresAtMillis when it expires (epoch milliseconds)
 */
public record Assertion(String value, long expiresAtMillis) {

    @Override
    public String toString() {
        return "Assertion[expiresAtMillis=" + expiresAtMillis + "]";
    }
}
