package org.civicstack.identity.session;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Citizen login sessions in PostgreSQL ({@code citizen_session}). */
@Repository
public class CitizenSessions {

    private static final String COLUMNS =
            "sid, citizen_id, client_id, amr, auth_time, created_at, last_active_at, user_agent, ended_at, end_reason";

    private final JdbcTemplate jdbc;

    public CitizenSessions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a completed login; returns its new {@code sid}. */
    public CitizenSession start(CitizenId citizen, String clientId, List<String> amr, Instant authTime, String userAgent) {
        UUID sid = UUID.randomUUID();
        String agent = userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), 300));
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("INSERT INTO citizen_session "
                    + "(sid, citizen_id, client_id, amr, auth_time, user_agent) VALUES (?, ?, ?, ?, ?, ?)");
            statement.setObject(1, sid);
            statement.setObject(2, citizen.value());
            statement.setString(3, clientId);
            statement.setArray(4, connection.createArrayOf("text", amr.toArray()));
            statement.setTimestamp(5, Timestamp.from(authTime));
            statement.setString(6, agent);
            return statement;
        });
        return find(sid).orElseThrow();
    }

    public Optional<CitizenSession> find(UUID sid) {
        return jdbc.query("SELECT " + COLUMNS + " FROM citizen_session WHERE sid = ?", CitizenSessions::row, sid)
                .stream().findFirst();
    }

    /** As {@link #find}, locking the row until the caller's transaction ends. */
    Optional<CitizenSession> findForUpdate(UUID sid) {
        return jdbc.query("SELECT " + COLUMNS + " FROM citizen_session WHERE sid = ? FOR UPDATE", CitizenSessions::row,
                sid).stream().findFirst();
    }

    /** The citizen's live sessions, newest first. */
    public List<CitizenSession> live(CitizenId citizen) {
        return jdbc.query("SELECT " + COLUMNS + " FROM citizen_session WHERE citizen_id = ? AND ended_at IS NULL "
                + "ORDER BY created_at DESC, sid", CitizenSessions::row, citizen.value());
    }

    /** Sets the client once the login is used by one (the first authorization code of the session). */
    public void bindClient(UUID sid, String clientId) {
        jdbc.update("UPDATE citizen_session SET client_id = ? WHERE sid = ? AND client_id IS NULL", clientId, sid);
    }

    /**
     * As {@link #findForUpdate} (the row is locked until the caller's transaction ends), recording the session as
     * active now if it is live and was created at or after {@code createdSince} (younger than its absolute
     * lifetime): a refresh's lock and its activity in one statement. Rolled back with the transaction if the
     * refresh fails; an ended or too-old session keeps its last activity.
     */
    Optional<CitizenSession> touchForUpdate(UUID sid, Instant createdSince) {
        return jdbc.query("UPDATE citizen_session SET last_active_at = CASE WHEN ended_at IS NULL AND created_at >= ? "
                + "THEN now() ELSE last_active_at END WHERE sid = ? RETURNING " + COLUMNS, CitizenSessions::row,
                Timestamp.from(createdSince), sid).stream().findFirst();
    }

    /** Ends a live session; returns false when it was unknown or had ended already (so the end is recorded once). */
    public boolean end(UUID sid, String reason) {
        return jdbc.update("UPDATE citizen_session SET ended_at = now(), end_reason = ? WHERE sid = ? AND ended_at IS NULL",
                reason, sid) == 1;
    }

    private static CitizenSession row(ResultSet row, int n) throws SQLException {
        Array amr = row.getArray("amr");
        return new CitizenSession(row.getObject("sid", UUID.class), new CitizenId(row.getObject("citizen_id", UUID.class)),
                row.getString("client_id"), Arrays.asList((String[]) amr.getArray()), instant(row, "auth_time"),
                instant(row, "created_at"), instant(row, "last_active_at"), row.getString("user_agent"),
                instant(row, "ended_at"), row.getString("end_reason"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
