package org.civicstack.platform.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.events.OutboxSql.OutboxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the {@code outbox_event} table to Redis Streams, in id order, at least once. Producers insert an event
 * in the same transaction as their state change; this relay XADDs unpublished rows (fields {@code event_id},
 * {@code type}, {@code payload}) and marks them published in one transaction. A transaction-scoped advisory lock
 * lets one relay of a database publish at a time, so stream order is commit order. A crash between XADD and the
 * mark republishes the same events: consumers de-duplicate by {@code event_id} (or by their own version numbers).
 */
public final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final long LOCK_KEY = OutboxSql.LOCK_KEY;

    private final DatabaseClient db;
    private final ReactiveStringRedisTemplate redis;
    private final TransactionalOperator tx;
    private final OutboxProperties properties;
    private volatile Disposable running;
    private final reactor.core.publisher.Sinks.Many<Long> nudges =
            reactor.core.publisher.Sinks.many().multicast().directBestEffort();

    public OutboxRelay(DatabaseClient db, ReactiveStringRedisTemplate redis, TransactionalOperator tx,
            OutboxProperties properties) {
        this.db = db;
        this.redis = redis;
        this.tx = tx;
        this.properties = properties;
    }

    /** One round: publishes up to a batch of events; emits how many. */
    public Mono<Integer> relayOnce() {
        Mono<Integer> round = db.sql(OutboxSql.TRY_LOCK)
                .map(r -> r.get("locked", Boolean.class))
                .one()
                .flatMap(locked -> locked ? publishBatch() : Mono.just(0));
        return tx.transactional(round);
    }

    private Mono<Integer> publishBatch() {
        return db.sql(OutboxSql.selectBatch(":batch"))
                .bind("batch", properties.batchSize())
                .map(OutboxRelay::event)
                .all()
                .concatMap(event -> publish(event).thenReturn(event.id()))
                .collectList()
                .flatMap(this::markPublished);
    }

    private Mono<Void> publish(OutboxEvent event) {
        Map<String, String> fields = OutboxSql.fields(event.eventId(), event.type(), event.payload());
        return redis.opsForStream()
                .add(event.stream(), fields, XAddOptions.maxlen(properties.streamMaxLength()).approximateTrimming(true))
                .then();
    }

    private Mono<Integer> markPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return Mono.just(0);
        }
        return db.sql(OutboxSql.markPublished(":ids"))
                .bind("ids", ids.toArray(Long[]::new))
                .then()
                .thenReturn(ids.size());
    }

    private Mono<Long> purge() {
        return db.sql(OutboxSql.purge(":secs"))
                .bind("secs", (double) properties.retention().toSeconds())
                .fetch()
                .rowsUpdated();
    }

    @Override
    public void start() {
        warmUp().subscribe();
        Duration interval = properties.pollInterval();
        running = Flux.merge(Flux.interval(interval, interval), nudges.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> drain()
                        .then(tick > 0 && tick % 1_000 == 0 ? purge().then() : Mono.empty())
                        .onErrorResume(e -> {
                            log.warn("Outbox relay round failed, retrying in {}: {}", interval, e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    /**
     * Opens the Redis connection at start. Lettuce connects on first use, and a service that writes Redis only
     * through this relay would otherwise open it for its first event: that event took about a second to reach its
     * stream right after start (several seconds on a loaded machine), later ones milliseconds. Runs beside the
     * rounds, never delaying them; a failure is only logged (the rounds report and retry on their own).
     */
    private Mono<Void> warmUp() {
        return redis.execute(connection -> connection.ping())
                .then()
                .onErrorResume(e -> {
                    log.warn("Outbox relay could not reach Redis at start ({}); events wait until it can", e.toString());
                    return Mono.empty();
                });
    }

    /**
     * Asks for a round now instead of at the next poll: producers call it after committing an event, so the event
     * is usually on its stream within milliseconds. Never blocks; a nudge during a round is folded into it.
     */
    public void nudge() {
        nudges.tryEmitNext(-1L);
    }

    /** Rounds until a round publishes less than a full batch. */
    private Mono<Void> drain() {
        return relayOnce()
                .expand(published -> published >= properties.batchSize() ? relayOnce() : Mono.empty())
                .then();
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    private static OutboxEvent event(Readable r) {
        return new OutboxEvent(r.get("id", Long.class), r.get("event_id", String.class), r.get("stream", String.class),
                r.get("event_type", String.class), r.get("payload", String.class));
    }

}
