package org.civicstack.identity.audit.ingest;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit ingest's sustained rate on its own (bench/audit-append/run.sh; skipped unless
 * {@code -Dcivicstack.bench=true}): usage records in the gateway's format already on {@code cs:gateway:usage}
 * (pipelined XADDs), read by one ingest through the consumer
 * group, mapped, appended and acknowledged. The context's own ingest is stopped meanwhile. Prints the numbers.
 */
@ServiceIntegrationTest
@EnabledIfSystemProperty(named = "civicstack.bench", matches = "true")
class AuditIngestBenchmarkIT {

    static final int RECORDS = Integer.getInteger("civicstack.bench.records", 300_000);
    static final int WARMUP_RECORDS = 100_000;
    static final String STREAM = StreamEntries.USAGE_STREAM;

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    AuditAppender appender;
    @Autowired
    JsonMapper json;
    @Autowired
    AuditIngest contextIngest;

    @Test
    void sustainedIngestRate() {
        contextIngest.stop();
        try {
            redis.delete(STREAM);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            AuditIngest ingest = new AuditIngest(redis, appender, json, meters, "bench-ingest", 4096,
                    Duration.ofMillis(100), Duration.ofSeconds(60), List.of(STREAM));
            // warm-up (JIT, connections): a first fill, ingested and not measured
            long warm = appender.size();
            fill(WARMUP_RECORDS);
            ingest.start();
            while (appender.size() - warm < WARMUP_RECORDS) {
                pause();
            }
            ingest.stop();
            fill(RECORDS);
            long before = appender.size();
            long start = System.nanoTime();
            ingest.start();
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (appender.size() - before < RECORDS && System.nanoTime() < deadline) {
                pause(); // a busy loop of queries would take the CPU the ingest and PostgreSQL are measured on
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ingest.stop();
            long appended = appender.size() - before;
            System.out.printf("audit-ingest records=%d appended=%d seconds=%.2f rate=%.0f/s%n", RECORDS, appended,
                    seconds, appended / seconds);
        } finally {
            redis.delete(STREAM);
            contextIngest.start();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Usage records in the gateway's format ({@link UsageStream}: an entry per batch of 1,024 records), each record its
     * own citizen, session and token.
     */
    private void fill(int records) {
        String header = String.join("\t", UsageStream.FIELDS) + "\n";
        for (int done = 0; done < records; done += 1024) {
            int count = Math.min(1024, records - done);
            StringBuilder text = new StringBuilder(header);
            for (int i = 0; i < count; i++) {
                String citizen = UUID.randomUUID().toString();
                text.append("svc-").append(i % 8000).append("\t200\t812\tGET\tr-").append(done).append('-').append(i)
                        .append("\tcit:").append(citizen).append('\t').append(System.currentTimeMillis()).append('\t')
                        .append(UUID.randomUUID()).append('\t').append(UUID.randomUUID()).append('\t').append(citizen)
                        .append("\tcitizen-app\tagy_").append(i % 300).append("\t\n");
            }
            redis.opsForStream().add(STREAM, java.util.Map.of(UsageStream.COUNT, Integer.toString(count),
                    UsageStream.RECORDS, text.toString()));
        }
    }
}
