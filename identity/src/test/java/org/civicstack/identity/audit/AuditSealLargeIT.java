package org.civicstack.identity.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.auditlog.merkle.InMemorySubtreeHashes;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditEntry;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Seals across stored tree levels (more than 256 and 65,536 entries) give the RFC 9162 root over every leaf. */
@ServiceIntegrationTest
class AuditSealLargeIT {

    @Autowired
    AuditAppender appender;
    @Autowired
    AuditSealer sealer;
    @Autowired
    JdbcTemplate jdbc;

    /** Later test classes read the whole log: leave it empty. */
    @org.junit.jupiter.api.AfterEach
    void emptyTheLog() {
        TestInfrastructure.execute("civicstack_identity",
                "TRUNCATE audit_entry, audit_use_batch, audit_use_source, audit_head, audit_tree_node, audit_checkpoint");
    }

    @Test
    void sealsAtUnevenSizesMatchTheRootOverAllLeaves() {
        TestInfrastructure.execute("civicstack_identity",
                "TRUNCATE audit_entry, audit_use_batch, audit_use_source, audit_head, audit_tree_node, audit_checkpoint");
        for (int step : new int[] {3, 300, 1, 700, 4096, 70_000}) {
            appendEntries(step);
            AuditSealer.Sealed sealed = sealer.seal().orElseThrow();
            List<byte[]> leaves = jdbc.query("SELECT leaf_hash FROM audit_log WHERE seq < ? ORDER BY seq",
                    (row, n) -> row.getBytes(1), sealed.treeSize());
            assertThat(sealed.rootHash()).as("root at size %d", sealed.treeSize())
                    .isEqualTo(MerkleTree.root(sealed.treeSize(), new InMemorySubtreeHashes(leaves)));
        }
    }

    private void appendEntries(int count) {
        for (int done = 0; done < count; done += 4096) {
            List<AuditEntry> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + 4096); i++) {
                batch.add(new AuditEntry(UUID.randomUUID(), "token_used", Instant.now(), "gateway", "c", "app", null,
                        "s", "j" + i, "svc", Map.of("status", 200)));
            }
            appender.append(batch);
        }
    }
}
