package org.civicstack.identity.clients;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The registry's identifier of an agency, opaque and prefixed as api-conventions.md has it: {@code agy_…}.
 * Identity only carries it into tokens ({@code agency_id}); the registry owns what it refers to.
 */
public record AgencyId(String value) {

    private static final Pattern FORMAT = Pattern.compile("agy_[A-Za-z0-9_-]{1,96}");

    public AgencyId {
        Objects.requireNonNull(value, "agency id");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("agency id must be 'agy_' followed by 1-96 URL-safe characters: '"
                    + value + "'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
