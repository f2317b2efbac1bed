package org.civicstack.identity.audit.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.audit.log.AuditEntry;
import org.civicstack.identity.audit.log.UseBatches;
import org.civicstack.platform.events.UsageStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns stream entries into audit entries. Two sources: identity's own token events (the outbox stream
 * {@code cs:identity:token-events}, one {@code token_event} shape) and the gateway's usage records
 * ({@code cs:gateway:usage}). A usage record with a {@code jti} is a {@code token_used}, one refused with 401/403 before
 * a token was verified is a {@code gateway_rejected}; the gateway writes only those to this stream (by the same rule,
 * its {@code Usage#concernsToken}) and anonymous requests' records to {@code cs:gateway:usage:anonymous}, so this reader
 * does not spend its time on records it would skip. Any other record that does arrive here (a gateway of an earlier
 * version) says nothing about a token and is still left out. Malformed entries yield empty (the caller counts and
 * skips them).
 */
public final class StreamEntries {

    static final String USAGE_STREAM = UsageStream.TOKEN_STREAM;
    static final String TOKEN_EVENT_STREAM = "cs:identity:token-events";

    private final JsonMapper json;

    StreamEntries(JsonMapper json) {
        this.json = json;
    }

    /** An outbox entry: fields {@code event_id}, {@code type}, {@code payload}. */
    Optional<AuditEntry> tokenEvent(Map<String, String> fields) {
        String payload = fields.get("payload");
        if (payload == null || !"token_event".equals(fields.get("type"))) {
            return Optional.empty();
        }
        try {
            JsonNode event = json.readTree(payload);
            Map<String, Object> details = new LinkedHashMap<>();
            JsonNode detailNode = event.path("details");
            for (Map.Entry<String, JsonNode> detail : detailNode.properties()) {
                details.put(detail.getKey(), detail.getValue().asString());
            }
            return Optional.of(new AuditEntry(UUID.fromString(event.required("event_id").asString()),
                    event.required("kind").asString(), Instant.parse(event.required("occurred_at").asString()),
                    "identity", text(event, "citizen_id"), text(event, "client_id"),
                    firstOf(text(event, "agency_id"), text(detailNode, "agency_id")), text(event, "sid"),
                    text(event, "jti"), firstOf(text(event, "service"), text(detailNode, "service")), details));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * The audit entries of a usage stream entry: a batch ({@link UsageStream}: fields {@code count} and
     * {@code records}), as the gateway writes them, or a single record with a field per value, as gateways before the
     * batch format did. Records that concern no token are left out.
     *
     * @throws IllegalArgumentException if the entry is in neither form (malformed)
     */
    List<AuditEntry> usageEntry(String entryId, Map<String, String> fields) {
        String records = fields.get(UsageStream.RECORDS);
        if (records == null) {
            return fields.containsKey("service") && fields.containsKey("status")
                    ? usage(entryId, -1, fields).map(List::of).orElse(List.of())
                    : malformed("neither a batch nor a record");
        }
        List<Map<String, String>> decoded = UsageStream.decode(records);
        if (!Integer.toString(decoded.size()).equals(fields.get(UsageStream.COUNT))) {
            return malformed("count " + fields.get(UsageStream.COUNT) + " for " + decoded.size() + " records");
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            Map<String, String> record = decoded.get(i);
            if (record.get("status") == null || record.get("ts") == null) {
                return malformed("record " + (i + 1) + " has no status or ts");
            }
            usage(entryId, i, record).ifPresent(entries::add);
        }
        return entries;
    }

    private static List<AuditEntry> malformed(String why) {
        throw new IllegalArgumentException("not a usage entry: " + why);
    }

    /**
     * A usage record (gateway {@code UsageRecorder}); its id is derived from the stream entry id, which is unique
     * for the stream's lifetime, and the record's place in the entry's batch ({@code -1}: an entry of one record in
     * the former layout), so a redelivered record has the same id. Empty when it concerns no token, or is malformed.
     */
    Optional<AuditEntry> usage(String recordId, int index, Map<String, String> fields) {
        try {
            int status = Integer.parseInt(fields.getOrDefault("status", ""));
            String jti = emptyToNull(fields.get("jti"));
            String refusal = emptyToNull(fields.get("refusal"));
            String kind;
            if (refusal != null && (jti != null || status == 401 || status == 403)) {
                kind = "gateway_rejected"; // refused by the gateway itself: no token, a bad one, or a verified one
            } else if (jti != null) {
                kind = "token_used"; // it went to the agency (whatever the agency answered)
            } else {
                return Optional.empty(); // an anonymous service: no token involved
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", status);
            putNumber(details, "latency_us", fields.get("latency_us"));
            putText(details, "method", fields.get("method"));
            putText(details, "request_id", fields.get("request_id"));
            putText(details, "caller", fields.get("caller"));
            putText(details, "reason", refusal);
            UUID id = index < 0 ? usageEventId(recordId) : usageEventId(recordId, index);
            return Optional.of(new AuditEntry(id, kind, Instant.ofEpochMilli(Long.parseLong(fields.get("ts"))),
                    "gateway", emptyToNull(fields.get("sub")), emptyToNull(fields.get("client_id")),
                    emptyToNull(fields.get("agency")), emptyToNull(fields.get("sid")), jti,
                    emptyToNull(fields.get("service")), details));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * A usage record's event id, derived from its stream entry id {@code <ms>-<seq>} (unique for the stream's
     * lifetime), so a redelivered record has the same id: the milliseconds in the first 48 bits, version 8, then
     * the sequence number. Time-ordered, so the log's unique event-id index grows at its right edge.
     */
    public static UUID usageEventId(String recordId) {
        int dash = recordId.indexOf('-');
        long millis = Long.parseLong(dash < 0 ? recordId : recordId.substring(0, dash));
        long seq = dash < 0 ? 0 : Long.parseLong(recordId.substring(dash + 1));
        if (millis < 0 || millis >= 1L << 48 || seq < 0 || seq >= 1L << 62) {
            throw new IllegalArgumentException("not a stream entry id: " + recordId);
        }
        return new UUID(millis << 16 | 0x8000L | USAGE_STREAM_TAG, Long.MIN_VALUE | seq);
    }

    /**
     * The event id of the {@code index}th record (from 0) of a batch entry {@code <ms>-<seq>}: the milliseconds in the
     * first 48 bits, version 8, a tag of its own, then the sequence number and the index (16 bits). Time-ordered too.
     */
    public static UUID usageEventId(String entryId, int index) {
        int dash = entryId.indexOf('-');
        long millis = Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        long seq = dash < 0 ? 0 : Long.parseLong(entryId.substring(dash + 1));
        if (millis < 0 || millis >= 1L << 48 || seq < 0 || seq >= 1L << 46 || index < 0
                || index >= UsageStream.MAX_RECORDS_PER_ENTRY) {
            throw new IllegalArgumentException("not a stream entry id and record index: " + entryId + " " + index);
        }
        return new UUID(millis << 16 | 0x8000L | UseBatches.GATEWAY_BATCH_TAG, Long.MIN_VALUE | seq << 16 | index);
    }

    /** The 12 bits after the version in a usage record's id: which stream it came from. */
    private static final long USAGE_STREAM_TAG = 0x001;
    // a record of a batch entry has UseBatches.GATEWAY_BATCH_TAG (so its ids never meet those of the former layout)

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String firstOf(String first, String second) {
        return first != null ? first : second;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void putText(Map<String, Object> details, String key, String value) {
        if (value != null && !value.isEmpty()) {
            details.put(key, value);
        }
    }

    private static void putNumber(Map<String, Object> details, String key, String value) {
        if (value != null && !value.isEmpty()) {
            details.put(key, Long.parseLong(value));
        }
    }
}
