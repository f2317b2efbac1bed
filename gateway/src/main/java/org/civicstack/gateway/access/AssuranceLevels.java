package org.civicstack.gateway.access;

/**
 * The assurance levels as identity writes them into {@code acr} ({@code urn:civicstack:acr:1|2|3}, see identity's
 * {@code assurance.AssuranceLevel}); the gateway does not depend on the identity module, so the mapping is here.
 */
final class AssuranceLevels {

    static final String ACR_PREFIX = "urn:civicstack:acr:";
    static final int MAX = 3;

    private AssuranceLevels() {
    }

    /** The level of an {@code acr} value, or 0 when it is absent or not one of ours. */
    static int levelOf(String acr) {
        if (acr == null || acr.length() != ACR_PREFIX.length() + 1 || !acr.startsWith(ACR_PREFIX)) {
            return 0;
        }
        int level = acr.charAt(acr.length() - 1) - '0';
        return level >= 1 && level <= MAX ? level : 0;
    }

    static String acrOf(int level) {
        return ACR_PREFIX + level;
    }
}
