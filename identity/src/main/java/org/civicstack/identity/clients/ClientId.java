package org.civicstack.identity.clients;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OAuth {@code client_id}: 3–100 characters of lower-case letters, digits, {@code .}, {@code _} and {@code -},
 * starting with a letter or digit. Nothing in it needs encoding in a Basic authorization header or a URL.
 */
public record ClientId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9._-]{2,99}");

    public ClientId {
        Objects.requireNonNull(value, "client id");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("client id must be 3-100 characters of a-z, 0-9, '.', '_' and '-', "
                    + "starting with a letter or digit: '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
