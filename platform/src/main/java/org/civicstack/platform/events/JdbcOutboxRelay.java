package org.civicstack.platform.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.civicstack.platform.events.OutboxSql.OutboxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The servlet/JDBC twin of {@link OutboxRelay}: publishes the {@code outbox_event} table to Redis Streams in id
 * order, at least once, with the same statements, lock, stream fields and {@code civicstack.events.outbox.*}
 * settings ({@link OutboxSql}). One round runs in one JDBC transaction: take the transaction-scoped advisory lock
 * (or do nothing when another relay holds it), read a batch, XADD each event, mark them published. A crash between
 * XADD and commit republishes the same events; consumers de-duplicate by {@code event_id}. Rounds run on one
 * daemon thread every {@code poll-interval}, and at once after {@link #nudge()}.
 */
public final class JdbcOutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JdbcOutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final StringRedisTemplate redis;
    private final TransactionTemplate transaction;
    private final OutboxProperties properties;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private volatile ScheduledExecutorService executor;

    public JdbcOutboxRelay(JdbcTemplate jdbc, StringRedisTemplate redis, TransactionTemplate transaction,
            OutboxProperties properties) {
        this.jdbc = jdbc;
        this.redis = redis;
        this.transaction = transaction;
        this.properties = properties;
    }

    /** One round: publishes up to a batch of events; returns how many (0 when another relay holds the lock). */
    public int relayOnce() {
        Integer published = transaction.execute(status -> {
            Boolean locked = jdbc.queryForObject(OutboxSql.TRY_LOCK, Boolean.class);
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<OutboxEvent> events = jdbc.query(OutboxSql.selectBatch("?"), (row, n) -> new OutboxEvent(
                    row.getLong("id"), row.getString("event_id"), row.getString("stream"), row.getString("event_type"),
                    row.getString("payload")), properties.batchSize());
            if (events.isEmpty()) {
                return 0;
            }
            List<Long> ids = new ArrayList<>(events.size());
            for (OutboxEvent event : events) {
                redis.opsForStream().add(StreamRecords.string(OutboxSql.fields(event.eventId(), event.type(),
                                event.payload())).withStreamKey(event.stream()),
                        XAddOptions.maxlen(properties.streamMaxLength()).approximateTrimming(true));
                ids.add(event.id());
            }
            jdbc.update(connection -> {
                var statement = connection.prepareStatement(OutboxSql.markPublished("?"));
                statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                return statement;
            });
            return ids.size();
        });
        return published == null ? 0 : published;
    }

    /** Rounds until a round publishes less than a full batch. */
    void drain() {
        while (relayOnce() >= properties.batchSize()) {
            // a full batch: there may be more
        }
    }

    int purge() {
        return jdbc.update(OutboxSql.purge("?"), (double) properties.retention().toSeconds());
    }

    /** Asks for a round now instead of at the next poll; never blocks, folds into a pending one. */
    public void nudge() {
        ScheduledExecutorService current = executor;
        if (current != null && nudged.compareAndSet(false, true)) {
            current.execute(this::round);
        }
    }

    private void round() {
        nudged.set(false);
        try {
            drain();
            if (rounds.incrementAndGet() % 1_000 == 0) {
                purge();
            }
        } catch (RuntimeException e) {
            log.warn("Outbox relay round failed, retrying in {}: {}", properties.pollInterval(), e.toString());
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.pollInterval().toMillis();
        started.scheduleWithFixedDelay(this::round, 0, Math.max(1, interval), TimeUnit.MILLISECONDS);
        executor = started;
    }

    @Override
    public void stop() {
        ScheduledExecutorService current = executor;
        executor = null;
        if (current != null) {
            current.shutdown();
            try {
                if (!current.awaitTermination(5, TimeUnit.SECONDS)) {
                    current.shutdownNow();
                }
            } catch (InterruptedException e) {
                current.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
