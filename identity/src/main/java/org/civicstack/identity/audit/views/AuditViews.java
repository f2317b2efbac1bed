package org.civicstack.identity.audit.views;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditSearch.StoredEntry;
import org.civicstack.identity.audit.log.UseBatches;
import org.civicstack.identity.revocation.Revocations;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read models over the audit log for security teams and citizens: one token's whole life in one answer, what is
 * active for a citizen or a client right now, and a citizen's own trail. Everything here is computed from the log's
 * entries (the same ones the verifier checks), identity's sessions and its revocations; nothing is cached.
 */
public final class AuditViews {

    /** Entries of a session (besides the token's own) that belong in a token's life. */
    static final List<String> SESSION_KINDS = List.of("login_succeeded", "token_refreshed", "refresh_reuse_detected",
            "family_revoked", "session_ended", "token_revoked");
    /** What a citizen sees of their own trail: not every request, but sign-ins, shares and endings. */
    public static final List<String> CITIZEN_KINDS = List.of("login_succeeded", "login_failed", "assurance_raised",
            "token_exchanged", "session_ended", "family_revoked", "refresh_reuse_detected", "token_revoked");
    static final int MAX_TIMELINE = 1_000;
    static final int MAX_ACTIVE = 500;
    /** Clock differences between identity and the gateways, as for revocations. */
    static final Duration SKEW = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Revocations revocations;
    private final JsonMapper json;
    private final Duration longestAccessToken;
    private final Clock clock;
    private final UseBatches uses;

    public AuditViews(JdbcTemplate jdbc, Revocations revocations, JsonMapper json, Duration longestAccessToken,
            Clock clock) {
        this.jdbc = jdbc;
        this.revocations = revocations;
        this.json = json;
        this.longestAccessToken = longestAccessToken;
        this.clock = clock;
        this.uses = new UseBatches(jdbc);
    }

    // ------------------------------------------------------------------ one token's life

    /** Where a token was used: per service and agency, uses that went through and refusals by the gateway. */
    public record ServiceUse(String service, String agencyId, long uses, long refused, Instant firstAt,
            Instant lastAt) {
    }

    /** The revocation that ended a token, if one did. */
    public record RevokedBy(String kind, String value, Instant revokedAt, String actor, String reason) {
    }

    /**
     * A token from issue to end. {@code status} is {@code active}, {@code expired} or {@code revoked};
     * {@code replacedBy} is the next token issued in the same session (its refresh), if any; {@code timeline} every
     * entry about the token (but its individual uses, summed up in {@code services}) and the session events during
     * its life, in the order they happened (the log's order is the order they arrived from identity and gateways).
     */
    public record TokenLife(String jti, String status, Instant issuedAt, Instant expiresAt, String citizenId,
            String clientId, String sid, String grantType, String acr, String replacedBy, RevokedBy revokedBy,
            List<ServiceUse> services, List<StoredEntry> timeline, boolean timelineTruncated) {
    }

