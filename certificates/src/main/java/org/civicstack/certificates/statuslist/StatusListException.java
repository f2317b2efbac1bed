package org.civicstack.certificates.statuslist;

/**
 * A Status List Token could not be obtained or trusted. {@link #code()} is stable: {@code malformed},
 * {@code wrong_type}, {@code signature_invalid}, {@code expired}, {@code subject_mismatch}, {@code unavailable}.
 */
public final class StatusListException extends RuntimeException {

    private final String code;

    public StatusListException(String code, String message) {
        super(message);
        this.code = code;
    }

    public StatusListException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
