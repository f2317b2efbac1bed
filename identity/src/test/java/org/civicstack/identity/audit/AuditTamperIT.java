package org.civicstack.identity.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.auditlog.cli.AuditVerifierCli;
import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.identity.audit.seal.AuditVerification;
import org.civicstack.identity.audit.web.AuditController;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tampering with the stored log — as someone with write access to PostgreSQL would, the append-only trigger switched
 * off — is detected by the verify API and by the offline verifier over the API's export, each naming the first bad
 * entry or checkpoint; rewriting the log consistently and dropping the database's checkpoints is still caught by the
 * checkpoints anchored outside the database.
 */
@ServiceIntegrationTest
class AuditTamperIT {

    static final String DB = "civicstack_identity";

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditSealer sealer;
    @Autowired
    AuditVerification verification;
    @Autowired
    AuditController api;

    @BeforeEach
    void aFreshLogOfFortyEntriesSealedTwice() throws Exception {
        TestInfrastructure.execute(DB, "TRUNCATE audit_entry, audit_head, audit_tree_node, audit_checkpoint");
        Files.deleteIfExists(Path.of("target/audit-checkpoints.notes"));
        append(20);
        sealer.seal();
        append(20);
        sealer.seal();
        assertThat(verification.verify().findings()).isEmpty();
        assertThat(offline()).startsWith("OK: 40 entries, 2 checkpoints verified");
    }

    /** The next test class finds an untampered (empty) log. */
    @AfterEach
    void emptyTheTamperedLog() throws Exception {
        TestInfrastructure.execute(DB, "TRUNCATE audit_entry, audit_head, audit_tree_node, audit_checkpoint");
        Files.deleteIfExists(Path.of("target/audit-checkpoints.notes"));
    }

    @Test
    void changedFieldOfOneEntryIsNamed() throws Exception {
        tamper("UPDATE audit_entry SET body = replace(body, 'token_used', 'token_issued') WHERE seq = 5");
        assertThat(verification.verify().findings()).contains(
                "database: entry 5 was altered, removed or reordered: its chain hash does not follow from the "
                        + "entries before it");
        assertThat(offline()).contains("FAILED: entry 5 was altered");
    }

    @Test
    void deletedEntryIsNamed() throws Exception {
        tamper("DELETE FROM audit_entry WHERE seq = 7");
        assertThat(verification.verify().findings()).contains("database: entry 7 is missing (the next entry is 8)");
        assertThat(offline()).contains("FAILED: entry 7 is missing");
    }

    @Test
    void consistentRewriteWithTheDatabaseCheckpointsDroppedIsCaughtByTheAnchor() throws Exception {
        // from entry 25 on: new bodies with leaf and chain hashes recomputed, and the later checkpoint removed
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT seq, body FROM audit_entry ORDER BY seq");
        byte[] chain = jdbc.queryForObject("SELECT chain_hash FROM audit_entry WHERE seq = 24", byte[].class);
        StringBuilder sql = new StringBuilder();
        for (Map<String, Object> row : rows.subList(25, rows.size())) {
            String body = ((String) row.get("body")).replace("\"status\":200", "\"status\":403");
            byte[] leaf = MerkleHash.leaf(body.getBytes(StandardCharsets.UTF_8));
            chain = HashChain.next(chain, leaf);
            sql.append("UPDATE audit_entry SET body = '").append(body.replace("'", "''")).append("', leaf_hash = '\\x")
                    .append(java.util.HexFormat.of().formatHex(leaf)).append("', chain_hash = '\\x")
                    .append(java.util.HexFormat.of().formatHex(chain)).append("' WHERE seq = ").append(row.get("seq"))
                    .append(";");
        }
        tamper(sql.toString());
        TestInfrastructure.execute(DB, "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only;"
                + "DELETE FROM audit_checkpoint WHERE tree_size = 40;"
                + "ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_append_only");

        List<String> findings = verification.verify().findings();
        assertThat(findings).noneMatch(f -> f.startsWith("database: entry")); // the chain alone cannot tell
        assertThat(findings).contains("anchor: checkpoint of size 40 does not match the entries: the first "
                + "divergence is in entries [20, 40)");
        assertThat(findings).contains("anchor: the checkpoint of size 40 is anchored but missing from the database");
        assertThat(offline(Path.of("target/audit-checkpoints.notes")))
                .contains("FAILED: checkpoint of size 40 does not match the entries");
    }

    /** The offline verifier over the API's export and checkpoints, as an auditor would run it. */
    private String offline() throws Exception {
        Path checkpoints = Files.createTempFile("checkpoints", ".notes");
        Files.writeString(checkpoints, api.checkpoints());
        return offline(checkpoints);
    }

    private String offline(Path checkpoints) throws Exception {
        Path entries = Files.createTempFile("entries", ".ndjson");
        try (var out = Files.newOutputStream(entries)) {
            api.export(0, null).writeTo(out);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = AuditVerifierCli.run(new String[] {"log", "--key", api.key().strip(), "--checkpoints",
                checkpoints.toString(), "--entries", entries.toString()}, new PrintStream(output, true),
                new PrintStream(new ByteArrayOutputStream()));
        String text = output.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(text.startsWith("OK") ? 0 : 1);
        return text;
    }

    private static void tamper(String sql) {
        TestInfrastructure.execute(DB, "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only;" + sql + ";"
                + "ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only");
    }

    private void append(int count) {
        long target = sizeNow() + count;
        for (int i = 0; i < count; i++) {
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("service", "hospital-booking");
            fields.put("status", "200");
            fields.put("latency_us", "500");
            fields.put("method", "GET");
            fields.put("request_id", "r-" + i);
            fields.put("caller", "c");
            fields.put("ts", Long.toString(System.currentTimeMillis()));
            fields.put("jti", "tamper-" + UUID.randomUUID());
            fields.put("sid", "s");
            fields.put("sub", "citizen");
            fields.put("client_id", "app");
            redis.opsForStream().add("cs:gateway:usage", fields);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sizeNow() < target) {
            assertThat(System.nanoTime()).as("entries appended within 20 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private long sizeNow() {
        List<Long> sizes = jdbc.queryForList("SELECT size FROM audit_head", Long.class);
        return sizes.isEmpty() ? 0 : sizes.get(0);
    }
}
