package org.civicstack.identity.assurance.verification;

import java.util.Locale;

/** How a verification attempt ended (or where it stands). Stored as lower-case text. */
public enum AttemptOutcome {
    /** Claimed, the provider is being asked right now. */
    PENDING,
    /** Face only: the provider session is open, the app is capturing. */
    STARTED,
    MATCH,
    NO_MATCH,
    /** The provider could not be asked or gave no usable answer; does not count towards the daily limit. */
    UNAVAILABLE,
    /** The provider refused our request (configuration fault). */
    REJECTED,
    /** The number is bound to another account. */
    ALREADY_BOUND,
    /** Refused locally before any provider call (invalid number); does not count towards the daily limit. */
    INVALID_INPUT,
    /** Face only: the provider session ran out. */
    EXPIRED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AttemptOutcome ofDbValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
