package org.civicstack.identity.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.identity.audit.ingest.StreamEntries;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditEntry;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit log's sustained append rate on its own (bench/audit-append/run.sh; skipped unless
 * {@code -Dcivicstack.bench=true}): gateway-use entries of the shape {@code cs:gateway:usage} produces, appended in
 * the ingest's batch size through the real appender (dedupe query, hash chain, COPY, head update) into the real
 * PostgreSQL, then sealed. Prints the numbers; asserts nothing about time.
 */
@ServiceIntegrationTest
@EnabledIfSystemProperty(named = "civicstack.bench", matches = "true")
class AuditAppendBenchmarkIT {

    static final int BATCH = Integer.getInteger("civicstack.bench.batch", 4096);
    static final int WARMUP_BATCHES = 20;
    static final int BATCHES = Integer.getInteger("civicstack.bench.batches", 150);

    @Autowired
    AuditAppender appender;
    @Autowired
    AuditSealer sealer;

    @Test
    void sustainedAppendRate() {
        for (int i = 0; i < WARMUP_BATCHES; i++) {
            appender.append(batch());
        }
        long appended = 0;
        long nanos = 0;
        for (int i = 0; i < BATCHES; i++) {
            List<AuditEntry> batch = batch(); // made outside the measured time: only the append is timed
            long start = System.nanoTime();
            appended += appender.append(batch);
            nanos += System.nanoTime() - start;
        }
        double seconds = nanos / 1e9;
        long sealStart = System.nanoTime();
        AuditSealer.Sealed sealed = sealer.seal().orElseThrow();
        double sealSeconds = (System.nanoTime() - sealStart) / 1e9;
        System.out.printf("audit-append entries=%d seconds=%.2f rate=%.0f/s batch=%d%n", appended, seconds,
                appended / seconds, BATCH);
        System.out.printf("audit-seal tree_size=%d seconds=%.2f%n", sealed.treeSize(), sealSeconds);
    }

    private static long sequence;
    static final int RECORDS_PER_ENTRY = 256;

    /**
     * One ingest batch of token uses, each with its own random citizen, session and token (the worst case for the
     * log's indexes) and the event id the ingest derives from the usage stream's entry id and the record's place in
     * it ({@value #RECORDS_PER_ENTRY} records per entry, as a busy gateway writes them).
     */
    private static List<AuditEntry> batch() {
        List<AuditEntry> batch = new ArrayList<>(BATCH);
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            if (i % RECORDS_PER_ENTRY == 0) {
                sequence++;
            }
            batch.add(new AuditEntry(StreamEntries.usageEventId(now + "-" + sequence, i % RECORDS_PER_ENTRY),
                    "token_used", Instant.ofEpochMilli(now), "gateway",
                    UUID.randomUUID().toString(), "citizen-app", null, UUID.randomUUID().toString(),
                    UUID.randomUUID().toString(), "svc-" + (i % 8000), Map.of("status", 200, "latency_us", 812,
                            "method", "GET", "request_id", "r-" + i, "caller", "c" + (i % 1000))));
        }
        return batch;
    }
}
