package org.civicstack.platform.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the reactive ({@link OutboxRelay}) and the JDBC ({@link JdbcOutboxRelay}) relays share: the advisory lock,
 * the statements on {@code outbox_event} and the stream entry's fields. Statements take the driver's parameter
 * marker ({@code :name} for R2DBC, {@code ?} for JDBC) so both run the same SQL.
 */
final class OutboxSql {

    /** The transaction-scoped advisory lock: one relay of a database publishes at a time, so stream order = id order. */
    static final long LOCK_KEY = 7002;
    static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ") AS locked";

    private OutboxSql() {
    }

    /** Unpublished events in id (commit) order, at most {@code batch}. */
    static String selectBatch(String batch) {
        return "SELECT id, event_id::text AS event_id, stream, event_type, payload::text AS payload "
                + "FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT " + batch;
    }

    static String markPublished(String ids) {
        return "UPDATE outbox_event SET published_at = now() WHERE id = ANY(" + ids + ")";
    }

    static String purge(String seconds) {
        return "DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => " + seconds + ")";
    }

    /** The fields of the stream entry of one event: {@code event_id}, {@code type}, {@code payload}. */
    static Map<String, String> fields(String eventId, String type, String payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event_id", eventId);
        fields.put("type", type);
        fields.put("payload", payload);
        return fields;
    }

    /** One row of {@code outbox_event} to publish. */
    record OutboxEvent(long id, String eventId, String stream, String type, String payload) {
    }
}
