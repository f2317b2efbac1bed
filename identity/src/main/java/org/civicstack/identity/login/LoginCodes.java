package org.civicstack.identity.login;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.citizen.MobileNumber;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sent codes in PostgreSQL ({@code login_code}, V10). {@link #check} must run inside a transaction: it locks the
 * row, so one code is consumed at most once and wrong tries are counted exactly, whatever arrives concurrently.
 */
class LoginCodes {

    /** What presenting a code found. */
    sealed interface Check {
        /** The right code, now consumed. */
        record Accepted(MobileNumber mobile) implements Check {
        }

        /** A wrong code; {@code attemptsLeft} is 0 when this try killed it. */
        record Wrong(MobileNumber mobile, int attemptsLeft) implements Check {
        }

        /** The code can no longer be used: {@code reason} is expired, used, too_many_attempts, superseded, unknown. */
        record Dead(Optional<MobileNumber> mobile, String reason) implements Check {
        }
    }

    private final JdbcTemplate jdbc;
    private final LoginCodeHasher hasher;
    private final Clock clock;

    LoginCodes(JdbcTemplate jdbc, LoginCodeHasher hasher, Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Stores a new code for the number, superseding the number's live ones; call in a transaction. */
    LoginChallengeId issue(MobileNumber mobile, OneTimeCode code, Instant expiresAt) {
        LoginChallengeId id = LoginChallengeId.random();
        // housekeeping: codes long past their expiry are of no use to anyone (the events keep the history)
        jdbc.update("DELETE FROM login_code WHERE expires_at < now() - interval '1 day'");
        jdbc.update("UPDATE login_code SET killed_at = now(), kill_reason = 'superseded' "
                + "WHERE mobile_e164 = ? AND consumed_at IS NULL AND killed_at IS NULL", mobile.e164());
        jdbc.update("INSERT INTO login_code (id, mobile_e164, code_hash, expires_at) VALUES (?, ?, ?, ?)",
                id.value(), mobile.e164(), hasher.hash(id, code), Timestamp.from(expiresAt));
        return id;
    }

    /** The SMS could not be sent: the code is dead before anyone could know it. */
    void notDelivered(LoginChallengeId id) {
        jdbc.update("UPDATE login_code SET killed_at = now(), kill_reason = 'not_delivered' "
                + "WHERE id = ? AND killed_at IS NULL AND consumed_at IS NULL", id.value());
    }

    /** Checks {@code code} against the challenge under a row lock; counts a wrong try. Call in a transaction. */
    Check check(LoginChallengeId id, OneTimeCode code, int maxAttempts) {
        List<Row> rows = jdbc.query("SELECT mobile_e164, code_hash, failed_attempts, expires_at, consumed_at, "
                + "kill_reason FROM login_code WHERE id = ? FOR UPDATE", (row, n) -> new Row(
                        new MobileNumber(row.getString(1)), row.getBytes(2), row.getInt(3),
                        row.getTimestamp(4).toInstant(), row.getTimestamp(5) != null, row.getString(6)),
                id.value());
        if (rows.isEmpty()) {
            return new Check.Dead(Optional.empty(), "unknown");
        }
        Row row = rows.get(0);
        if (row.consumed()) {
            return new Check.Dead(Optional.of(row.mobile()), "used");
        }
        if (row.killReason() != null) {
            return new Check.Dead(Optional.of(row.mobile()), row.killReason());
        }
        if (!clock.instant().isBefore(row.expiresAt())) {
            return new Check.Dead(Optional.of(row.mobile()), "expired");
        }
        if (hasher.matches(id, code, row.hash())) {
            jdbc.update("UPDATE login_code SET consumed_at = now() WHERE id = ?", id.value());
            return new Check.Accepted(row.mobile());
        }
        int failed = row.failedAttempts() + 1;
        if (failed >= maxAttempts) {
            jdbc.update("UPDATE login_code SET failed_attempts = ?, killed_at = now(), kill_reason = 'too_many_attempts' "
                    + "WHERE id = ?", failed, id.value());
            return new Check.Wrong(row.mobile(), 0);
        }
        jdbc.update("UPDATE login_code SET failed_attempts = ? WHERE id = ?", failed, id.value());
        return new Check.Wrong(row.mobile(), maxAttempts - failed);
    }

    private record Row(MobileNumber mobile, byte[] hash, int failedAttempts, Instant expiresAt, boolean consumed,
            String killReason) {
    }
}
