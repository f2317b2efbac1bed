package org.civicstack.identity.clients.assertion;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code jti} of every accepted client assertion, in {@code client_assertion_jti} until the assertion expires.
 * {@link #firstUse} inserts with {@code ON CONFLICT DO NOTHING}: of two concurrent uses of one assertion exactly one
 * inserts the row, the other is a replay. Expired rows are purged from the insert path at most once a minute.
 */
public class ClientAssertionJtis {

    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration clockSkew;
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.EPOCH);

    public ClientAssertionJtis(JdbcTemplate jdbc, Clock clock, Duration clockSkew) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** Records the assertion; false when this client already used this {@code jti} (a replay). */
    public boolean firstUse(String clientId, String jti, Instant expiresAt) {
        purgeIfDue();
        return jdbc.update("INSERT INTO client_assertion_jti (client_id, jti, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (client_id, jti) DO NOTHING", clientId, jti, Timestamp.from(expiresAt)) == 1;
    }

    /**
     * Deletes rows whose assertion can no longer be accepted (expired longer ago than the clock skew allows).
     *
     * @return how many rows were deleted
     */
    public int purgeExpired() {
        lastPurge.set(clock.instant());
        return jdbc.update("DELETE FROM client_assertion_jti WHERE expires_at < ?",
                Timestamp.from(clock.instant().minus(clockSkew)));
    }

    private void purgeIfDue() {
        Instant last = lastPurge.get();
        Instant now = clock.instant();
        if (now.isAfter(last.plus(PURGE_EVERY)) && lastPurge.compareAndSet(last, now)) {
            purgeExpired();
        }
    }
}
