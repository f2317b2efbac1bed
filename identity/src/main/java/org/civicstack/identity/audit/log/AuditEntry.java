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
     * The entry as the log stores and hashes it: a JSON object with its keys sorted, absent fields left out, {@code at}
     * in RFC 3339 UTC with microseconds, {@code details} (if any) with sorted keys. Written field by field with
     * Jackson's generator (its escaping), once, at append time; the stored text is what is verified later, never
     * re-serialised.
     */
    public String canonicalJson(tools.jackson.databind.json.JsonMapper json) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        writeCanonicalJson(json, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@link #canonicalJson} as UTF-8 bytes onto {@code out} (what the appender hashes and copies). */
    public void writeCanonicalJson(tools.jackson.databind.json.JsonMapper json, java.io.OutputStream out) {
        try (tools.jackson.core.JsonGenerator generator = json.createGenerator(out)) {
            write(generator);
        }
    }

    private void write(tools.jackson.core.JsonGenerator out) {
        out.writeStartObject();
        optional(out, "agency_id", agencyId);
        out.writeStringProperty("at", InstantText.of(at));
        optional(out, "citizen_id", citizenId);
        optional(out, "client_id", clientId);
        if (!details.isEmpty()) {
            out.writeName("details");
            out.writeStartObject();
            for (Map.Entry<String, Object> detail : details.entrySet()) { // a TreeMap: key order
                out.writeName(detail.getKey());
                Object value = detail.getValue();
                if (value instanceof Integer number) {
                    out.writeNumber(number);
                } else if (value instanceof Long number) {
                    out.writeNumber(number);
                } else if (value instanceof Number || value instanceof Boolean || value == null) {
                    out.writePOJO(value);
                } else {
                    out.writeString(value.toString());
                }
            }
            out.writeEndObject();
        }
        out.writeStringProperty("event_id", eventId.toString());
        optional(out, "jti", jti);
        out.writeStringProperty("kind", kind);
        optional(out, "service", service);
        optional(out, "sid", sid);
        out.writeStringProperty("source", source);
        out.writeEndObject();
    }

    private static void optional(tools.jackson.core.JsonGenerator out, String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.writeStringProperty(key, value);
        }
    }
}
