package org.civicstack.identity.audit.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit ingest's sustained rate on its own (bench/audit-append/run.sh; skipped unless
 * {@code -Dcivicstack.bench=true}): usage records in the gateway's format already on {@code cs:gateway:usage}
 * (written the way the gateway writes them, one script call per batch), read by one ingest through the consumer
 * group, mapped, appended and acknowledged. The context's own ingest is stopped meanwhile. Prints the numbers.
 */
@ServiceIntegrationTest
@EnabledIfSystemProperty(named = "civicstack.bench", matches = "true")
class AuditIngestBenchmarkIT {

    static final int RECORDS = Integer.getInteger("civicstack.bench.records", 300_000);
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
            fill();
            long before = appender.size();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            AuditIngest ingest = new AuditIngest(redis, appender, json, meters, "bench-ingest", 2048,
                    Duration.ofMillis(100), Duration.ofSeconds(60), List.of(STREAM));
            long start = System.nanoTime();
            ingest.start();
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (appender.size() - before < RECORDS && System.nanoTime() < deadline) {
                Thread.onSpinWait();
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

    /** The gateway's usage-append script, 1,000 records per call, each its own citizen, session and token. */
    private void fill() {
        RedisScript<Long> append = RedisScript.of(new org.springframework.core.io.ClassPathResource(
                "bench/usage-append.lua"), Long.class);
        List<String> fields = List.of("service", "status", "latency_us", "method", "request_id", "caller", "ts", "jti",
                "sid", "sub", "client_id", "agency", "refusal");
        for (int done = 0; done < RECORDS; done += 1000) {
            List<String> args = new ArrayList<>();
            args.add("10000000");
            args.add(Integer.toString(fields.size()));
            args.add("7");
            args.addAll(fields);
            for (int i = 0; i < 1000; i++) {
                String citizen = UUID.randomUUID().toString();
                args.addAll(List.of("svc-" + (i % 8000), "200", "812", "GET", "r-" + done + "-" + i, "cit:" + citizen,
                        Long.toString(System.currentTimeMillis()), UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), citizen, "citizen-app", "agy_" + (i % 300), ""));
            }
            redis.execute(append, List.of(STREAM), args.toArray());
        }
    }
}
