package org.civicstack.identity.audit.log;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.platform.text.TabSeparatedBytes;
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
 * them: entries other than token uses with one streamed {@code COPY} into {@code audit_entry}, token uses as batch
 * rows ({@link UseBatches}). A batch is appended whole or not at all.
 */
public final class AuditAppender {

    private static final String COPY = "COPY audit_entry (seq, event_id, at, kind, citizen_id, client_id, agency_id, "
            + "sid, jti, service, body, leaf_hash, chain_hash) FROM STDIN (FORMAT text)";
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
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
            Set<UUID> sources = new HashSet<>();
            unique.values().stream().filter(UseBatches::isUse)
                    .forEach(e -> sources.add(UseBatches.source(e.eventId())));
            if (!sources.isEmpty()) {
                Set<UUID> storedSources = jdbc.execute((ConnectionCallback<Set<UUID>>) connection ->
                        UseBatches.storedSources(connection, sources));
                unique.values().removeIf(e -> UseBatches.isUse(e)
                        && storedSources.contains(UseBatches.source(e.eventId())));
            }
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
     * Gives the entries the indexes from the head on, in order, hashes them and streams those other than uses into
     * one {@code COPY}, a chunk at a time, so PostgreSQL inserts one chunk while the next is serialised and hashed;
     * the uses go into batch rows after it ({@link UseBatches#insert}), a row per run of consecutive indexes. Returns
     * the new head. Rows are built as UTF-8 bytes ({@link CopyRows}): the canonical text is written as bytes once,
     * hashed and copied from the same array.
     */
    private Head copy(Head head, Collection<AuditEntry> entries) {
        return jdbc.execute((ConnectionCallback<Head>) connection -> {
            CopyIn copy = null;
            try {
                long seq = head.size();
                byte[] chain = head.chainHash();
                CopyRows rows = new CopyRows(CHUNK + 4096);
                Body body = new Body(1024);
                List<UseBatches.Use> uses = new ArrayList<>();
                for (AuditEntry entry : entries) {
                    body.reset();
                    entry.writeCanonicalJson(json, body);
                    if (UseBatches.isUse(entry)) {
                        byte[] text = body.toByteArray();
                        byte[] leaf = MerkleHash.leaf(text);
                        chain = HashChain.next(chain, leaf);
                        uses.add(new UseBatches.Use(seq++, entry, text, leaf, chain));
                        continue;
                    }
                    if (copy == null) {
                        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
                    }
                    byte[] leaf = MerkleHash.leaf(body.toByteArray());
                    chain = HashChain.next(chain, leaf);
                    row(rows, seq++, entry, body, leaf, chain);
                    if (rows.length() >= CHUNK) {
                        rows.writeTo(copy);
                    }
                }
                if (copy != null) {
                    rows.writeTo(copy);
                    copy.endCopy();
                }
                if (!uses.isEmpty()) {
                    UseBatches.insert(connection, uses);
                }
                return new Head(seq, chain);
            } catch (java.sql.SQLException | RuntimeException failed) {
                if (copy != null && copy.isActive()) {
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

    private static void row(CopyRows rows, long seq, AuditEntry entry, Body body, byte[] leaf, byte[] chain) {
        rows.number(seq).tab().ascii(entry.eventId().toString()).tab().ascii(InstantText.of(entry.at())).tab()
                .text(entry.kind()).tab();
        uuid(rows, entry.citizenId());
        rows.tab();
        nullable(rows, entry.clientId());
        rows.tab();
        nullable(rows, entry.agencyId());
        rows.tab();
        uuid(rows, entry.sid());
        rows.tab();
        uuid(rows, entry.jti());
        rows.tab();
        nullable(rows, entry.service());
        rows.tab().text(body.array(), body.size()).tab();
        rows.hex(leaf).tab();
        rows.hex(chain).newline();
    }

    private static void nullable(CopyRows rows, String value) {
        if (value == null || value.isEmpty()) {
            rows.nul();
        } else {
            rows.text(value);
        }
    }

    /** A search column of type uuid: a value that is not a UUID is left out of it (it stays in the body). */
    private static void uuid(CopyRows rows, String value) {
        if (isUuid(value)) {
            rows.ascii(value);
        } else {
            rows.nul();
        }
    }

    /** The entry's canonical text as it is written: its array is read in place (hashed, then copied). */
    private static final class Body extends java.io.ByteArrayOutputStream {

        Body(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    /** COPY text rows as UTF-8 bytes ({@link TabSeparatedBytes}), with {@code \\N} for null and bytea as hex. */
    private static final class CopyRows extends TabSeparatedBytes {

        CopyRows(int capacity) {
            super(capacity);
        }

        void writeTo(CopyIn copy) throws java.sql.SQLException {
            if (length() > 0) {
                copy.writeToCopy(array(), 0, length());
                reset();
            }
        }

        CopyRows nul() {
            put((byte) '\\').put((byte) 'N');
            return this;
        }

        CopyRows hex(byte[] value) {
            ensure(3 + 2 * value.length);
            put((byte) '\\').put((byte) '\\').put((byte) 'x');
            for (byte b : value) {
                put(HEX_DIGITS[(b >> 4) & 0xF]).put(HEX_DIGITS[b & 0xF]);
            }
            return this;
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

    private record Head(long size, byte[] chainHash) {
    }

    /** For tests and the verify API: the number of entries. */
    public long size() {
        List<Long> sizes = jdbc.queryForList("SELECT size FROM audit_head", Long.class);
        return sizes.isEmpty() ? 0 : sizes.get(0);
    }

}
