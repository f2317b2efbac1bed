package org.civicstack.identity.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.identity.jdbc.TransactionMemo;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes each event as an {@code outbox_event} row (platform migration {@code db/platform/V1__outbox.sql}) through
 * the caller's JDBC connection, so it commits or rolls back with the caller's transaction; within a transaction the
 * events are written together just before it commits, as one statement.
 */
@Component
class OutboxTokenEvents implements TokenEvents {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    OutboxTokenEvents(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void record(TokenEvent event) {
        Pending pending = TransactionMemo.synchronization(Pending.class, Pending::new);
        if (pending == null) {
            insert(List.of(event));
        } else {
            pending.events.add(event);
        }
    }

    /** One statement for all of them (a refresh records two events: the token issued and the refresh). */
    private void insert(List<TokenEvent> events) {
        StringBuilder sql = new StringBuilder("INSERT INTO outbox_event (event_id, stream, event_type, payload) VALUES ");
        Object[] arguments = new Object[events.size() * 4];
        for (int i = 0; i < events.size(); i++) {
            TokenEvent event = events.get(i);
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?::jsonb)");
            arguments[4 * i] = event.eventId();
            arguments[4 * i + 1] = STREAM;
            arguments[4 * i + 2] = EVENT_TYPE;
            arguments[4 * i + 3] = json.writeValueAsString(payload(event));
        }
        jdbc.update(sql.toString(), arguments);
    }

    /**
     * The events of the current transaction, written just before it commits: they commit or roll back with it, as
     * if each had been inserted when recorded (nothing in a transaction reads its own outbox rows).
     */
    private final class Pending implements TransactionSynchronization {
        final List<TokenEvent> events = new ArrayList<>(2);

        @Override
        public void beforeCommit(boolean readOnly) {
            if (!events.isEmpty()) {
                insert(events);
                events.clear();
            }
        }
    }

    static Map<String, Object> payload(TokenEvent event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event_id", event.eventId().toString());
        payload.put("kind", event.type().wireName());
        payload.put("occurred_at", event.occurredAt().toString());
        putIfPresent(payload, "citizen_id", event.citizenId());
        putIfPresent(payload, "client_id", event.clientId());
        putIfPresent(payload, "sid", event.sessionId());
        putIfPresent(payload, "jti", event.jti());
        if (!event.details().isEmpty()) {
            payload.put("details", event.details());
        }
        return payload;
    }

    private static void putIfPresent(Map<String, Object> payload, String key, String value) {
        if (value != null) {
            payload.put(key, value);
        }
    }
}
