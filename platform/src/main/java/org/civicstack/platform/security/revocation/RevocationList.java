package org.civicstack.platform.security.revocation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A deny-list of access tokens, fed by identity's revocations ({@link RevocationFeed}; docs/revocation.md): a
 * {@code jti}, a session ({@code sid}) — every token of it —, or a citizen ({@code sub}) or client ({@code client_id})
 * — every token issued at or before the revocation. Entries are dropped once every token they can affect has expired.
 * The gateway checks it for citizen requests, every reactive resource server for its protected APIs
 * ({@link RevocationTokenValidator}).
 * <p>
 * While the feed is not current (starting, Redis unreachable), tokens issued less than {@code unverifiedMaxAge} ago
 * keep working and older ones are refused: the app then refreshes at identity, which knows every revocation, and
 * gets a young token. {@link #refusal} is a few map lookups on the hot path and allocates nothing.
 */
public final class RevocationList {

    /** Why a token is refused, or {@code null}. */
    public enum Refusal {
        TOKEN, SESSION, CITIZEN, CLIENT, UNVERIFIED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** revoked_at and expires_at in epoch millis. */
    record Entry(long revokedAtMillis, long expiresAtMillis) {
    }

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<String, Entry> citizens = new ConcurrentHashMap<>();
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final long unverifiedMaxAgeMillis;
    private volatile boolean current;
    private volatile boolean empty = true;

    public RevocationList(LongSupplier clockMillis, long unverifiedMaxAgeMillis) {
        this.clockMillis = clockMillis;
        this.unverifiedMaxAgeMillis = unverifiedMaxAgeMillis;
    }

    /**
     * A list no feed follows: always current and empty, so it refuses nothing. For a service that has revocation
     * checks switched off ({@code civicstack.security.revocation.enabled=false}) and for tests of other concerns.
     */
    public static RevocationList unchecked() {
        RevocationList list = new RevocationList(System::currentTimeMillis, Long.MAX_VALUE);
        list.setCurrent(true);
        return list;
    }

    /** Applies one revocation ({@code kind} = token, session, citizen or client); false for an unknown kind. */
    public boolean apply(String kind, String value, long revokedAtMillis, long expiresAtMillis) {
        Map<String, Entry> map = switch (kind) {
            case "token" -> tokens;
            case "session" -> sessions;
            case "citizen" -> citizens;
            case "client" -> clients;
            default -> null;
        };
        if (map == null || value == null || value.isEmpty()) {
            return false;
        }
        map.merge(value, new Entry(revokedAtMillis, expiresAtMillis), (old, added) -> new Entry(
                Math.max(old.revokedAtMillis(), added.revokedAtMillis()),
                Math.max(old.expiresAtMillis(), added.expiresAtMillis())));
        empty = false;
        return true;
    }

    /**
     * Why a verified token must be refused, or {@code null} when it may pass. Any of the identifiers may be
     * {@code null} (a client token has no {@code sid}); {@code issuedAtMillis} is {@code iat} in epoch millis.
     *
     * @param jti the token's {@code jti}
     * @param sid the login session ({@code sid})
     * @param subject the citizen or client ({@code sub})
     * @param clientId the client the token was issued to (identity's {@code client_id} claim)
     * @param issuedAtMillis {@code iat}, which citizen and client revocations and the unverified bound compare with
     */
    public Refusal refusal(String jti, String sid, String subject, String clientId, long issuedAtMillis) {
        if (!current && clockMillis.getAsLong() - issuedAtMillis > unverifiedMaxAgeMillis) {
            return Refusal.UNVERIFIED;
        }
        if (empty) {
            return null;
        }
        if (jti != null && tokens.containsKey(jti)) {
            return Refusal.TOKEN;
        }
        if (sid != null && sessions.containsKey(sid)) {
            return Refusal.SESSION;
        }
        if (subject != null && issuedNoLaterThan(citizens.get(subject), issuedAtMillis)) {
            return Refusal.CITIZEN;
        }
        if (clientId != null && issuedNoLaterThan(clients.get(clientId), issuedAtMillis)) {
            return Refusal.CLIENT;
        }
        return null;
    }

    /** {@code iat} has whole seconds: a token of the revocation's second is refused too. */
    private static boolean issuedNoLaterThan(Entry entry, long issuedAtMillis) {
        return entry != null && issuedAtMillis <= entry.revokedAtMillis();
    }

    /** Drops entries whose tokens have all expired. */
    public void purgeExpired() {
        long now = clockMillis.getAsLong();
        for (Map<String, Entry> map : List.of(tokens, sessions, citizens, clients)) {
            map.values().removeIf(entry -> entry.expiresAtMillis() <= now);
        }
        empty = tokens.isEmpty() && sessions.isEmpty() && citizens.isEmpty() && clients.isEmpty();
    }

    public int size() {
        return tokens.size() + sessions.size() + citizens.size() + clients.size();
    }

    /** Whether the feed has caught up and is reading: set by {@link RevocationFeed}. */
    public boolean current() {
        return current;
    }

    void setCurrent(boolean current) {
        this.current = current;
    }
}