    /** The life of the access token {@code jti}, or empty when the log has no issue of it. */
    public Optional<TokenLife> tokenLife(String jti) {
        if (!AuditAppender.isUuid(jti)) {
            return Optional.empty();
        }
        List<Issued> issued = jdbc.query("SELECT seq, body FROM audit_entry WHERE jti = ?::uuid AND kind = "
                + "'token_issued' ORDER BY seq LIMIT 1", (row, n) -> issued(row.getLong(1), row.getString(2)), jti);
        if (issued.isEmpty() || issued.get(0) == null) {
            return Optional.empty();
        }
        Issued token = issued.get(0);
        Instant now = clock.instant();
        RevokedBy revokedBy = revokedBy(token).orElse(null);
        String status = revokedBy != null && !revokedBy.revokedAt().isAfter(token.expiresAt()) ? "revoked"
                : token.expiresAt().isAfter(now) ? "active" : "expired";
        if (revokedBy != null && status.equals("expired")) {
            revokedBy = null; // revoked after it had expired anyway
        }
        List<ServiceUse> services = servicesOf(jti);
        List<StoredEntry> timeline = new ArrayList<>();
        String sessionFilter = "";
        List<Object> args = new ArrayList<>(List.of(jti));
        if (AuditAppender.isUuid(token.sid())) {
            // the session's own events during the token's life, and the exchanges this token was the subject of
            sessionFilter = " OR (sid = ?::uuid AND kind <> 'token_used' AND (kind = 'login_succeeded' OR (kind = "
                    + "ANY(?) AND at >= ? AND at <= ?))) OR (sid = ?::uuid AND kind <> 'token_used' AND kind = "
                    + "'token_exchanged' AND body LIKE ?)";
            args.add(token.sid());
            args.add(SESSION_KINDS.toArray(String[]::new));
            args.add(Timestamp.from(token.issuedAt()));
            args.add(Timestamp.from(token.expiresAt()));
            args.add(token.sid());
            args.add("%\"subject_jti\":\"" + jti + "\"%");
        }
        args.add(MAX_TIMELINE + 1);
        jdbc.query("SELECT seq, body, leaf_hash, chain_hash FROM audit_entry WHERE (jti = ?::uuid AND kind <> "
                + "'token_used')" + sessionFilter + " ORDER BY at, seq LIMIT ?", row -> {
                    timeline.add(new StoredEntry(row.getLong(1), row.getString(2), row.getBytes(3), row.getBytes(4)));
                }, args.toArray());
        boolean truncated = timeline.size() > MAX_TIMELINE;
        String replacedBy = AuditAppender.isUuid(token.sid()) ? jdbc.query("SELECT jti FROM audit_entry WHERE "
                + "sid = ?::uuid AND kind <> 'token_used' AND kind = 'token_issued' AND seq > ? ORDER BY seq LIMIT 1",
                rs -> rs.next() ? rs.getString(1) : null, token.sid(), token.seq()) : null;
        return Optional.of(new TokenLife(jti, status, token.issuedAt(), token.expiresAt(), token.citizenId(),
                token.clientId(), token.sid(), token.grantType(), token.acr(), replacedBy, revokedBy, services,
                truncated ? timeline.subList(0, MAX_TIMELINE) : timeline, truncated));
    }

    /**
     * Where the token was used and refused, per service, in the order of first use: refusals (and uses appended
     * before V83) from their rows, uses from the batch rows that hold the token.
     */
    private List<ServiceUse> servicesOf(String jti) {
        record Key(String service, String agencyId) {
        }
        Map<Key, long[]> counts = new LinkedHashMap<>();
        Map<Key, Instant[]> times = new LinkedHashMap<>();
        jdbc.query("""
                SELECT service, agency_id, count(*) FILTER (WHERE kind = 'token_used'),
                       count(*) FILTER (WHERE kind = 'gateway_rejected'), min(at), max(at)
                FROM audit_entry WHERE jti = ?::uuid AND kind IN ('token_used', 'gateway_rejected')
                GROUP BY service, agency_id""", row -> {
                    Key key = new Key(row.getString(1), row.getString(2));
                    counts.put(key, new long[] {row.getLong(3), row.getLong(4)});
                    times.put(key, new Instant[] {row.getTimestamp(5).toInstant(), row.getTimestamp(6).toInstant()});
                }, jti);
        for (UseBatches.Fields use : uses.usesOf(jti)) {
            Key key = new Key(use.service(), use.agencyId());
            counts.computeIfAbsent(key, k -> new long[2])[0]++;
            Instant at = use.at();
            if (at != null) {
                Instant[] span = times.computeIfAbsent(key, k -> new Instant[] {at, at});
                span[0] = at.isBefore(span[0]) ? at : span[0];
                span[1] = at.isAfter(span[1]) ? at : span[1];
            }
        }
        List<ServiceUse> services = new ArrayList<>();
        counts.forEach((key, count) -> {
            Instant[] span = times.getOrDefault(key, new Instant[] {Instant.EPOCH, Instant.EPOCH});
            services.add(new ServiceUse(key.service(), key.agencyId(), count[0], count[1], span[0], span[1]));
        });
        services.sort(java.util.Comparator.comparing(ServiceUse::firstAt));
        return services;
    }

