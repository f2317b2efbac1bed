package org.civicstack.identity.revocation;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One decision to refuse access tokens, as identity stores it and as every gateway and resource server receives it
 * on {@value Revocations#STREAM} (docs/revocation.md).
 *
 * @param id unique; the event id on the stream (consumers apply each once)
 * @param kind what {@code value} names
 * @param value a {@code jti}, a session id ({@code sid}), a citizen id (the {@code sub} of citizen tokens) or a
 *        {@code client_id}
 * @param revokedAt for {@link Kind#CITIZEN} and {@link Kind#CLIENT}: tokens issued at or before it are refused
 * @param expiresAt after it no access token the revocation can affect is still valid
 * @param actor who revoked: {@code client:<id>}, {@code citizen:<id>} or {@code system}
 * @param reason why, a short stable word ({@code audit}, {@code citizen_ended}, {@code refresh_reuse}, …)
 */
public record Revocation(UUID id, Kind kind, String value, Instant revokedAt, Instant expiresAt, String actor,
        String reason) {

    public Revocation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        if (value == null || value.isBlank() || value.length() > 255) {
            throw new IllegalArgumentException("a revocation names a value of 1 to 255 characters");
        }
    }

    /** What a revocation refuses: one token, one login session, every token of a citizen, or of a client. */
    public enum Kind {
        TOKEN, SESSION, CITIZEN, CLIENT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static java.util.Optional<Kind> fromWireName(String value) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(value)) {
                    return java.util.Optional.of(kind);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
