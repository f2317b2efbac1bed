package org.civicstack.identity.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.checkpoint.NoteVerifier;
import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.InMemorySubtreeHashes;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditEntry;
import org.civicstack.identity.audit.log.AuditSearch;
import org.civicstack.identity.audit.ingest.StreamEntries;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.identity.revocation.Revocation;
import org.civicstack.identity.revocation.Revocations;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log against the running identity, its PostgreSQL and Redis: token events and gateway usage records on
 * their streams become entries exactly once, in a hash chain; a seal signs a checkpoint whose root is the RFC 9162
 * root over every entry and which is also anchored outside the database; entries cannot be rewritten.
 */
@ServiceIntegrationTest
class AuditLogIT {

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditSealer sealer;
    @Autowired
    Revocations revocations;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    AuditAppender appender;
    @Autowired
    AuditSearch search;

    @Test
    void tokenEventsAndUsageRecordsAreStoredOnceEachInAnUnbrokenChainAndSealedIntoASignedCheckpoint()
            throws Exception {
        String eventId = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        String sid = UUID.randomUUID().toString();
        String citizen = UUID.randomUUID().toString();
        Map<String, String> tokenEvent = Map.of("event_id", eventId, "type", "token_event", "payload",
                "{\"event_id\":\"" + eventId + "\",\"kind\":\"token_issued\",\"occurred_at\":\"" + Instant.now()
                        + "\",\"client_id\":\"app\",\"sid\":\"" + sid + "\",\"jti\":\"" + jti
                        + "\",\"details\":{\"grant_type\":\"refresh_token\"}}");
        // delivered twice (at least once): stored once
        redis.opsForStream().add("cs:identity:token-events", tokenEvent);
        redis.opsForStream().add("cs:identity:token-events", tokenEvent);
        redis.opsForStream().add("cs:gateway:usage", fields("service", "hospital-booking", "status", "200",
                "latency_us", "812", "method", "GET", "request_id", "r-1", "caller", "c-1",
                "ts", Long.toString(System.currentTimeMillis()), "jti", jti, "sid", sid, "sub", citizen,
                "client_id", "app"));
        // an anonymous request says nothing about a token: not in the log
        redis.opsForStream().add("cs:gateway:usage", fields("service", "weather", "status", "200",
                "latency_us", "90", "method", "GET", "request_id", "r-2", "caller", "c-2",
                "ts", Long.toString(System.currentTimeMillis())));

        await(() -> count("jti = '" + jti + "'") == 2);
        assertThat(count("event_id = '" + eventId + "'")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT kind FROM audit_log WHERE jti = ? ORDER BY seq", String.class, jti))
                .containsExactly("token_issued", "token_used");
        assertThat(jdbc.queryForObject("SELECT body FROM audit_log WHERE jti = ? AND kind = 'token_used'",
                String.class, jti)).contains("\"service\":\"hospital-booking\"").contains("\"status\":200")
                .doesNotContain("Bearer");
        assertThat(count("request_id IS NULL AND service = 'weather'")).isZero();

        List<byte[]> leaves = chainOfEveryEntryHolds();
        AuditSealer.Sealed sealed = sealer.seal().orElseThrow();
        Checkpoint checkpoint = NoteVerifier.verify(sealed.note(), sealer.key().verifierKey());
        assertThat(checkpoint.size()).isGreaterThanOrEqualTo(leaves.size());
        List<byte[]> sealedLeaves = jdbc.query("SELECT leaf_hash FROM audit_log WHERE seq < ? ORDER BY seq",
                (row, n) -> row.getBytes(1), checkpoint.size());
        assertThat(checkpoint.rootHash())
                .isEqualTo(MerkleTree.root(checkpoint.size(), new InMemorySubtreeHashes(sealedLeaves)));
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("target/audit-checkpoints.notes")))
                .contains(sealed.note());

