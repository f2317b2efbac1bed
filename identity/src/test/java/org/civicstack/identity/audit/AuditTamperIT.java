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
import org.civicstack.platform.events.UsageStream;
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
        TestInfrastructure.execute(DB, "TRUNCATE audit_entry, audit_use_batch, audit_use_source, audit_head, audit_tree_node, "
                + "audit_checkpoint");
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
        TestInfrastructure.execute(DB, "TRUNCATE audit_entry, audit_use_batch, audit_use_source, audit_head, audit_tree_node, "
                + "audit_checkpoint");
        Files.deleteIfExists(Path.of("target/audit-checkpoints.notes"));
    }

    // The forty entries are token uses at the gateway, which the log stores a batch per row (audit_use_batch):
    // the tampering below edits those rows as someone with write access to the database would.

    @Test
    void changedFieldOfOneEntryIsNamed() throws Exception {
        rewrite(uses -> uses.set(5, uses.get(5).withBody(b -> b.replace("token_used", "token_issued"))), false);
        assertThat(verification.verify().findings()).contains(
                "database: entry 5 was altered, removed or reordered: its chain hash does not follow from the "
                        + "entries before it");
        assertThat(offline()).contains("FAILED: entry 5 was altered");
    }

    @Test
    void deletedBatchOfEntriesIsNamed() throws Exception {
        // the log's uses are two batch rows, [0, 20) and [20, 40): the first deleted whole
        assertThat(rows()).extracting(Batch::first).containsExactly(0L, 20L);
        tamper("DELETE FROM audit_use_batch WHERE first_seq = 0");
        assertThat(verification.verify().findings()).contains("database: entry 0 is missing (the next entry is 20)");
        assertThat(offline()).contains("FAILED: entry 0 is missing");
    }

    @Test
    void entryCutOutOfItsBatchIsNamed() throws Exception {
        // entry 7 taken out of its row, the entries after it moving up one place
        rewrite(uses -> uses.remove(7), false);
        assertThat(verification.verify().findings()).contains("database: entry 7 was altered, removed or "
                + "reordered: its chain hash does not follow from the entries before it");
        assertThat(offline()).contains("FAILED: entry 7 was altered");
    }

    @Test
    void twoEntriesSwappedAreNamed() throws Exception {
        rewrite(uses -> {
            Use twelve = uses.get(12);
            uses.set(12, uses.get(13));
            uses.set(13, twelve);
        }, false);
        assertThat(verification.verify().findings()).contains("database: entry 12 was altered, removed or "
                + "reordered: its chain hash does not follow from the entries before it");
        assertThat(offline()).contains("FAILED: entry 12 was altered");
    }

    @Test
    void consistentRewriteWithTheDatabaseCheckpointsDroppedIsCaughtByTheAnchor() throws Exception {
        // from entry 25 on: new bodies with leaf and chain hashes recomputed, and the later checkpoint removed
        rewrite(uses -> {
            for (int i = 25; i < uses.size(); i++) {
                uses.set(i, uses.get(i).withBody(b -> b.replace("\"status\":200", "\"status\":403")));
            }
        }, true);
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

    /** One use as its batch row holds it: its text, leaf and chain hash. */
    private record Use(String body, byte[] leaf, byte[] chain) {
        Use withBody(java.util.function.UnaryOperator<String> change) {
            return new Use(change.apply(body), leaf, chain);
        }
    }

    private record Batch(long first, List<Use> uses) {
    }

    private List<Batch> rows() {
        return jdbc.query("SELECT first_seq, convert_from(bodies, 'UTF8'), leaf_hashes, chain_hashes "
                + "FROM audit_use_batch ORDER BY first_seq", (row, n) -> {
                    long first = row.getLong(1);
                    String[] bodies = row.getString(2).split("\n");
                    byte[] leaves = row.getBytes(3);
                    byte[] chains = row.getBytes(4);
                    List<Use> uses = new java.util.ArrayList<>();
                    for (int i = 0; i < bodies.length; i++) {
                        uses.add(new Use(bodies[i], java.util.Arrays.copyOfRange(leaves, 32 * i,
                                32 * i + 32), java.util.Arrays.copyOfRange(chains, 32 * i, 32 * i + 32)));
                    }
                    return new Batch(first, uses);
                });
    }

    /**
     * Applies {@code change} to the whole log's uses (by index: the list holds every entry, all of them uses here)
     * and writes them back into their rows in order, each row keeping its first index and size but the last, which
     * takes what is left (one shorter after an entry was cut out). With {@code rehash}, leaf and chain hashes are
     * recomputed as a careful forger would; without, each use keeps the hashes stored with it.
     */
    private void rewrite(java.util.function.Consumer<List<Use>> change, boolean rehash) {
        List<Batch> rows = rows();
        List<Use> uses = new java.util.ArrayList<>();
        rows.forEach(row -> uses.addAll(row.uses()));
        assertThat(uses).hasSize(40);
        change.accept(uses);
        StringBuilder sql = new StringBuilder();
        int at = 0;
        byte[] chain = HashChain.GENESIS;
        for (int r = 0; r < rows.size(); r++) {
            Batch row = rows.get(r);
            List<Use> mine = uses.subList(at, r == rows.size() - 1 ? uses.size() : at + row.uses().size());
            at += mine.size();
            StringBuilder bodies = new StringBuilder();
            java.io.ByteArrayOutputStream leaves = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream chains = new java.io.ByteArrayOutputStream();
            for (Use use : mine) {
                bodies.append(use.body()).append('\n');
                byte[] leaf = rehash ? MerkleHash.leaf(use.body().getBytes(StandardCharsets.UTF_8)) : use.leaf();
                leaves.writeBytes(leaf);
                chain = HashChain.next(chain, leaf);
                chains.writeBytes(rehash ? chain : use.chain());
            }
            sql.append("UPDATE audit_use_batch SET n = ").append(mine.size()).append(", bodies = convert_to('")
                    .append(bodies.toString().replace("'", "''")).append("', 'UTF8'), leaf_hashes = '\\x")
                    .append(java.util.HexFormat.of().formatHex(leaves.toByteArray())).append("', chain_hashes = '\\x")
                    .append(java.util.HexFormat.of().formatHex(chains.toByteArray())).append("' WHERE first_seq = ")
                    .append(row.first()).append(";");
        }
        tamper(sql.toString());
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
        TestInfrastructure.execute(DB, "ALTER TABLE audit_use_batch DISABLE TRIGGER audit_use_batch_append_only;"
                + sql + ";ALTER TABLE audit_use_batch ENABLE TRIGGER audit_use_batch_append_only");
    }

    /** {@code count} uses, as a gateway writes them: one stream entry holding the batch (UsageStream). */
    private void append(int count) {
        long target = sizeNow() + count;
        StringBuilder records = new StringBuilder(String.join("\t", UsageStream.FIELDS)).append('\n');
        for (int i = 0; i < count; i++) {
            records.append(String.join("\t", "hospital-booking", "200", "500", "GET", "r-" + i, "c",
                    Long.toString(System.currentTimeMillis()), "tamper-" + UUID.randomUUID(), "s", "citizen", "app",
                    "", "")).append('\n');
        }
        redis.opsForStream().add(UsageStream.TOKEN_STREAM, Map.of(UsageStream.COUNT, Integer.toString(count),
                UsageStream.RECORDS, records.toString()));
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