    /** The earliest revocation that refuses the token (the deny-lists' rules), expired rows included. */
    private Optional<RevokedBy> revokedBy(Issued token) {
        return revocations.firstRefusing(token.jti(), token.sid(), token.citizenId(), token.clientId(),
                token.issuedAt()).map(r -> new RevokedBy(r.kind().wireName(), r.value(), r.revokedAt(), r.actor(),
                r.reason()));
    }

    // ------------------------------------------------------------------ what is active

    /** A live session of a citizen's sign-in. */
    public record ActiveSession(String sid, String citizenId, String clientId, Instant createdAt,
            Instant lastActiveAt, Instant authTime) {
    }

    /** An access token not yet expired and not refused by any revocation. */
    public record ActiveToken(String jti, String sid, String citizenId, String clientId, Instant issuedAt,
            Instant expiresAt, String grantType, String acr) {
    }

    /** {@code truncated}: more than {@value #MAX_ACTIVE} sessions or tokens; the newest are listed. */
    public record Active(List<ActiveSession> sessions, List<ActiveToken> tokens, boolean truncated) {
    }

    /** The citizen's live sessions and live access tokens. */
    public Active activeForCitizen(String citizenId) {
        if (!AuditAppender.isUuid(citizenId)) {
            return new Active(List.of(), List.of(), false);
        }
        return active("citizen_id", citizenId, "citizen_id = ?::uuid");
    }

    /** The client's live citizen sessions and live access tokens (its own and its citizens'). */
    public Active activeForClient(String clientId) {
        return active("client_id", clientId, "client_id = ?");
    }

    /**
     * The index of the first entry at or after a time. Through the BRIN index on {@code at} (entries are appended
     * roughly in time order, so only the block ranges of the recent past are read): a plain {@code min(seq) WHERE at
     * >= ?} lets PostgreSQL walk the primary key from the log's first entry, checking {@code at} on every one until
     * the recent past. The {@code OFFSET 0} keeps the subquery from being folded into that walk.
     */
    public static final String FIRST_ENTRY_SINCE =
            "SELECT min(seq) FROM (SELECT seq FROM audit_entry WHERE at >= ? OFFSET 0) recent";

    private Active active(String column, String value, String entryFilter) {
        List<ActiveSession> sessions = jdbc.query("SELECT sid, citizen_id, client_id, created_at, last_active_at, "
                + "auth_time FROM citizen_session WHERE " + column + " = ?" + (column.equals("citizen_id")
                ? "::uuid" : "") + " AND ended_at IS NULL ORDER BY created_at DESC LIMIT ?", (row, n) ->
                new ActiveSession(row.getString(1), row.getString(2), row.getString(3),
                        row.getTimestamp(4).toInstant(), row.getTimestamp(5).toInstant(),
                        row.getTimestamp(6).toInstant()), value, MAX_ACTIVE + 1);
        Instant now = clock.instant();
        Instant cutoff = now.minus(longestAccessToken).minus(SKEW);
        Long firstRecent = jdbc.queryForObject(FIRST_ENTRY_SINCE, Long.class,
                Timestamp.from(cutoff));
        List<ActiveToken> tokens = new ArrayList<>();
        boolean truncated = sessions.size() > MAX_ACTIVE;
        if (firstRecent != null) {
            List<Issued> issued = jdbc.query("SELECT seq, body FROM audit_entry WHERE " + entryFilter
                    + " AND kind <> 'token_used' AND kind = 'token_issued' AND seq >= ? ORDER BY seq DESC LIMIT ?",
                    (row, n) -> issued(row.getLong(1), row.getString(2)), value, firstRecent, MAX_ACTIVE * 4);
            for (Issued token : issued) {
                if (token == null || !token.expiresAt().isAfter(now) || revocations.refuses(token.jti(),
                        token.sid(), token.citizenId(), token.clientId(), token.issuedAt())) {
                    continue;
                }
                if (tokens.size() == MAX_ACTIVE) {
                    truncated = true;
                    break;
                }
                tokens.add(new ActiveToken(token.jti(), token.sid(), token.citizenId(), token.clientId(),
                        token.issuedAt(), token.expiresAt(), token.grantType(), token.acr()));
            }
        }
        return new Active(sessions.size() > MAX_ACTIVE ? sessions.subList(0, MAX_ACTIVE) : sessions, tokens,
                truncated);
    }

