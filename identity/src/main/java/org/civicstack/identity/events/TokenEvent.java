package org.civicstack.identity.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One event of a token's or login's life, for the audit log. <strong>Never carries a secret</strong>: no token
 * strings, one-time codes, resident ID numbers or mobile numbers — {@code jti}, session ids, internal ids and
 * outcomes only. Every field but {@code eventId}, {@code type} and {@code occurredAt} may be null.
 *
 * @param eventId unique per occurrence; consumers store each id once (delivery is at least once)
 * @param citizenId internal citizen id ({@code CitizenId} text), when a citizen is involved
 * @param clientId OAuth client id
 * @param sessionId the login session ({@code sid} claim)
 * @param jti the token's {@code jti}, when one token is concerned
 * @param details small extra facts (reason, grant type, scopes, acr, target service), no personal data
 */
public record TokenEvent(UUID eventId, TokenEventType type, Instant occurredAt, String citizenId, String clientId,
        String sessionId, String jti, Map<String, String> details) {

    public TokenEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }

    public static Builder of(TokenEventType type) {
        return new Builder(type);
    }

    /** {@code TokenEvent.of(TOKEN_ISSUED).client(id).jti(jti).detail("grant_type", "refresh_token").build()} */
    public static final class Builder {
        private final TokenEventType type;
        private String citizenId;
        private String clientId;
        private String sessionId;
        private String jti;
        private final Map<String, String> details = new TreeMap<>();

        private Builder(TokenEventType type) {
            this.type = type;
        }

        public Builder citizen(Object citizenId) {
            this.citizenId = citizenId == null ? null : citizenId.toString();
            return this;
        }

        public Builder client(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder session(Object sessionId) {
            this.sessionId = sessionId == null ? null : sessionId.toString();
            return this;
        }

        public Builder jti(String jti) {
            this.jti = jti;
            return this;
        }

        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, value.toString());
            }
            return this;
        }

        public TokenEvent build() {
            return new TokenEvent(UUID.randomUUID(), type, Instant.now(), citizenId, clientId, sessionId, jti, details);
        }
    }
}
