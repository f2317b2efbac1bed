package org.civicstack.gateway.access;

import java.util.List;
import java.util.Locale;

/**
 * What a service demands of its callers, compiled once from its routing entry: nothing (anonymous) or a citizen
 * token at or above an assurance level holding every listed scope.
 */
public record AccessRequirement(boolean citizen, int minAssuranceLevel, List<String> scopes) {

    public static final AccessRequirement ANONYMOUS = new AccessRequirement(false, 0, List.of());

    public AccessRequirement {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        if (minAssuranceLevel < 0 || minAssuranceLevel > AssuranceLevels.MAX) {
            throw new IllegalArgumentException("min_assurance_level must be 0.." + AssuranceLevels.MAX + ": " + minAssuranceLevel);
        }
    }

    /** From the registry's {@code access} member ({@code level} anonymous|citizen); absent = anonymous. */
    public static AccessRequirement of(String level, int minAssuranceLevel, List<String> scopes) {
        if (level == null || level.toLowerCase(Locale.ROOT).equals("anonymous")) {
            return ANONYMOUS;
        }
        if (!level.toLowerCase(Locale.ROOT).equals("citizen")) {
            throw new IllegalArgumentException("access level must be anonymous or citizen: " + level);
        }
        return new AccessRequirement(true, Math.max(1, minAssuranceLevel), scopes);
    }
}
