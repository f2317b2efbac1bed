package org.civicstack.identity.assurance.verification;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The {@code verification_attempt} table; every method runs in the caller's transaction. */
public class VerificationAttempts {

    /** Outcomes that do not count towards the daily limit: not the citizen's doing, or refused before any call. */
    static final List<String> NOT_COUNTED = List.of(AttemptOutcome.UNAVAILABLE.dbValue(),
            AttemptOutcome.INVALID_INPUT.dbValue());

    private static final RowMapper<VerificationAttempt> ROW = (row, n) -> new VerificationAttempt(
            row.getObject("id", UUID.class),
            new CitizenId(row.getObject("citizen_id", UUID.class)),
            AttemptKind.valueOf(row.getString("kind").toUpperCase(java.util.Locale.ROOT)),
            AttemptOutcome.ofDbValue(row.getString("outcome")),
            row.getString("reason"),
            row.getString("provider_reference"),
            instant(row.getTimestamp("expires_at")),
            instant(row.getTimestamp("created_at")));

    private final JdbcTemplate jdbc;

    public VerificationAttempts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises a citizen's attempts: the row lock is held until the caller's transaction ends. */
    public void lockCitizen(CitizenId citizen) {
        jdbc.query("SELECT id FROM citizen WHERE id = ? FOR UPDATE", (row, n) -> row.getObject(1), citizen.value());
    }

    public UUID insert(CitizenId citizen, AttemptKind kind, AttemptOutcome outcome, String reason) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO verification_attempt (id, citizen_id, kind, outcome, reason, completed_at) "
                        + "VALUES (?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)",
                id, citizen.value(), kind.dbValue(), outcome.dbValue(), reason,
                outcome != AttemptOutcome.PENDING && outcome != AttemptOutcome.STARTED);
        return id;
    }

    /** Attempts of this kind in the window that count towards the limit (including ones still pending). */
    public int countedSince(CitizenId citizen, AttemptKind kind, Duration window) {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM verification_attempt WHERE citizen_id = ? AND kind = ? "
                        + "AND created_at > now() - make_interval(secs => ?) AND outcome <> ALL (?)",
                Integer.class, citizen.value(), kind.dbValue(), (double) window.toSeconds(),
                NOT_COUNTED.toArray(String[]::new));
        return count == null ? 0 : count;
    }

    /** When the oldest counted attempt in the window leaves it: the earliest moment another one is allowed. */
    public Optional<Instant> oldestCountedSince(CitizenId citizen, AttemptKind kind, Duration window) {
        return jdbc.query("SELECT min(created_at) FROM verification_attempt WHERE citizen_id = ? AND kind = ? "
                        + "AND created_at > now() - make_interval(secs => ?) AND outcome <> ALL (?)",
                (row, n) -> instant(row.getTimestamp(1)), citizen.value(), kind.dbValue(), (double) window.toSeconds(),
                NOT_COUNTED.toArray(String[]::new)).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** Whether an attempt of this kind is being answered by the provider right now (claimed less than {@code within} ago). */
    public boolean pendingWithin(CitizenId citizen, AttemptKind kind, Duration within) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM verification_attempt "
                        + "WHERE citizen_id = ? AND kind = ? AND outcome = 'pending' "
                        + "AND created_at > now() - make_interval(secs => ?))",
                Boolean.class, citizen.value(), kind.dbValue(), (double) within.toSeconds()));
    }

    public Optional<VerificationAttempt> find(UUID id) {
        return jdbc.query("SELECT * FROM verification_attempt WHERE id = ?", ROW, id).stream().findFirst();
    }

    /** Locks the attempt row until the caller's transaction ends. */
    public Optional<VerificationAttempt> findForUpdate(UUID id) {
        return jdbc.query("SELECT * FROM verification_attempt WHERE id = ? FOR UPDATE", ROW, id).stream().findFirst();
    }

    /** Ends an attempt. */
    public void complete(UUID id, AttemptOutcome outcome, String reason, String providerReference, Integer levelReached) {
        jdbc.update("UPDATE verification_attempt SET outcome = ?, reason = ?, "
                        + "provider_reference = coalesce(?, provider_reference), level_reached = ?, completed_at = now() "
                        + "WHERE id = ?",
                outcome.dbValue(), reason, providerReference, levelReached, id);
    }

    /** A face attempt whose provider session is open. */
    public void started(UUID id, String providerReference, Instant expiresAt) {
        jdbc.update("UPDATE verification_attempt SET outcome = 'started', provider_reference = ?, expires_at = ? "
                + "WHERE id = ?", providerReference, Timestamp.from(expiresAt), id);
    }

    /** Notes why an open face attempt could not be checked this time; it stays open. */
    public void noteReason(UUID id, String reason) {
        jdbc.update("UPDATE verification_attempt SET reason = ? WHERE id = ?", reason, id);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
