package org.civicstack.gateway.access;

/** The outcome of checking a presented token: the verified citizen, or why it was not accepted (for logs, never shown raw). */
public sealed interface TokenCheck {

    record Valid(CitizenToken token) implements TokenCheck {
    }

    /** {@code reason} is a fixed phrase (never token content) suitable for the problem detail. */
    record Invalid(String reason) implements TokenCheck {
    }
}
