package org.civicstack.identity.assurance.verification;

import java.time.Duration;
import java.util.Objects;

/**
 * A refused assurance request, rendered as problem+json by {@code web.AssuranceProblemMapper}. The detail is shown to
 * the citizen: it never carries the name or the number.
 */
public final class AssuranceRefused extends RuntimeException {

    private final Refusal refusal;
    private final String field;
    private final String reason;
    private final Duration retryAfter;

    private AssuranceRefused(Refusal refusal, String detail, String field, String reason, Duration retryAfter) {
        super(detail, null, false, false);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.field = field;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public static AssuranceRefused of(Refusal refusal, String detail) {
        return new AssuranceRefused(refusal, detail, null, null, null);
    }

    /** A refusal about one request field, with a finer {@code reason} code (e.g. {@code bad_check_character}). */
    public static AssuranceRefused field(Refusal refusal, String field, String reason, String detail) {
        return new AssuranceRefused(refusal, detail, field, reason, null);
    }

    public static AssuranceRefused retryAfter(Refusal refusal, String detail, Duration retryAfter) {
        return new AssuranceRefused(refusal, detail, null, null, retryAfter);
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The finer reason code for {@link #field()}, or null. */
    public String reason() {
        return reason;
    }

    /** When to try again, or null. */
    public Duration retryAfterDuration() {
        return retryAfter;
    }
}
