package org.civicstack.identity.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * An identity instance that read a batch and died before acknowledging it, and never comes back under its name:
 * another instance takes its entries over once they have been idle for {@code claimIdle} and stores each once.
 * On a stream of its own, so the running ingest of the test context cannot read the entry first.
 */
@ServiceIntegrationTest
class AuditIngestClaimIT {

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    AuditAppender appender;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void entriesADeadConsumerLeftUnacknowledgedAreTakenOverAndStoredOnce() {
        String stream = "it:audit-claim:" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        redis.opsForStream().add(stream, Map.of("event_id", eventId, "type", "token_event", "payload",
                "{\"event_id\":\"" + eventId + "\",\"kind\":\"token_introspected\",\"occurred_at\":\""
                        + Instant.now() + "\",\"client_id\":\"it-claim\"}"));
        redis.opsForStream().createGroup(stream, ReadOffset.from("0"), AuditIngest.GROUP);
        // the instance that dies: it reads the entry and never acknowledges it
        assertThat(redis.opsForStream().read(Consumer.from(AuditIngest.GROUP, "identity-dead"),
                StreamReadOptions.empty().count(10), StreamOffset.create(stream, ReadOffset.lastConsumed())))
                .hasSize(1);

        AuditIngest survivor = new AuditIngest(redis, appender, json, new SimpleMeterRegistry(), "identity-survivor",
                100, Duration.ofMillis(100), Duration.ofSeconds(1), List.of(stream));
        survivor.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (stored(eventId) == 0) {
                assertThat(System.nanoTime()).as("taken over within 20 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(stored(eventId)).isEqualTo(1);
            while (redis.opsForStream().pending(stream, AuditIngest.GROUP).getTotalPendingMessages() > 0) {
                assertThat(System.nanoTime()).as("acknowledged within 20 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        } finally {
            survivor.stop();
            redis.delete(stream);
        }
    }

    private long stored(String eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE event_id = ?", Long.class, eventId.toString());
    }
}
