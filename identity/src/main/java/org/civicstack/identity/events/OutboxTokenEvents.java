package org.civicstack.identity.events;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes each event as an {@code outbox_event} row (platform migration {@code db/platform/V1__outbox.sql}) through
 * the caller's JDBC connection, so it commits or rolls back with the caller's transaction.
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
        jdbc.update("INSERT INTO outbox_event (event_id, stream, event_type, payload) VALUES (?, ?, ?, ?::jsonb)",
                event.eventId(), STREAM, EVENT_TYPE, json.writeValueAsString(payload(event)));
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
