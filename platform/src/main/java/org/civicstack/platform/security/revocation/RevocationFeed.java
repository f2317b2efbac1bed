package org.civicstack.platform.security.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads identity's revocations (the stream {@value #STREAM}) into the {@link RevocationList}. Every instance of
 * every service that checks tokens (the gateway, the reactive resource servers) reads the whole stream (no consumer
 * group): at start from the stream id of (now − retention), then every
 * {@code poll} from the last id seen, so a revocation is applied within about one poll interval of identity
 * committing it. The list is <em>current</em> once the catch-up finished and while reads succeed within the
 * staleness bound; a failed read keeps the position and the next one catches up. Malformed entries are skipped.
 */
public final class RevocationFeed implements SmartLifecycle {

    public static final String STREAM = "cs:identity:revocations";
    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);
    private static final int COUNT = 512;

    private final ReactiveStringRedisTemplate redis;
    private final RevocationList list;
    private final JsonMapper json;
    private final Duration poll;
    private final Duration retention;
    private final Duration staleness;
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final Counter events;
    private final Counter malformed;
    private volatile String lastId;
    private volatile long lastReadMillis;
    private volatile boolean caughtUp;
    private volatile Disposable running;

    public RevocationFeed(ReactiveStringRedisTemplate redis, RevocationList list, JsonMapper json, MeterRegistry meters,
            Duration poll, Duration retention, Duration staleness) {
        this.redis = redis;
        this.list = list;
        this.json = json;
        this.poll = poll;
        this.retention = retention;
        this.staleness = staleness;
        this.events = Counter.builder("civicstack.revocation.events")
                .description("revocations applied to the deny-list").register(meters);
        this.malformed = Counter.builder("civicstack.revocation.malformed")
                .description("revocation stream entries that could not be read").register(meters);
        Gauge.builder("civicstack.revocation.entries", list, RevocationList::size)
                .description("revocations held in the deny-list").register(meters);
        Gauge.builder("civicstack.revocation.lag", this, feed -> feed.lagSeconds())
                .description("seconds since the last successful read of the revocation stream").baseUnit("seconds")
                .register(meters);
        Gauge.builder("civicstack.revocation.current", list, l -> l.current() ? 1 : 0)
                .description("1 when the deny-list is caught up and being read").register(meters);
    }

    /** A feed with the settings of {@code civicstack.security.revocation.*}. */
    public static RevocationFeed of(ReactiveStringRedisTemplate redis, RevocationList list, JsonMapper json,
            MeterRegistry meters, RevocationProperties properties) {
        return new RevocationFeed(redis, list, json, meters, properties.poll(), properties.retention(),
                properties.staleness());
    }

    /** One read: applies what is new; emits how many entries were read. */
    public Mono<Integer> readOnce() {
        String from = lastId != null ? lastId : (Instant.now().minus(retention).toEpochMilli()) + "-0";
        return redis.opsForStream()
                .read(StreamReadOptions.empty().count(COUNT), StreamOffset.create(STREAM, ReadOffset.from(from)))
                .doOnNext(this::apply)
                .count()
                .map(Long::intValue)
                .doOnNext(this::afterRead);
    }

    private void afterRead(int read) {
        lastReadMillis = System.currentTimeMillis();
        if (read < COUNT) {
            caughtUp = true;
        }
        list.setCurrent(caughtUp);
    }

    private void apply(MapRecord<String, Object, Object> record) {
        lastId = record.getId().getValue();
        Object payload = record.getValue().get("payload");
        try {
            JsonNode event = json.readTree(String.valueOf(payload));
            String eventId = event.required("event_id").asString();
            if (!applied.add(eventId)) {
                return; // delivered twice
            }
            boolean known = list.apply(event.required("kind").asString(), event.required("value").asString(),
                    Instant.parse(event.required("revoked_at").asString()).toEpochMilli(),
                    Instant.parse(event.required("expires_at").asString()).toEpochMilli());
            if (known) {
                events.increment();
            } else {
                malformed.increment();
            }
        } catch (RuntimeException e) {
            malformed.increment();
            log.warn("Skipped a malformed revocation {}: {}", record.getId(), e.toString());
        }
    }

    /** Seconds since the last successful read. */
    public double lagSeconds() {
        return lastReadMillis == 0 ? Double.NaN : (System.currentTimeMillis() - lastReadMillis) / 1000.0;
    }

    /** Marks the list not current when reads have failed for longer than the staleness bound. */
    private void checkStaleness() {
        if (System.currentTimeMillis() - lastReadMillis > staleness.toMillis()) {
            list.setCurrent(false);
        }
        list.purgeExpired();
        if (applied.size() > 100_000) {
            applied.clear(); // ids of entries long applied; a redelivery then re-applies one, which is harmless
        }
    }

    @Override
    public void start() {
        running = Flux.interval(Duration.ZERO, poll)
                .onBackpressureDrop()
                .concatMap(tick -> readRounds()
                        .onErrorResume(e -> {
                            log.warn("Revocation feed read failed, retrying: {}", e.toString());
                            return Mono.empty();
                        })
                        .then(Mono.fromRunnable(this::checkStaleness)), 1)
                .subscribe();
    }

    /** Reads until a read returns less than a full batch (catch-up after start or an outage). */
    private Mono<Void> readRounds() {
        return readOnce()
                .expand(read -> read >= COUNT ? readOnce() : Mono.empty())
                .then();
    }

    @Override
    public void stop() {
        Disposable current = running;
        running = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /** For health: whether current, entries held, last id. */
    public Map<String, Object> details() {
        return Map.of("current", list.current(), "entries", list.size(), "last_id", lastId == null ? "" : lastId,
                "lag_seconds", Double.isNaN(lagSeconds()) ? -1 : lagSeconds());
    }
}
