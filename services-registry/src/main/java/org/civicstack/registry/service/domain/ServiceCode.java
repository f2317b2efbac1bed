package org.civicstack.registry.service.domain;

import java.util.regex.Pattern;

/**
 * A service's human code: the stable, immutable slug in {@code /s/{serviceCode}/…} (e.g. {@code sz-hospital-registration}).
 * Lower-case letters, digits and single hyphens, 3–64 characters, starting with a letter.
 */
public record ServiceCode(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,63}");

    public ServiceCode {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("service code must be 3-64 lower-case letters, digits and single "
                    + "hyphens, starting with a letter: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
