package org.civicstack.identity.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.civicstack.identity.audit.views.AuditViews;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An auditor's searches by citizen, session and (a quiet) agency, and the lower bound of {@code GET /audit/active},
 * read through the log's indexes, not along the whole log: the service's own statements, planned by PostgreSQL on a log of 100,000 synthetic entries (token uses
 * nine in ten, as at the gateway) with its statistics — inserted, analysed and rolled back in one transaction, so
 * the real log of this test JVM is untouched.
 */
@ServiceIntegrationTest
class AuditSearchPlanIT {

    /** Far above any index the test JVM's real log reaches, so the synthetic rows never meet a real append. */
    static final long FIRST = 1_000_000_000_000L;
    static final int ENTRIES = 100_000;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void searchesByCitizenSessionAndAgencyUseTheirIndexes() {
        String citizen = uuid("c7");
        String session = uuid("s7");
        List<AuditSearch.Query> searches = List.of(
                new AuditSearch.Query(citizen, null, null, null, null, null, null, null, null, null, 50),
                new AuditSearch.Query(null, null, null, null, session, null, null, null, null, null, 50),
                new AuditSearch.Query(null, null, "a-quiet", null, null, null, null, null, null, null, 50));
        List<String> plans = new ArrayList<>();
        transaction.executeWithoutResult(status -> {
            // a token_issued entry in ten (citizen, session, jti), the nine after it its uses (jti, service, agency)
            jdbc.update("INSERT INTO audit_entry (seq, event_id, at, kind, citizen_id, client_id, agency_id, sid, jti, "
                    + "service, body, leaf_hash, chain_hash) SELECT ? + i, gen_random_uuid(), "
                    + "now() - make_interval(secs => (? - i) / 1000.0), "
                    + "CASE WHEN i % 10 = 0 THEN 'token_issued' ELSE 'token_used' END, "
                    + "CASE WHEN i % 10 = 0 THEN md5('c' || (i / 10 % 1000))::uuid END, 'app', "
                    + "CASE WHEN i % 10 <> 0 THEN 'a' || (i % 20) END, "
                    + "CASE WHEN i % 10 = 0 THEN md5('s' || (i / 10 % 3000))::uuid END, "
                    + "md5('t' || (i / 10))::uuid, CASE WHEN i % 10 <> 0 THEN 's' || (i % 100) END, '{}', "
                    + "'\\x00'::bytea, '\\x00'::bytea FROM generate_series(0, ? - 1) AS i", FIRST, ENTRIES, ENTRIES);
            jdbc.execute("ANALYZE audit_entry");
            for (AuditSearch.Query search : searches) {
                List<Object> args = new ArrayList<>();
                String sql = AuditSearch.statement(search, args);
                plans.add(String.join("\n", jdbc.queryForList("EXPLAIN " + sql, String.class, args.toArray())));
            }
            // GET /audit/active's lower bound: the entries of the last minute
            plans.add(String.join("\n", jdbc.queryForList("EXPLAIN " + AuditViews.FIRST_ENTRY_SINCE, String.class,
                    java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(60)))));
            status.setRollbackOnly();
        });
        for (String plan : plans) {
            assertThat(plan).as("no walk along the log").doesNotContain("Seq Scan", "audit_entry_pkey");
        }
    }

    /**
     * The searches of token uses in batch rows (V83) find their rows through the GIN indexes of tokens and services,
     * not along the primary key: 20,000 synthetic batch rows of 50 uses (a million uses), each row with its own
     * token and one of 8,000 services, planned and rolled back as above.
     */
    @Test
    void searchesOfUsesInBatchRowsUseTheirIndexes() {
        List<UseBatches.UseQuery> searches = List.of(
                new UseBatches.UseQuery(java.util.Set.of(uuid("t77")), null, null, null, null, null, -1, 50),
                new UseBatches.UseQuery(java.util.Set.of(uuid("t77"), uuid("t78")), null, null, null, null, null,
                        -1, 50),
                new UseBatches.UseQuery(null, null, null, java.util.Set.of("s77"), null, null, -1, 50));
        List<String> plans = new ArrayList<>();
        transaction.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO audit_use_batch (first_seq, n, at_first, at_last, bodies, leaf_hashes, "
                    + "chain_hashes, jtis, clients, services) SELECT ? + i * 50, 50, now(), now(), NULL, "
                    + "decode(repeat('00', 1600), 'hex'), decode(repeat('00', 1600), 'hex'), "
                    + "ARRAY[md5('t' || i)::uuid], ARRAY['app'], ARRAY['s' || (i % 8000)] "
                    + "FROM generate_series(0, 19999) AS i", FIRST);
            jdbc.execute("ANALYZE audit_use_batch");
            for (UseBatches.UseQuery search : searches) {
                List<Object> args = new ArrayList<>();
                String sql = UseBatches.statement(search, search.after(), args);
                plans.add(String.join("\n", jdbc.queryForList("EXPLAIN " + sql, String.class, args.toArray())));
            }
            status.setRollbackOnly();
        });
        for (String plan : plans) {
            assertThat(plan).as("no walk along the batch rows").doesNotContain("Seq Scan")
                    .doesNotContain("Index Scan using audit_use_batch_pkey");
        }
    }

    private static String uuid(String seed) {
        // md5(seed) as a UUID, as the synthetic rows make theirs
        try {
            byte[] md5 = java.security.MessageDigest.getInstance("MD5").digest(seed.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(md5);
            return new UUID(bytes.getLong(), bytes.getLong()).toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
