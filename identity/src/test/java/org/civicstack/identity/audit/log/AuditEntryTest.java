package org.civicstack.identity.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The log's JSON writer produces exactly the text of serialising the entry's fields as a sorted map. */
class AuditEntryTest {

    private final JsonMapper json = JsonMapper.builder().build();

    /** The canonical form spelled out: the entry's fields in a sorted map, absent ones left out. */
    private static Map<String, Object> sortedFields(AuditEntry entry) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("at", entry.at().toString());
        fields.put("event_id", entry.eventId().toString());
        fields.put("kind", entry.kind());
        fields.put("source", entry.source());
        String[][] optional = {{"citizen_id", entry.citizenId()}, {"client_id", entry.clientId()},
                {"agency_id", entry.agencyId()}, {"sid", entry.sid()}, {"jti", entry.jti()},
                {"service", entry.service()}};
        for (String[] field : optional) {
            if (field[1] != null && !field[1].isEmpty()) {
                fields.put(field[0], field[1]);
            }
        }
        if (!entry.details().isEmpty()) {
            fields.put("details", entry.details());
        }
        return fields;
    }

    @Test
    void theStreamedCanonicalTextEqualsTheSerialisedCanonicalFields() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", 200);
        details.put("latency_us", 812L);
        details.put("reason", "quote \" backslash \\ tab \t newline \n 中文 emoji \uD83D\uDE00 nul \u0000");
        details.put("actor", "client:ops");
        AuditEntry[] entries = {
                new AuditEntry(UUID.randomUUID(), "token_used", Instant.parse("2026-12-03T05:43:11.123456789Z"),
                        "gateway", UUID.randomUUID().toString(), "citizen-app", "agy_1", UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "hospital-booking", details),
                new AuditEntry(UUID.randomUUID(), "client_changed", Instant.parse("2026-12-03T05:43:11Z"), "identity",
                        null, "agency-\"x\"", "", null, null, null, Map.of()),
                new AuditEntry(UUID.randomUUID(), "otp_sent", Instant.EPOCH, "identity", null, null, null, null, null,
                        null, null)};
        for (AuditEntry entry : entries) {
            assertThat(entry.canonicalJson(json)).isEqualTo(json.writeValueAsString(sortedFields(entry)));
            // the bytes the appender hashes and stores are that text in UTF-8
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            entry.writeCanonicalJson(json, bytes);
            assertThat(bytes.toByteArray()).isEqualTo(json.writeValueAsString(sortedFields(entry))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(entries[0].canonicalJson(json)).startsWith("{\"agency_id\":\"agy_1\",\"at\":\"2026-12-03T05:43:11.123456Z\"")
                .contains("\"details\":{\"actor\":\"client:ops\",\"latency_us\":812,\"reason\":");
    }
}
