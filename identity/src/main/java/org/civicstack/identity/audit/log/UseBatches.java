package org.civicstack.identity.audit.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import org.civicstack.identity.audit.log.AuditSearch.StoredEntry;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token uses at the gateway ({@code token_used}), stored a batch per row ({@code audit_use_batch}, V83): the bulk
 * of the log at a fraction of a row per use's PostgreSQL cost. Each use keeps its own index, canonical text, leaf
 * and chain hash — the log, its proofs and checkpoints are the same as if every use had a row; only the storage
 * differs. A batch row finds uses by the distinct tokens, clients and services it holds (GIN indexes); the uses
 * inside are checked exactly, from their canonical text.
 */
public final class UseBatches {

    /** The most uses one row holds (the appender splits larger batches), bounding a read for one entry. */
    public static final int MAX_USES = 1_024;
    private static final int HASH = 32;
    /** Candidate batches read at a time by a search. */
    private static final int PAGE = 16;

    /** Reads the uses' canonical texts (plain JSON: no configuration of the application's mapper applies). */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;

    public UseBatches(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the appender stores this entry in a batch row (a use), rather than in a row of its own. */
    static boolean isUse(AuditEntry entry) {
        return "token_used".equals(entry.kind());
    }

    /**
     * The gateway batch a use came from: its event id with the record's index cleared, for the batch format's ids
     * (version 8 with {@link #GATEWAY_BATCH_TAG}, {@code ingest.StreamEntries#usageEventId(String, int)}); any other
     * id is its own source. A redelivered stream entry has the same source.
     */
    static UUID source(UUID eventId) {
        long msb = eventId.getMostSignificantBits();
        if ((msb & 0xF000L) == 0x8000L && (msb & 0x0FFFL) == GATEWAY_BATCH_TAG) {
            return new UUID(msb, eventId.getLeastSignificantBits() & ~0xFFFFL);
        }
        return eventId;
    }

    /**
     * The 12 bits after the version in the event id of a record of a gateway batch entry; the ingest makes those ids,
     * {@link #source} reads them.
     */
    public static final long GATEWAY_BATCH_TAG = 0x002;

    /** One use as the appender has it: its index, the entry, its canonical text, its leaf and chain hash. */
    record Use(long seq, AuditEntry entry, byte[] body, byte[] leaf, byte[] chain) {
    }

    /**
     * Writes uses, in index order, into batch rows — a row for each run of consecutive indexes, of at most
     * {@link #MAX_USES} — and their sources, each with the index of its first use.
     */
    static void insert(Connection connection, List<Use> uses) throws SQLException {
        java.util.Map<UUID, Long> sources = new java.util.LinkedHashMap<>();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_use_batch (first_seq, n, "
                + "at_first, at_last, bodies, leaf_hashes, chain_hashes, jtis, clients, services) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int from = 0;
            while (from < uses.size()) {
                int to = from + 1;
                while (to < uses.size() && to - from < MAX_USES && uses.get(to).seq() == uses.get(to - 1).seq() + 1) {
                    to++;
                }
                List<Use> batch = uses.subList(from, to);
                int size = 0;
                for (Use use : batch) {
                    size += use.body().length + 1;
                }
                byte[] bodies = new byte[size];
                byte[] leaves = new byte[HASH * batch.size()];
                byte[] chains = new byte[HASH * batch.size()];
                Instant first = null;
                Instant last = null;
                Set<String> jtis = new LinkedHashSet<>();
                Set<String> clients = new LinkedHashSet<>();
                Set<String> services = new LinkedHashSet<>();
                int at = 0;
                for (int i = 0; i < batch.size(); i++) {
                    Use use = batch.get(i);
                    System.arraycopy(use.body(), 0, bodies, at, use.body().length);
                    at += use.body().length;
                    bodies[at++] = '\n';
                    System.arraycopy(use.leaf(), 0, leaves, HASH * i, HASH);
                    System.arraycopy(use.chain(), 0, chains, HASH * i, HASH);
                    AuditEntry entry = use.entry();
                    first = first == null || entry.at().isBefore(first) ? entry.at() : first;
                    last = last == null || entry.at().isAfter(last) ? entry.at() : last;
                    if (AuditAppender.isUuid(entry.jti())) {
                        jtis.add(entry.jti().toLowerCase(java.util.Locale.ROOT));
                    }
                    addPresent(clients, entry.clientId());
                    addPresent(services, entry.service());
                    sources.putIfAbsent(source(entry.eventId()), use.seq());
                }
                insert.setLong(1, batch.get(0).seq());
                insert.setInt(2, batch.size());
                insert.setTimestamp(3, Timestamp.from(first));
                insert.setTimestamp(4, Timestamp.from(last));
                insert.setBytes(5, bodies);
                insert.setBytes(6, leaves);
                insert.setBytes(7, chains);
                insert.setArray(8, connection.createArrayOf("uuid", jtis.toArray()));
                insert.setArray(9, connection.createArrayOf("text", clients.toArray()));
                insert.setArray(10, connection.createArrayOf("text", services.toArray()));
                insert.executeUpdate();
                from = to;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_use_source (source, first_seq) SELECT * FROM unnest(?::uuid[], ?::bigint[])")) {
            insert.setArray(1, connection.createArrayOf("uuid", sources.keySet().toArray()));
            insert.setArray(2, connection.createArrayOf("bigint", sources.values().toArray()));
            insert.executeUpdate();
        }
    }

    private static void addPresent(Set<String> values, String value) {
        if (value != null && !value.isEmpty()) {
            values.add(value);
        }
    }

    /** Which of these sources (gateway batches) are stored already. */
    static Set<UUID> storedSources(Connection connection, Set<UUID> sources) throws SQLException {
        Set<UUID> found = new java.util.HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT source FROM audit_use_source WHERE source = ANY(?)")) {
            select.setArray(1, connection.createArrayOf("uuid", sources.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ reading

    /** A stored batch row. {@code bodies} is null once retention emptied it. */
    private record Batch(long firstSeq, int n, byte[] bodies, byte[] leafHashes, byte[] chainHashes) {

        /** Its uses as entries. */
        List<StoredEntry> entries() {
            List<StoredEntry> entries = new ArrayList<>(n);
            int at = 0;
            for (int i = 0; i < n; i++) {
                byte[] leaf = Arrays.copyOfRange(leafHashes, HASH * i, HASH * (i + 1));
                byte[] chain = Arrays.copyOfRange(chainHashes, HASH * i, HASH * (i + 1));
                String body = null;
                if (bodies != null) {
                    int end = at;
                    while (end < bodies.length && bodies[end] != '\n') {
                        end++;
                    }
                    body = new String(bodies, at, end - at, java.nio.charset.StandardCharsets.UTF_8);
                    at = end + 1;
                }
                entries.add(new StoredEntry(firstSeq + i, body, leaf, chain));
            }
            return entries;
        }
    }

    private static final String COLUMNS =
            "SELECT first_seq, n, bodies, leaf_hashes, chain_hashes FROM audit_use_batch ";
    /** The rows holding a use in {@code [from, to)} (arguments: to, from - MAX_USES, from), by the primary key. */
    private static final String OVERLAPPING = "WHERE first_seq < ? AND first_seq > ? AND first_seq + n > ?";

    private static Batch batch(ResultSet row) throws SQLException {
        return new Batch(row.getLong(1), row.getInt(2), row.getBytes(3), row.getBytes(4), row.getBytes(5));
    }

    /** The uses among entries {@code [from, to)}, in index order. */
    List<StoredEntry> range(long from, long to) {
        List<StoredEntry> uses = new ArrayList<>();
        jdbc.query(COLUMNS + OVERLAPPING + " ORDER BY first_seq",
                row -> {
                    for (StoredEntry use : batch(row).entries()) {
                        if (use.index() >= from && use.index() < to) {
                            uses.add(use);
                        }
                    }
                }, to, from - MAX_USES, from);
        return uses;
    }

    /** The leaf hashes of the uses among entries {@code [from, to)}, by index. */
    void leafHashes(long from, long to, java.util.Map<Long, byte[]> into) {
        jdbc.query("SELECT first_seq, n, leaf_hashes FROM audit_use_batch " + OVERLAPPING, row -> {
                    long first = row.getLong(1);
                    int n = row.getInt(2);
                    byte[] leaves = row.getBytes(3);
                    for (int i = 0; i < n; i++) {
                        long seq = first + i;
                        if (seq >= from && seq < to) {
                            into.put(seq, Arrays.copyOfRange(leaves, HASH * i, HASH * (i + 1)));
                        }
                    }
                }, to, from - MAX_USES, from);
    }

    /** What a search asks of uses; null fields are not filtered on. {@code jtis} null: any token; empty: none. */
    record UseQuery(Set<String> jtis, String clientId, String agencyId, Set<String> services, Instant from,
            Instant to, long after, int limit) {
    }

    /** The top-level fields of a use that a search filters on, read from its canonical text. */
    public record Fields(String jti, String clientId, String agencyId, String service, Instant at) {
    }

    /** Uses matching {@code query} with an index above {@code query.after()}, in index order, at most its limit. */
    List<StoredEntry> find(UseQuery query) {
        if ((query.jtis() != null && query.jtis().isEmpty())
                || (query.services() != null && query.services().isEmpty())) {
            return List.of();
        }
        boolean filtered = query.jtis() != null || query.clientId() != null || query.agencyId() != null
                || query.services() != null || query.from() != null || query.to() != null;
        Predicate<StoredEntry> matches = use -> {
            if (!filtered) {
                return true;
            }
            if (use.body() == null) {
                return false; // emptied by retention: nothing left to match
            }
            Fields fields = fields(use.body());
            return (query.jtis() == null || (fields.jti() != null
                            && query.jtis().contains(fields.jti().toLowerCase(java.util.Locale.ROOT))))
                    && (query.clientId() == null || query.clientId().equals(fields.clientId()))
                    && (query.agencyId() == null || query.agencyId().equals(fields.agencyId()))
                    && (query.services() == null || query.services().contains(fields.service()))
                    && (query.from() == null || (fields.at() != null && !fields.at().isBefore(query.from())))
                    && (query.to() == null || (fields.at() != null && fields.at().isBefore(query.to())));
        };
        List<StoredEntry> found = new ArrayList<>();
        long after = query.after();
        while (found.size() < query.limit()) {
            List<Object> args = new ArrayList<>();
            List<Batch> batches = jdbc.query(statement(query, after, args), (row, n) -> batch(row), args.toArray());
            for (Batch batch : batches) {
                for (StoredEntry use : batch.entries()) {
                    if (use.index() > query.after() && matches.test(use) && found.size() < query.limit()) {
                        found.add(use);
                    }
                }
                after = batch.firstSeq() + batch.n() - 1;
            }
            if (batches.size() < PAGE) {
                break;
            }
        }
        return found;
    }

    /**
     * The next {@value #PAGE} batch rows that may hold uses matching {@code query} with an index above
     * {@code after}, in index order: through the primary key from where those indexes begin, and the GIN indexes of
     * the tokens, clients and services asked for. Its arguments are added to {@code args} (for {@link #find}, and
     * to test its plan).
     */
    static String statement(UseQuery query, long after, List<Object> args) {
        StringBuilder sql = new StringBuilder(COLUMNS).append("WHERE first_seq > ? AND first_seq + n > ?");
        args.add(after - MAX_USES);
        args.add(after + 1);
        if (query.jtis() != null) {
            sql.append(" AND jtis && ?::uuid[]");
            args.add(query.jtis().toArray(String[]::new));
        }
        if (query.clientId() != null) {
            sql.append(" AND clients && ARRAY[?]::text[]");
            args.add(query.clientId());
        }
        if (query.services() != null) {
            sql.append(" AND services && ?::text[]");
            args.add(query.services().toArray(String[]::new));
        }
        if (query.from() != null) {
            sql.append(" AND at_last >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND at_first < ?");
            args.add(Timestamp.from(query.to()));
        }
        sql.append(" ORDER BY first_seq LIMIT ?");
        args.add(PAGE);
        return sql.toString();
    }

    /** Every use of token {@code jti} the batch rows hold, its fields (for a token's life). */
    public List<Fields> usesOf(String jti) {
        List<Fields> uses = new ArrayList<>();
        jdbc.query(COLUMNS + "WHERE jtis && ARRAY[?]::uuid[] AND bodies IS NOT NULL ORDER BY first_seq", row -> {
            for (StoredEntry use : batch(row).entries()) {
                Fields fields = fields(use.body());
                if (jti.equalsIgnoreCase(fields.jti())) {
                    uses.add(fields);
                }
            }
        }, jti);
        return uses;
    }

    /** The top-level {@code jti}, {@code client_id}, {@code agency_id}, {@code service} and {@code at} of a use. */
    Fields fields(String body) {
        String jti = null;
        String client = null;
        String agency = null;
        String service = null;
        Instant at = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Fields(null, null, null, null, null);
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                switch (name) {
                    case "jti" -> jti = parser.getString();
                    case "client_id" -> client = parser.getString();
                    case "agency_id" -> agency = parser.getString();
                    case "service" -> service = parser.getString();
                    case "at" -> at = parseInstant(parser.getString());
                    default -> {
                    }
                }
            }
        } catch (RuntimeException unreadable) {
            return new Fields(null, null, null, null, null); // a tampered text: the verifier reports it
        }
        return new Fields(jti, client, agency, service, at);
    }

    private static Instant parseInstant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException bad) {
            return null;
        }
    }
}
