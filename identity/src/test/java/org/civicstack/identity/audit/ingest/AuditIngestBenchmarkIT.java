package org.civicstack.identity.audit.ingest;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.identity.audit.log.AuditAppender;
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

    /** Usage records in the gateway's format, 1,000 per pipelined round trip, each its own citizen, session, token. */
    private void fill(int records) {
        for (int done = 0; done < records; done += 1000) {
            int batch = done;
            redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
                for (int i = 0; i < 1000; i++) {
                    String citizen = UUID.randomUUID().toString();
                    java.util.Map<byte[], byte[]> fields = new java.util.LinkedHashMap<>();
                    String[] pairs = {"service", "svc-" + (i % 8000), "status", "200", "latency_us", "812", "method",
                            "GET", "request_id", "r-" + batch + "-" + i, "caller", "cit:" + citizen, "ts",
                            Long.toString(System.currentTimeMillis()), "jti", UUID.randomUUID().toString(), "sid",
                            UUID.randomUUID().toString(), "sub", citizen, "client_id", "citizen-app", "agency",
                            "agy_" + (i % 300)};
                    for (int f = 0; f < pairs.length; f += 2) {
                        fields.put(pairs[f].getBytes(), pairs[f + 1].getBytes());
                    }
                    connection.streamCommands().xAdd(STREAM.getBytes(), fields);
                }
                return null;
            });
        }
    }
}
