package org.civicstack.gateway.access;

/** Why identity gave no assertion. Never carries token content. */
public final class TokenExchangeException extends RuntimeException {

    public enum Kind {
        /** identity rejected the citizen token ({@code invalid_grant}): revoked or otherwise no longer good. */
        SUBJECT_REJECTED,
        /** identity is unreachable, answered 5xx, timed out or refused the gateway itself (misconfiguration). */
        UNAVAILABLE
    }

    private final Kind kind;

    public TokenExchangeException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
