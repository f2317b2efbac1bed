package org.civicstack.certificates.sdjwt;

import java.util.Objects;

/** A presentation was refused; {@link #failure()} carries the stable reason, the message the detail. */
public final class CredentialVerificationException extends RuntimeException {

    private final VerificationFailure failure;

    public CredentialVerificationException(VerificationFailure failure, String message) {
        super(message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public CredentialVerificationException(VerificationFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public VerificationFailure failure() {
        return failure;
    }

    /** Shorthand for {@code failure().code()}. */
    public String code() {
        return failure.code();
    }
}
