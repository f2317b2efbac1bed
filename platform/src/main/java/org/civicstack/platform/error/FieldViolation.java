package org.civicstack.platform.error;

import java.util.Objects;

/** One entry of a validation problem's {@code errors} array: which field, a stable code, a readable message. */
public record FieldViolation(String field, String code, String message) {

    public FieldViolation {
        Objects.requireNonNull(field, "field");
        ProblemCodes.requireValid(code);
        Objects.requireNonNull(message, "message");
    }
}
