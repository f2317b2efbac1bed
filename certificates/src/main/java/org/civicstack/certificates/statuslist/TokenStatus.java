package org.civicstack.certificates.statuslist;

import java.util.Optional;

/** The status types of draft-ietf-oauth-status-list-21 §7.1 that we use; other values are application specific. */
public enum TokenStatus {
    /** 0x00: the credential is valid (as far as its status goes). */
    VALID(0),
    /** 0x01: revoked, for good. */
    INVALID(1),
    /** 0x02: temporarily invalid; may become valid again. */
    SUSPENDED(2);

    private final int value;

    TokenStatus(int value) {
        this.value = value;
    }

    /** The value stored in the list. */
    public int value() {
        return value;
    }

    /** The status with this list value, empty for an application-specific or unknown value. */
    public static Optional<TokenStatus> of(int value) {
        for (TokenStatus status : values()) {
            if (status.value == value) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
