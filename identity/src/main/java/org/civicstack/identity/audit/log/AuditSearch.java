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

    public AuditSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<StoredEntry> find(Query query) {
        List<Object> args = new ArrayList<>();
        String sql = statement(query, args);
        return jdbc.query(sql, (row, n) -> new StoredEntry(row.getLong(1), row.getString(2),
                row.getBytes(3), row.getBytes(4)), args.toArray());
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

    /** Entries {@code [from, to)} in index order, for export and verification. */
    public List<StoredEntry> range(long from, long to) {
        return jdbc.query("SELECT seq, body, leaf_hash, chain_hash FROM audit_entry WHERE seq >= ? AND seq < ? "
                + "ORDER BY seq", (row, n) -> new StoredEntry(row.getLong(1), row.getString(2), row.getBytes(3),
                row.getBytes(4)), from, to);
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
                .append("AND jti = ANY (ARRAY(SELECT jti FROM audit_entry WHERE ").append(column)
                .append(" = ?::uuid AND kind <> 'token_used' AND kind = 'token_issued' AND jti IS NOT NULL))))");
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
                .append("AND service = ANY (ARRAY(SELECT service FROM audit_entry ")
                .append("WHERE agency_id = ? AND kind <> 'token_used' AND service IS NOT NULL))))");
        args.add(agency);
        args.add(agency);
        args.add(agency);
    }

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
