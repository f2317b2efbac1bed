package org.civicstack.identity.audit.log;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/** Finds entries by their indexed fields, in log order, a page at a time (keyset pagination on the index). */
public final class AuditSearch {

    /** Search criteria; null fields are not filtered on. {@code afterIndex} is the cursor (exclusive). */
    public record Query(String citizenId, String clientId, String agencyId, String jti, String sid, String service,
            String kind, Instant from, Instant to, Long afterIndex, int limit) {
    }

    /** One stored entry: its index, its canonical text (null once pruned by retention) and its hashes. */
    public record StoredEntry(long index, String body, byte[] leafHash, byte[] chainHash) {
    }

    private final JdbcTemplate jdbc;
    private final UseBatches uses;

    public AuditSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.uses = new UseBatches(jdbc);
    }

    /**
     * Entries matching {@code query} in log order: those with rows of their own (one statement, through their
     * indexes) merged with the token uses in batch rows ({@link UseBatches#find}), a page of each.
     */
    public List<StoredEntry> find(Query query) {
        List<Object> args = new ArrayList<>();
        String sql = statement(query, args);
        List<StoredEntry> rows = jdbc.query(sql, (row, n) -> new StoredEntry(row.getLong(1), row.getString(2),
                row.getBytes(3), row.getBytes(4)), args.toArray());
        if (query.kind() != null && !query.kind().isBlank() && !query.kind().equals("token_used")) {
            return rows;
        }
        UseBatches.UseQuery useQuery = useQuery(query);
        if (useQuery == null) {
            return rows;
        }
        return merge(rows, uses.find(useQuery), query.limit());
    }

    /** What {@code query} asks of the uses in batch rows; null when no use can match. */
    private UseBatches.UseQuery useQuery(Query query) {
        java.util.Set<String> jtis = null;
        if (present(query.jti())) {
            if (!AuditAppender.isUuid(query.jti())) {
                return null;
            }
            jtis = new java.util.HashSet<>(List.of(query.jti().toLowerCase(java.util.Locale.ROOT)));
        }
        for (String[] throughTokens : new String[][] {{"citizen_id", query.citizenId()}, {"sid", query.sid()}}) {
            if (!present(throughTokens[1])) {
                continue;
            }
            if (!AuditAppender.isUuid(throughTokens[1])) {
                return null;
            }
            java.util.Set<String> tokens = new java.util.HashSet<>(jdbc.queryForList(
                    tokensIssuedTo(throughTokens[0]), String.class, throughTokens[1]));
            if (jtis != null) {
                tokens.retainAll(jtis);
            }
            jtis = tokens;
        }
        java.util.Set<String> services = null;
        if (present(query.service())) {
            services = new java.util.HashSet<>(List.of(query.service()));
        }
        if (present(query.agencyId())) {
            java.util.Set<String> ofAgency = new java.util.HashSet<>(jdbc.queryForList(SERVICES_OF_AGENCY,
                    String.class, query.agencyId()));
            if (services != null) {
                ofAgency.retainAll(services);
            }
            services = ofAgency;
        }
        return new UseBatches.UseQuery(jtis, present(query.clientId()) ? query.clientId() : null,
                present(query.agencyId()) ? query.agencyId() : null, services, query.from(), query.to(),
                query.afterIndex() == null ? -1 : query.afterIndex(), query.limit());
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Two lists in index order merged, the first {@code limit}. */
    private static List<StoredEntry> merge(List<StoredEntry> a, List<StoredEntry> b, int limit) {
        if (b.isEmpty()) {
            return a;
        }
        List<StoredEntry> merged = new ArrayList<>(Math.min(limit, a.size() + b.size()));
        int i = 0;
        int j = 0;
        while (merged.size() < limit && (i < a.size() || j < b.size())) {
            if (j == b.size() || (i < a.size() && a.get(i).index() < b.get(j).index())) {
                merged.add(a.get(i++));
            } else {
                merged.add(b.get(j++));
            }
        }
        return merged;
    }

    /** The search's statement, its arguments added to {@code args} (for {@link #find}, and to test its plan). */
    static String statement(Query query, List<Object> args) {
        StringBuilder sql = new StringBuilder("SELECT seq, body, leaf_hash, chain_hash FROM audit_entry WHERE true");
        throughTokens(sql, args, "citizen_id", query.citizenId());
        filter(sql, args, "client_id", query.clientId());
        agencyFilter(sql, args, query.agencyId());
        uuidFilter(sql, args, "jti", query.jti());
        throughTokens(sql, args, "sid", query.sid());
        filter(sql, args, "service", query.service());
        filter(sql, args, "kind", query.kind());
        if (query.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(query.to()));
        }
        if (query.afterIndex() != null) {
            sql.append(" AND seq > ?");
            args.add(query.afterIndex());
        }
        sql.append(" ORDER BY seq LIMIT ?");
        args.add(query.limit());
        return sql.toString();
    }

    /** Entries {@code [from, to)} in index order, for export and verification: rows and uses in batch rows. */
    public List<StoredEntry> range(long from, long to) {
        List<StoredEntry> rows = jdbc.query("SELECT seq, body, leaf_hash, chain_hash FROM audit_entry WHERE seq >= ? "
                + "AND seq < ? ORDER BY seq", (row, n) -> new StoredEntry(row.getLong(1), row.getString(2),
                row.getBytes(3), row.getBytes(4)), from, to);
        return merge(rows, uses.range(from, to), Integer.MAX_VALUE);
    }

    /** The number of entries appended so far. */
    public long size() {
        List<Long> sizes = jdbc.queryForList("SELECT size FROM audit_head", Long.class);
        return sizes.isEmpty() ? 0 : sizes.get(0);
    }

    /**
     * Citizen and session: token uses at the gateway are indexed by token only (V72), so a citizen's or a session's
     * uses are those of the tokens issued to it — found through its {@code token_issued} entries — and its other
     * entries are found directly. The tokens are an array ({@code = ANY (ARRAY(…))}, computed once), not an
     * {@code IN (subquery)}: PostgreSQL runs the latter as a filter no index serves, so the OR of the two branches
     * could not be taken from their indexes and every search walked the whole log.
     */
    private static void throughTokens(StringBuilder sql, List<Object> args, String column, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (!AuditAppender.isUuid(value)) {
            sql.append(" AND false");
            return;
        }
        sql.append(" AND ((").append(column).append(" = ?::uuid AND kind <> 'token_used') OR (kind = 'token_used' ")
                .append("AND jti = ANY (ARRAY(").append(tokensIssuedTo(column)).append("))))");
        args.add(value);
        args.add(value);
    }

    /**
     * Agency: entries other than uses by their own index; uses through their service — the services the agency's
     * {@code token_exchanged} entries name (the gateway exchanges before the first use at a service) — and then
     * exactly by their {@code agency_id} (V74). As for citizens, each branch of the OR has its index and the
     * services are an array computed once.
     */
    private static void agencyFilter(StringBuilder sql, List<Object> args, String agency) {
        if (agency == null || agency.isBlank()) {
            return;
        }
        sql.append(" AND ((agency_id = ? AND kind <> 'token_used') OR (kind = 'token_used' AND agency_id = ? ")
                .append("AND service = ANY (ARRAY(").append(SERVICES_OF_AGENCY).append("))))");
        args.add(agency);
        args.add(agency);
        args.add(agency);
    }

    /** The tokens issued to a citizen or session ({@code column} = ?), through the index of entries other than uses. */
    private static String tokensIssuedTo(String column) {
        return "SELECT jti FROM audit_entry WHERE " + column + " = ?::uuid AND kind <> 'token_used' "
                + "AND kind = 'token_issued' AND jti IS NOT NULL";
    }

    /** The services an agency's entries other than uses name ({@code agency_id} = ?): its exchanges'. */
    private static final String SERVICES_OF_AGENCY = "SELECT service FROM audit_entry WHERE agency_id = ? "
            + "AND kind <> 'token_used' AND service IS NOT NULL";

    /** The uuid search columns: a value that is not a UUID matches nothing (such values are never indexed). */
    private static void uuidFilter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            if (AuditAppender.isUuid(value)) {
                sql.append(" AND ").append(column).append(" = ?::uuid");
                args.add(value);
            } else {
                sql.append(" AND false");
            }
        }
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }
}
