package org.civicstack.identity.exchange;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A service's code as the services registry defines it ({@code services-registry ServiceCode}: a lower-case letter,
 * then 2–63 of {@code a-z 0-9} and single inner hyphens), carried in a token exchange's {@code audience} as
 * {@code urn:civicstack:service:<code>} and in the assertion's {@code aud}.
 */
public record ServiceCode(String value) {

    /** Same rule as the registry's; a code the registry could not have issued is refused here. */
    private static final Pattern FORMAT = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,63}");
    public static final String AUDIENCE_PREFIX = "urn:civicstack:service:";

    public ServiceCode {
        Objects.requireNonNull(value, "service code");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("service code must be a lower-case letter followed by 2-63 of a-z, 0-9 "
                    + "and single inner hyphens");
        }
    }

    /** The service named by an exchange audience, or empty when it is not {@code urn:civicstack:service:<code>}. */
    public static Optional<ServiceCode> fromAudience(String audience) {
        if (audience == null || !audience.startsWith(AUDIENCE_PREFIX)) {
            return Optional.empty();
        }
        String code = audience.substring(AUDIENCE_PREFIX.length());
        return FORMAT.matcher(code).matches() ? Optional.of(new ServiceCode(code)) : Optional.empty();
    }

    public String audience() {
        return AUDIENCE_PREFIX + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
