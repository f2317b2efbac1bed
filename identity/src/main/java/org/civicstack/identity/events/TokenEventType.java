package org.civicstack.identity.events;

/**
 * What happened in a token's or a login's life. One event type on the stream ({@code token_event}) with this as its
 * {@code kind}, so the audit log (issue #9) consumes one shape. Names are stable: they are stored.
 */
public enum TokenEventType {
    OTP_SENT,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    ASSURANCE_RAISED,
    TOKEN_ISSUED,
    TOKEN_REFRESHED,
    REFRESH_REUSE_DETECTED,
    FAMILY_REVOKED,
    TOKEN_REVOKED,
    TOKEN_INTROSPECTED,
    TOKEN_EXCHANGED,
    SESSION_ENDED,
    CLIENT_CHANGED,
    SIGNING_KEY_ROTATED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
