package org.civicstack.identity.assurance;

import java.util.Arrays;
import java.util.Optional;

/**
 * How sure the platform is of who a citizen is, carried in tokens as {@code acr} (OIDC Core §2) and required by
 * services in the registry as {@code min_assurance_level} 1–3. Ordered: a higher level satisfies every lower one.
 *
 * <table>
 *   <tr><th>level</th><th>{@code acr}</th><th>meaning</th></tr>
 *   <tr><td>1</td><td>{@code urn:civicstack:acr:1}</td><td>phone verified: the citizen proved control of the mobile
 *       number by an SMS one-time code</td></tr>
 *   <tr><td>2</td><td>{@code urn:civicstack:acr:2}</td><td>identity verified: name + resident ID number checked with the
 *       real-name authority</td></tr>
 *   <tr><td>3</td><td>{@code urn:civicstack:acr:3}</td><td>face verified: liveness + match against the identity
 *       record by the face verification provider</td></tr>
 * </table>
 */
public enum AssuranceLevel {

    PHONE_VERIFIED(1),
    IDENTITY_VERIFIED(2),
    FACE_VERIFIED(3);

    public static final String ACR_PREFIX = "urn:civicstack:acr:";

    private final int level;
    private final String acr;

    AssuranceLevel(int level) {
        this.level = level;
        this.acr = ACR_PREFIX + level;
    }

    /** 1, 2 or 3, as the registry's {@code min_assurance_level}. */
    public int level() {
        return level;
    }

    /** The {@code acr} claim value. */
    public String acr() {
        return acr;
    }

    public boolean satisfies(AssuranceLevel required) {
        return level >= required.level;
    }

    public static Optional<AssuranceLevel> ofLevel(int level) {
        return Arrays.stream(values()).filter(l -> l.level == level).findFirst();
    }

    public static Optional<AssuranceLevel> ofAcr(String acr) {
        return Arrays.stream(values()).filter(l -> l.acr.equals(acr)).findFirst();
    }
}