        long seq = jdbc.queryForObject("SELECT seq FROM audit_log WHERE event_id = ?", Long.class, eventId);
        List<byte[]> proof = MerkleTree.inclusionProof(seq, checkpoint.size(),
                new org.civicstack.auditlog.merkle.TiledSubtreeHashes(sealer.tiles()));
        MerkleTree.verifyInclusion(seq, checkpoint.size(), sealedLeaves.get((int) seq), proof, checkpoint.rootHash());
    }

    @Test
    void aGatewayBatchEntryBecomesOneEntryPerTokenRecordAndAMalformedOneIsSkippedWithoutStoppingTheIngest() {
        String jti = UUID.randomUUID().toString();
        String sid = UUID.randomUUID().toString();
        String citizen = UUID.randomUUID().toString();
        String now = Long.toString(System.currentTimeMillis());
        String header = String.join("\t", UsageStream.FIELDS) + "\n";
        // a malformed entry first (its count disagrees with its records): skipped, counted, the next one still read
        redis.opsForStream().add(UsageStream.TOKEN_STREAM, Map.of(UsageStream.COUNT, "3", UsageStream.RECORDS,
                header + "svc-bad\t200\t1\tGET\tr-bad\t\t" + now + "\t" + jti + "\t\t\t\t\t\n"));
        // what the gateway writes: a batch of records, in the UsageStream format; a request id with a tab in it
        String records = header
                + "hospital-booking\t200\t812\tGET\tr-1\\tx\tcit:1\t" + now + "\t" + jti + "\t" + sid + "\t"
                + citizen + "\tapp\tagy_00000000000000000042\t\n"
                + "hospital-booking\t403\t90\tPOST\tr-2\tcit:1\t" + now + "\t" + jti + "\t" + sid + "\t" + citizen
                + "\tapp\tagy_00000000000000000042\tinsufficient_scope\n"
                + "weather\t200\t50\tGET\tr-3\t\t" + now + "\t\t\t\t\t\t\n";
        RecordId id = redis.opsForStream().add(UsageStream.TOKEN_STREAM,
                Map.of(UsageStream.COUNT, "3", UsageStream.RECORDS, records));

        await(() -> count("jti = '" + jti + "'") == 2);
        assertThat(jdbc.queryForList("SELECT kind FROM audit_log WHERE jti = ? ORDER BY seq", String.class, jti))
                .containsExactly("token_used", "gateway_rejected");
        assertThat(jdbc.queryForList("SELECT event_id FROM audit_log WHERE jti = ? ORDER BY seq",
                String.class, jti)).containsExactly(StreamEntries.usageEventId(id.getValue(), 0).toString(),
                StreamEntries.usageEventId(id.getValue(), 1).toString());
        assertThat(jdbc.queryForObject("SELECT body FROM audit_log WHERE jti = ? AND kind = 'token_used'",
                String.class, jti)).contains("\"request_id\":\"r-1\\tx\"").contains("\"latency_us\":812")
                .contains("\"agency_id\":\"agy_00000000000000000042\"");
        assertThat(count("service = 'svc-bad'")).isZero();
        assertThat(count("service = 'weather' AND body LIKE '%r-3%'")).isZero();
        // the record ids of a batch and of the former one-record entries never meet
        assertThat(StreamEntries.usageEventId(id.getValue(), 0)).isNotEqualTo(StreamEntries.usageEventId(id.getValue()));
        chainOfEveryEntryHolds();
    }

    @Test
    void anEntryAppendedAgainInALaterBatchIsStoredOnceAndTheRestOfThatBatchIsAppended() {
        AuditEntry first = use(UUID.randomUUID().toString());
        AuditEntry second = use("not-a-uuid");
        long before = appender.size();
        assertThat(appender.append(List.of(first))).isEqualTo(1);
        // a redelivery after a crash between commit and acknowledgement: the unique index refuses the batch, which
        // is then appended without what is stored
        assertThat(appender.append(List.of(first, second, second))).isEqualTo(1);
        // (the log's size is not compared: the running ingest appends other tests' events meanwhile)
        assertThat(appender.size()).isGreaterThanOrEqualTo(before + 2);
        assertThat(count("event_id = '" + first.eventId() + "'")).isEqualTo(1);
        assertThat(count("event_id = '" + second.eventId() + "'")).isEqualTo(1);
        // a value that is not a UUID is not indexed but stays in the hashed body
        assertThat(jdbc.queryForObject("SELECT body LIKE '%\"jti\":\"not-a-uuid\"%' FROM audit_log "
                + "WHERE event_id = ?", Boolean.class, second.eventId().toString())).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_use_batch WHERE 'not-a-uuid' = ANY (jtis::text[])",
                Long.class)).isZero();
        assertThat(search.find(new AuditSearch.Query(null, null, null, "not-a-uuid", null, null, null, null, null,
                null, 10))).isEmpty();
        assertThat(search.find(new AuditSearch.Query(null, null, null, first.jti(), null, null, null, null, null,
                null, 10))).hasSize(1);
        chainOfEveryEntryHolds();
    }

    private static AuditEntry use(String jti) {
        return new AuditEntry(UUID.randomUUID(), "token_used", Instant.now(), "gateway", UUID.randomUUID().toString(),
                "app", null, UUID.randomUUID().toString(), jti, "hospital-booking", Map.of("status", 200));
    }

    @Test
    void entriesCannotBeRewrittenOrRemoved() {
        await(() -> {
            redis.opsForStream().add("cs:gateway:usage", fields("service", "s", "status", "401", "latency_us", "1",
                    "method", "GET", "request_id", "r", "caller", "c", "ts", Long.toString(System.currentTimeMillis()),
                    "refusal", "token_missing"));
            return count("kind = 'gateway_rejected'") > 0;
        });
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_entry SET kind = 'token_issued' WHERE kind = 'gateway_rejected'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_entry")).hasMessageContaining("append-only");
        // token uses, in batch rows: the same
        await(() -> {
            redis.opsForStream().add("cs:gateway:usage", fields("service", "s", "status", "200", "latency_us", "1",
                    "method", "GET", "request_id", "r", "caller", "c", "ts", Long.toString(System.currentTimeMillis()),
                    "jti", UUID.randomUUID().toString()));
            return jdbc.queryForObject("SELECT count(*) FROM audit_use_batch", Long.class) > 0;
        });
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_use_batch SET bodies = NULL"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_use_batch SET jtis = '{}'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_use_batch")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_use_source")).hasMessageContaining("append-only");
    }

    @Test
    void revocationIsStoredAndPublishedThroughTheOutboxAndRefusesOlderTokensOfTheCitizen() {
        String citizen = UUID.randomUUID().toString();
        Revocation revocation = transaction.execute(status ->
                revocations.revoke(Revocation.Kind.CITIZEN, citizen, "client:auditor", "audit"));
        Instant before = revocation.revokedAt().minusSeconds(1);
        Instant after = revocation.revokedAt().plusSeconds(1);
        assertThat(revocations.refuses("j", "s", citizen, "app", before)).isTrue();
        assertThat(revocations.refuses("j", "s", citizen, "app", after)).isFalse();
        assertThat(revocations.refuses("j", "s", "someone-else", "app", before)).isFalse();
        await(() -> redis.opsForStream().range(Revocations.STREAM, org.springframework.data.domain.Range.unbounded())
                .stream().anyMatch(r -> String.valueOf(r.getValue().get("payload")).contains(citizen)));
    }

    private static Map<String, String> fields(String... keysAndValues) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    /**
     * Recomputes every entry's leaf and chain hash from its body, whichever table holds it; returns the leaf hashes.
     */
    private List<byte[]> chainOfEveryEntryHolds() {
        List<byte[]> leaves = new ArrayList<>();
        byte[] chain = HashChain.GENESIS;
        for (AuditSearch.StoredEntry entry : search.range(0, search.size())) {
            assertThat(entry.index()).isEqualTo(leaves.size());
            byte[] leaf = MerkleHash.leaf(entry.body().getBytes(StandardCharsets.UTF_8));
            assertThat(entry.leafHash()).isEqualTo(leaf);
            chain = HashChain.next(chain, leaf);
            assertThat(entry.chainHash()).as("chain hash of entry %d", entry.index()).isEqualTo(chain);
            leaves.add(leaf);
        }
        return leaves;
    }

    private long count(String where) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE " + where.replace("request_id IS NULL AND ", ""),
                Long.class);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s");
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
