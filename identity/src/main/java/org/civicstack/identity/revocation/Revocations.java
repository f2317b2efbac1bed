package org.civicstack.identity.revocation;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.IdentityProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records revocations: a {@code revocation} row (identity's own check, {@link RevokedTokenValidator}) and, in the same
 * transaction, an outbox event to {@value #STREAM} that the platform's relay publishes to every gateway and reactive
 * resource server. Call it inside the transaction of the state change it belongs to (ending a session, disabling a
 * client), so the revocation exists exactly when that change committed.
 */
@Component
public class Revocations {

    public static final String STREAM = "cs:identity:revocations";
    public static final String EVENT_TYPE = "revocation";
    /** Clock differences between identity and the services that check tokens. */
    static final Duration SKEW = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Duration longestAccessToken;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public Revocations(JdbcTemplate jdbc, JsonMapper json, IdentityProperties properties) {
        this(jdbc, json, properties.accessTokenTtl(), Clock.systemUTC());
    }

    Revocations(JdbcTemplate jdbc, JsonMapper json, Duration longestAccessToken, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.longestAccessToken = longestAccessToken;
        this.clock = clock;
    }

    /** Revokes now; returns what was recorded. */
    public Revocation revoke(Revocation.Kind kind, String value, String actor, String reason) {
        // microseconds: what PostgreSQL keeps, so the stored row and the published event say the same instant
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Revocation revocation = new Revocation(UUID.randomUUID(), kind, value, now,
                now.plus(longestAccessToken).plus(SKEW), actor, reason);
        jdbc.update("INSERT INTO revocation (id, kind, value, revoked_at, expires_at, actor, reason) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)", revocation.id(), kind.wireName(), value,
                Timestamp.from(revocation.revokedAt()), Timestamp.from(revocation.expiresAt()), actor, reason);
        jdbc.update("INSERT INTO outbox_event (event_id, stream, event_type, payload) VALUES (?, ?, ?, ?::jsonb)",
                revocation.id(), STREAM, EVENT_TYPE, json.writeValueAsString(payload(revocation)));
        return revocation;
    }

    /** The event payload (docs/revocation.md): no actor or reason, the deny-lists need neither. */
    static Map<String, Object> payload(Revocation revocation) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event_id", revocation.id().toString());
        payload.put("kind", revocation.kind().wireName());
        payload.put("value", revocation.value());
        payload.put("revoked_at", revocation.revokedAt().toString());
        payload.put("expires_at", revocation.expiresAt().toString());
        return payload;
    }

    /**
     * Whether identity itself refuses an access token with these claims ({@code iat} in epoch seconds): the same
     * rules as the gateways' deny-lists, from the table.
     */
    public boolean refuses(String jti, String sid, String subject, String clientId, Instant issuedAt) {
        Boolean refused = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM revocation WHERE expires_at > now() AND ("
                + REFUSES + "))", Boolean.class, refusesArguments(jti, sid, subject, clientId, issuedAt));
        return Boolean.TRUE.equals(refused);
    }

    /**
     * The earliest revocation that refuses (or refused) an access token with these claims, by the same rules,
     * including rows past their {@code expires_at}: for the auditor's view of a token's life.
     */
    public Optional<Revocation> firstRefusing(String jti, String sid, String subject, String clientId,
            Instant issuedAt) {
        return jdbc.query("SELECT id, kind, value, revoked_at, expires_at, actor, reason FROM revocation WHERE "
                + REFUSES + " ORDER BY revoked_at LIMIT 1", (row, n) -> new Revocation(row.getObject(1, UUID.class),
                Revocation.Kind.fromWireName(row.getString(2)).orElseThrow(), row.getString(3),
                row.getTimestamp(4).toInstant(), row.getTimestamp(5).toInstant(), row.getString(6),
                row.getString(7)), refusesArguments(jti, sid, subject, clientId, issuedAt)).stream().findFirst();
    }

    /** The rules of docs/revocation.md §2 over the {@code revocation} table; arguments from {@link #refusesArguments}. */
    private static final String REFUSES = """
            (kind = 'token' AND value = ?) OR (kind = 'session' AND value = ?)
            OR (kind = 'citizen' AND value = ? AND revoked_at >= ?)
            OR (kind = 'client' AND value = ? AND revoked_at >= ?)""";

    private static Object[] refusesArguments(String jti, String sid, String subject, String clientId,
            Instant issuedAt) {
        Timestamp issued = Timestamp.from(issuedAt);
        return new Object[] {text(jti), text(sid), text(subject), issued, text(clientId), issued};
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
