package org.civicstack.certificates.keys;

/** A payload could not be decrypted; {@link #code()} says why, stably ({@code malformed}, {@code unknown_key}, {@code tampered}). */
public final class PayloadDecryptionException extends RuntimeException {

    private final String code;

    public PayloadDecryptionException(String code, String message) {
        super(message);
        this.code = code;
    }

    public PayloadDecryptionException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
