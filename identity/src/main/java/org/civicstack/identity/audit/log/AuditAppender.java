package org.civicstack.identity.audit.log;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends entries to the log, effectively once: in one transaction it locks the log's head (one appender at a time,
 * across identity instances), drops entries whose event id is already stored (at-least-once delivery) or repeated
 * in the batch, gives the rest the next indexes, computes each one's leaf hash (RFC 9162) and chain hash, and writes
 * them with one {@code COPY}. A batch is appended whole or not at all.
 */
public final class AuditAppender {

    private static final String COPY = "COPY audit_entry (seq, event_id, at, kind, citizen_id, client_id, agency_id, "
            + "sid, jti, service, body, leaf_hash, chain_hash) FROM STDIN (FORMAT text)";
    private static final HexFormat HEX = HexFormat.of();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final JsonMapper json;

    public AuditAppender(JdbcTemplate jdbc, TransactionTemplate transaction, JsonMapper json) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.json = json;
    }

    /** Appends what is new in {@code entries}; returns how many were appended (the others were already stored). */
    public int append(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        Integer appended = transaction.execute(status -> appendLocked(entries));
        return appended == null ? 0 : appended;
    }

    private int appendLocked(List<AuditEntry> entries) {
        Head head = lockHead();
        Map<UUID, AuditEntry> unique = new LinkedHashMap<>();
        for (AuditEntry entry : entries) {
            unique.putIfAbsent(entry.eventId(), entry);
        }
        unique.keySet().removeAll(stored(unique.keySet()));
        if (unique.isEmpty()) {
            return 0;
        }
        StringBuilder rows = new StringBuilder(unique.size() * 600);
        long seq = head.size();
        byte[] chain = head.chainHash();
        for (AuditEntry entry : unique.values()) {
            String body = json.writeValueAsString(entry.canonicalFields());
            byte[] leaf = MerkleHash.leaf(body.getBytes(StandardCharsets.UTF_8));
            chain = HashChain.next(chain, leaf);
            row(rows, seq++, entry, body, leaf, chain);
        }
        copy(rows.toString());
        jdbc.update("UPDATE audit_head SET size = ?, chain_hash = ?", seq, chain);
        return unique.size();
    }

    /** Where the log ends, locked until the transaction ends (created on first use, e.g. after a test reset). */
    private Head lockHead() {
        List<Head> heads = jdbc.query("SELECT size, chain_hash FROM audit_head FOR UPDATE",
                (row, n) -> new Head(row.getLong(1), row.getBytes(2)));
        if (!heads.isEmpty()) {
            return heads.get(0);
        }
        jdbc.update("INSERT INTO audit_head (id, size, chain_hash) VALUES (true, 0, ?) ON CONFLICT DO NOTHING",
                (Object) HashChain.GENESIS);
        return jdbc.query("SELECT size, chain_hash FROM audit_head FOR UPDATE",
                (row, n) -> new Head(row.getLong(1), row.getBytes(2))).get(0);
    }

    private Set<UUID> stored(Set<UUID> ids) {
        return jdbc.execute((ConnectionCallback<Set<UUID>>) connection -> {
            Array array = connection.createArrayOf("uuid", ids.toArray());
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT event_id FROM audit_entry WHERE event_id = ANY(?)")) {
                select.setArray(1, array);
                Set<UUID> found = new HashSet<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getObject(1, UUID.class));
                    }
                }
                return found;
            } finally {
                array.free();
            }
        });
    }

    private void copy(String rows) {
        jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new StringReader(rows));
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("COPY into audit_entry failed", e);
            }
        });
    }

    private static void row(StringBuilder rows, long seq, AuditEntry entry, String body, byte[] leaf, byte[] chain) {
        rows.append(seq).append('\t').append(entry.eventId()).append('\t').append(entry.at()).append('\t');
        text(rows, entry.kind());
        for (String value : List.of(nullToEmpty(entry.citizenId()), nullToEmpty(entry.clientId()),
                nullToEmpty(entry.agencyId()), nullToEmpty(entry.sid()), nullToEmpty(entry.jti()),
                nullToEmpty(entry.service()))) {
            rows.append('\t');
            if (value.isEmpty()) {
                rows.append("\\N");
            } else {
                text(rows, value);
            }
        }
        rows.append('\t');
        text(rows, body);
        rows.append("\t\\\\x").append(HEX.formatHex(leaf)).append("\t\\\\x").append(HEX.formatHex(chain)).append('\n');
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** COPY text format: backslash, tab, newline and carriage return escaped. */
    private static void text(StringBuilder rows, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                default -> rows.append(c);
            }
        }
    }

    private record Head(long size, byte[] chainHash) {
    }

    /** For tests and the verify API: the number of entries. */
    public long size() {
        List<Long> sizes = jdbc.queryForList("SELECT size FROM audit_head", Long.class);
        return sizes.isEmpty() ? 0 : sizes.get(0);
    }

}