    // ------------------------------------------------------------------ a citizen's own trail

    /**
     * One thing that happened to the citizen's identity, as they see it. {@code sessionLive} says whether the
     * session it belongs to can still be ended (DELETE /v1/identity/me/sessions/{sid}).
     */
    public record Activity(long index, Instant at, String kind, String service, String agencyId, String clientId,
            String sid, boolean sessionLive, String acr, String reason) {
    }

    /** The citizen's trail, newest first, {@code limit} at a time before the cursor index {@code before}. */
    public List<Activity> citizenActivity(String citizenId, Long before, int limit) {
        if (!AuditAppender.isUuid(citizenId)) {
            return List.of();
        }
        List<StoredEntry> entries = jdbc.query("SELECT seq, body, leaf_hash, chain_hash FROM audit_entry WHERE "
                + "citizen_id = ?::uuid AND kind <> 'token_used' AND kind = ANY(?) AND seq < ? ORDER BY seq DESC "
                + "LIMIT ?", (row, n) -> new StoredEntry(row.getLong(1), row.getString(2), row.getBytes(3),
                row.getBytes(4)), citizenId, CITIZEN_KINDS.toArray(String[]::new),
                before == null ? Long.MAX_VALUE : before, limit);
        Map<String, Boolean> live = new LinkedHashMap<>();
        List<Activity> trail = new ArrayList<>(entries.size());
        for (StoredEntry entry : entries) {
            if (entry.body() == null) {
                continue; // pruned by retention
            }
            JsonNode body = json.readTree(entry.body());
            String sid = text(body, "sid");
            JsonNode details = body.path("details");
            trail.add(new Activity(entry.index(), Instant.parse(body.path("at").asString()),
                    body.path("kind").asString(), firstOf(text(body, "service"), text(details, "service")),
                    firstOf(text(body, "agency_id"), text(details, "agency_id")), text(body, "client_id"), sid,
                    sid != null && live.computeIfAbsent(sid, this::sessionLive), text(details, "acr"),
                    firstOf(text(details, "reason"), text(details, "end_reason"))));
        }
        return trail;
    }

    private boolean sessionLive(String sid) {
        if (!AuditAppender.isUuid(sid)) {
            return false;
        }
        return Boolean.TRUE.equals(jdbc.query("SELECT ended_at IS NULL FROM citizen_session WHERE sid = ?::uuid",
                rs -> rs.next() && rs.getBoolean(1), sid));
    }

    // ------------------------------------------------------------------ parsing entries

    /** What a {@code token_issued} entry says of its token. */
    record Issued(long seq, String jti, Instant issuedAt, Instant expiresAt, String citizenId, String clientId,
            String sid, String grantType, String acr) {
    }

    private Issued issued(long seq, String body) {
        if (body == null) {
            return null; // pruned by retention: nothing left to say
        }
        JsonNode entry = json.readTree(body);
        JsonNode details = entry.path("details");
        String issued = text(details, "issued_at"); // the token's iat; the entry's own time is a moment later
        Instant issuedAt = Instant.parse(issued != null ? issued : entry.path("at").asString());
        String expires = text(details, "expires_at");
        Instant expiresAt = expires != null ? Instant.parse(expires) : issuedAt.plus(longestAccessToken);
        return new Issued(seq, text(entry, "jti"), issuedAt, expiresAt, text(entry, "citizen_id"),
                text(entry, "client_id"), text(entry, "sid"), text(details, "grant_type"), text(details, "acr"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String firstOf(String first, String second) {
        return first != null ? first : second;
    }
}
