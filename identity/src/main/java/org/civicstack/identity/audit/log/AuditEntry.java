package org.civicstack.identity.audit.log;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One entry of the token audit log before it is appended: what happened, to which token, where. <strong>No
 * secrets</strong>: ids, {@code jti}s, statuses and outcomes only (never token strings, codes, resident ID numbers or
 * mobile numbers; docs/audit-log.md lists every field). Every field but the first three may be null.
 *
 * @param eventId the event's id; the log stores each id once (delivery is at least once)
 * @param kind what happened ({@code token_issued}, {@code token_used}, {@code gateway_rejected}, …)
 * @param at when it happened
 * @param source who reported it: {@code identity} or {@code gateway}
 * @param details further facts: strings and numbers only
 */
public record AuditEntry(UUID eventId, String kind, Instant at, String source, String citizenId, String clientId,
        String agencyId, String sid, String jti, String service, Map<String, Object> details) {

    public AuditEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        at = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }

    /**
     * The entry as the log stores and hashes it: keys sorted, absent fields left out, {@code at} in RFC 3339 UTC with
     * microseconds. Built once, at append time; the stored text is what is verified later, never re-serialised.
     */
    public Map<String, Object> canonicalFields() {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("at", at.toString());
        fields.put("event_id", eventId.toString());
        fields.put("kind", kind);
        fields.put("source", source);
        put(fields, "citizen_id", citizenId);
        put(fields, "client_id", clientId);
        put(fields, "agency_id", agencyId);
        put(fields, "sid", sid);
        put(fields, "jti", jti);
        put(fields, "service", service);
        if (!details.isEmpty()) {
            fields.put("details", details);
        }
        return fields;
    }

    private static void put(Map<String, Object> fields, String key, String value) {
        if (value != null && !value.isEmpty()) {
            fields.put(key, value);
        }
    }
}
