package org.civicstack.gateway.dispatch;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the {@link RoutingIndex} in step with the registry: loads the snapshot at start, then applies the change
 * stream ({@code cs:registry:routing}) one entry at a time. The stream position is taken before the snapshot, so
 * nothing committed in between is missed (duplicates are recognised by version). A gap — a missed or trimmed
 * event — is closed from the registry's change endpoint without touching the rest of the index; only if that
 * fails is the snapshot loaded again. Traffic keeps flowing throughout: the index is never emptied.
 */
public final class RoutingSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RoutingSync.class);
    static final String STREAM = "cs:registry:routing";
    static final int BATCH = 1_000;
    /** How long {@link #start()} waits for the first routing table before the gateway starts without it. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    private final RoutingIndex index;
    private final RegistryClient registry;
    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final RegistryClientProperties properties;
    /**
     * Built once, eagerly: its deserializer is made here, at start, not when the first change arrives (that took
     * ~75 ms of the first change's way to the index when the snapshot was empty and had not needed it).
     */
    private final ObjectReader routeReader;
    private volatile Disposable running;
    private volatile String streamPosition = "0-0";
    private volatile long resyncs;

    public RoutingSync(RoutingIndex index, RegistryClient registry, ReactiveStringRedisTemplate redis, JsonMapper json,
            RegistryClientProperties properties) {
        this.index = index;
        this.registry = registry;
        this.redis = redis;
        this.json = json;
        this.properties = properties;
        this.routeReader = json.readerFor(RouteEntry.class);
    }

    /**
     * Starts the sync and waits, at most {@link #STARTUP_WAIT}, until the routing table is loaded, so that a started
     * gateway (and the all-in-one's "CivicStack is up") already routes: without the wait the first snapshot — the
     * first token from identity and the first call to the registry, both cold right after start — took seconds
     * after start, and a change made in that window waited for it (the first publish took ~4 s to take effect, later
     * ones 0.1 s). The stream is read at once after the snapshot, then every poll interval. When the registry is
     * not reachable within the wait (it may start after the gateway), start goes on and the table loads as soon as
     * the registry answers.
     */
    @Override
    public void start() {
        Duration poll = properties.pollInterval();
        CountDownLatch loaded = new CountDownLatch(1);
        long started = System.nanoTime();
        running = bootstrap()
                .doOnSuccess(done -> loaded.countDown())
                .thenMany(Flux.interval(Duration.ZERO, poll)
                        .onBackpressureDrop()
                        .concatMap(tick -> readStream()
                                .onErrorResume(e -> {
                                    log.warn("Routing stream read failed: {}", e.toString());
                                    return Mono.empty();
                                }), 1))
                .subscribe();
        try {
            if (!loaded.await(STARTUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Routing table not loaded within {} of start; starting without it (agency services answer as "
                        + "unknown until it loads, which is retried every {})", STARTUP_WAIT, properties.retryInterval());
            } else {
                log.info("Routing sync started: table loaded and change stream followed {} ms after start",
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Snapshot with retries until the registry answers; the stream position is fixed first. */
    Mono<Void> bootstrap() {
        return currentStreamEnd()
                .doOnNext(id -> streamPosition = id)
                .then(Mono.defer(this::loadSnapshot))
                .retryWhen(reactor.util.retry.Retry.fixedDelay(Long.MAX_VALUE, properties.retryInterval())
                        .doBeforeRetry(s -> log.warn("Routing snapshot not available yet ({}), retrying",
                                s.failure().toString())));
    }

    private Mono<String> currentStreamEnd() {
        return redis.opsForStream().reverseRange(STREAM, Range.unbounded(), org.springframework.data.redis.connection.Limit.limit().count(1))
                .next()
                .map(record -> record.getId().getValue())
                .defaultIfEmpty("0-0");
    }

    private Mono<Void> loadSnapshot() {
        long started = System.nanoTime();
        return registry.snapshot().doOnNext(snapshot -> {
            index.load(snapshot.version(), snapshot.entries());
            log.info("Routing table loaded: {} services at version {} in {} ms", snapshot.entries().size(),
                    snapshot.version(), (System.nanoTime() - started) / 1_000_000);
        }).then();
    }

    /** One read of new stream entries, applied in order. */
    Mono<Void> readStream() {
        return redis.opsForStream()
                .read(StreamReadOptions.empty().count(BATCH), StreamOffset.create(STREAM, ReadOffset.from(streamPosition)))
                .concatMap(this::applyRecord)
                .then();
    }

    private Mono<Void> applyRecord(MapRecord<String, Object, Object> record) {
        streamPosition = record.getId().getValue();
        Object payload = record.getValue().get("payload");
        if (payload == null) {
            return Mono.empty();
        }
        RouteEntry entry = routeReader.readValue(payload.toString());
        RoutingIndex.Outcome outcome = index.apply(entry);
        if (outcome == RoutingIndex.Outcome.GAP) {
            return catchUp().then(Mono.fromRunnable(() -> index.apply(entry)));
        }
        return Mono.empty();
    }

    /** Closes a gap from the registry's change endpoint; falls back to a fresh snapshot. */
    Mono<Void> catchUp() {
        resyncs++;
        long from = index.version();
        log.info("Routing feed gap after version {}: catching up from the registry", from);
        return registry.changesAfter(from, BATCH)
                .doOnNext(index::apply)
                .count()
                .flatMap(n -> n == BATCH ? catchUp() : Mono.<Void>empty())
                .onErrorResume(e -> {
                    log.warn("Catch-up failed ({}); reloading the snapshot", e.toString());
                    return loadSnapshot();
                });
    }

    public long resyncs() {
        return resyncs;
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

}
