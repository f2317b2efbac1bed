package org.civicstack.identity.audit.log;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends entries to the log, effectively once: in one transaction it locks the log's head (one appender at a time,
 * across identity instances), drops entries whose event id is already stored (at-least-once delivery) or repeated
 * in the batch, gives the rest the next indexes, computes each one's leaf hash (RFC 9162) and chain hash, and writes
 * them with one streamed {@code COPY}. A batch is appended whole or not at all.
 */
public final class AuditAppender {

    private static final String COPY = "COPY audit_entry (seq, event_id, at, kind, citizen_id, client_id, agency_id, "
            + "sid, jti, service, body, leaf_hash, chain_hash) FROM STDIN (FORMAT text)";
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    /** About how much COPY text is sent at a time. */
    private static final int CHUNK = 64 * 1024;

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
        Integer appended;
        try {
            // optimistic: redeliveries are rare (a consumer restarting before it acknowledged), so the batch is
            // written without first looking its ids up; the unique event_id index refuses a stored one, and the
            // batch is then appended again, minus what is stored
            appended = transaction.execute(status -> appendLocked(entries, false));
        } catch (DuplicateKeyException redelivered) {
            appended = transaction.execute(status -> appendLocked(entries, true));
        }
        return appended == null ? 0 : appended;
    }

    private int appendLocked(List<AuditEntry> entries, boolean dropStored) {
        Head head = lockHead();
        Map<UUID, AuditEntry> unique = new LinkedHashMap<>();
        for (AuditEntry entry : entries) {
            unique.putIfAbsent(entry.eventId(), entry);
        }
        if (dropStored) {
            unique.keySet().removeAll(stored(unique.keySet()));
        }
        if (unique.isEmpty()) {
            return 0;
        }
        Head end = copy(head, unique.values());
        jdbc.update("UPDATE audit_head SET size = ?, chain_hash = ?", end.size(), end.chainHash());
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

    /**
     * Gives the entries the indexes from the head on, hashes them and streams them into one {@code COPY}, a chunk
     * at a time, so PostgreSQL inserts one chunk while the next is serialised and hashed. Returns the new head.
     */
    private Head copy(Head head, Collection<AuditEntry> entries) {
        return jdbc.execute((ConnectionCallback<Head>) connection -> {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
            try {
                long seq = head.size();
                byte[] chain = head.chainHash();
                StringBuilder rows = new StringBuilder(CHUNK + 2048);
                for (AuditEntry entry : entries) {
                    String body = entry.canonicalJson(json);
                    byte[] leaf = MerkleHash.leaf(body.getBytes(StandardCharsets.UTF_8));
                    chain = HashChain.next(chain, leaf);
                    row(rows, seq++, entry, body, leaf, chain);
                    if (rows.length() >= CHUNK) {
                        write(copy, rows);
                    }
                }
                write(copy, rows);
                copy.endCopy();
                return new Head(seq, chain);
            } catch (java.sql.SQLException | RuntimeException failed) {
                if (copy.isActive()) {
                    try {
                        copy.cancelCopy();
                    } catch (java.sql.SQLException cancelFailed) {
                        failed.addSuppressed(cancelFailed);
                    }
                }
                throw failed;
            }
        });
    }

    private static void write(CopyIn copy, StringBuilder rows) throws java.sql.SQLException {
        if (rows.length() > 0) {
            byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            rows.setLength(0);
        }
    }

    private static void row(StringBuilder rows, long seq, AuditEntry entry, String body, byte[] leaf, byte[] chain) {
        rows.append(seq).append('\t').append(entry.eventId()).append('\t').append(entry.at()).append('\t');
        text(rows, entry.kind());
        rows.append('\t');
        uuid(rows, entry.citizenId());
        rows.append('\t');
        nullable(rows, entry.clientId());
        rows.append('\t');
        nullable(rows, entry.agencyId());
        rows.append('\t');
        uuid(rows, entry.sid());
        rows.append('\t');
        uuid(rows, entry.jti());
        rows.append('\t');
        nullable(rows, entry.service());
        rows.append('\t');
        text(rows, body);
        rows.append("\t\\\\x");
        hex(rows, leaf);
        rows.append("\t\\\\x");
        hex(rows, chain);
        rows.append('\n');
    }

    private static void nullable(StringBuilder rows, String value) {
        if (value == null || value.isEmpty()) {
            rows.append("\\N");
        } else {
            text(rows, value);
        }
    }

    /** A search column of type uuid: a value that is not a UUID is left out of it (it stays in the body). */
    private static void uuid(StringBuilder rows, String value) {
        if (isUuid(value)) {
            rows.append(value);
        } else {
            rows.append("\\N");
        }
    }

    /** The canonical 8-4-4-4-12 hex form (either case), as PostgreSQL's uuid input and {@link AuditSearch} take it. */
    public static boolean isUuid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void hex(StringBuilder rows, byte[] bytes) {
        for (byte b : bytes) {
            rows.append(HEX_DIGITS[(b >> 4) & 0xF]).append(HEX_DIGITS[b & 0xF]);
        }
    }

    /** COPY text format: backslash, tab, newline and carriage return escaped (most values have none: one bulk append). */
    private static void text(StringBuilder rows, String value) {
        int length = value.length();
        int first = 0;
        while (first < length) {
            char c = value.charAt(first);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                break;
            }
            first++;
        }
        if (first == length) {
            rows.append(value);
            return;
        }
        rows.append(value, 0, first);
        for (int i = first; i < length; i++) {
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
