package org.civicstack.identity.assurance.residentid;

import java.util.Objects;

/**
 * The one exception {@link ResidentIdNumber#parse} throws. Its message is the rule that failed, never the input:
 * the number is personal data and must not reach logs or error bodies.
 */
public final class InvalidResidentIdNumber extends IllegalArgumentException {

    private final ResidentIdFailure reason;

    public InvalidResidentIdNumber(ResidentIdFailure reason) {
        super(Objects.requireNonNull(reason, "reason").message());
        this.reason = reason;
    }

    public ResidentIdFailure reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a validation outcome, thrown per bad input: no stack trace needed
    }
}
