package org.civicstack.identity.audit.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads identity's token events and the gateways' usage records into the audit log, through one consumer group
 * ({@value #GROUP}) per stream, so several identity instances share the work and an entry is acknowledged only after
 * the transaction that appended it committed (a crash re-reads it; the appender stores each event id once). One
 * appender, one batch at a time, the next batch read from Redis while the current one is appended (two batches in
 * memory at most): the streams absorb bursts, producers never wait on the log, memory stays bounded by the batch
 * size. At start the instance first re-reads its own unacknowledged entries; entries another consumer
 * read but left unacknowledged for longer than {@code claimIdle} (an instance that died and does not come back under
 * its name) are claimed and appended by whichever instance looks next.
 * <p>
 * Lag (how far behind the newest stream entry the log is) is the gauge {@code civicstack.identity.audit.lag} in
 * seconds and a detail of the {@code audit} health indicator.
 */
public final class AuditIngest implements SmartLifecycle {

    public static final String GROUP = "identity-audit";
    private static final Logger log = LoggerFactory.getLogger(AuditIngest.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** How many records a usage entry holds at most, as the gateway writes them (its batch). */
    private static final int USAGE_RECORDS_PER_ENTRY = 1_024;

    private final StringRedisTemplate redis;
    private final AuditAppender appender;
    private final StreamEntries entries;
    private final Consumer consumer;
    private final int batchSize;
    private final Duration block;
    private final List<String> streams;
    private final Duration claimIdle;
    private long nextClaimMillis;
    private final Counter appended;
    private final Counter claimed;
    private final Counter duplicates;
    private final Counter malformed;
    private final AtomicLong lagMillis = new AtomicLong();
    private volatile long lastRoundMillis = System.currentTimeMillis();
    private volatile String lastError;
    private volatile Thread worker;
    /** Reads the next batch while the worker appends the current one (one read in flight at a time). */
    private volatile java.util.concurrent.ExecutorService reader;

    public AuditIngest(StringRedisTemplate redis, AuditAppender appender, JsonMapper json, MeterRegistry meters,
            String consumerName, int batchSize, Duration block, Duration claimIdle) {
        this(redis, appender, json, meters, consumerName, batchSize, block, claimIdle,
                List.of(StreamEntries.TOKEN_EVENT_STREAM, StreamEntries.USAGE_STREAM));
    }

    AuditIngest(StringRedisTemplate redis, AuditAppender appender, JsonMapper json, MeterRegistry meters,
            String consumerName, int batchSize, Duration block, Duration claimIdle, List<String> streams) {
        this.claimIdle = claimIdle;
        this.redis = redis;
        this.appender = appender;
        this.entries = new StreamEntries(json);
        this.consumer = Consumer.from(GROUP, consumerName);
        this.batchSize = batchSize;
        this.block = block;
        this.streams = streams;
        this.appended = Counter.builder("civicstack.identity.audit.appended")
                .description("entries appended to the audit log").register(meters);
        this.claimed = Counter.builder("civicstack.identity.audit.claimed")
                .description("stream entries taken over from a consumer that left them unacknowledged")
                .register(meters);
        this.duplicates = Counter.builder("civicstack.identity.audit.duplicates")
                .description("redelivered stream entries the log already held").register(meters);
        this.malformed = Counter.builder("civicstack.identity.audit.malformed")
                .description("stream entries that could not be read and were skipped").register(meters);
        Gauge.builder("civicstack.identity.audit.lag", lagMillis, lag -> lag.get() / 1000.0)
                .description("seconds between the newest stream entry read and now, 0 when caught up")
                .baseUnit("seconds").register(meters);
    }

    /** Seconds the log is behind its streams (0 when the last read found nothing more to read). */
    public double lagSeconds() {
        return lagMillis.get() / 1000.0;
    }

    /** When the last read round finished, in epoch milliseconds; and the last error, if the last round failed. */
    public long lastRoundMillis() {
        return lastRoundMillis;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    private void run() {
        boolean pendingFirst = true;
        CompletableFuture<List<MapRecord<String, Object, Object>>> next = null;
        while (worker == Thread.currentThread()) {
            try {
                if (pendingFirst) {
                    // a read still in flight put its entries in this consumer's pending list: re-read below
                    awaitQuietly(next);
                    next = null;
                    ensureGroups();
                    while (worker == Thread.currentThread() && round(ReadOffset.from("0"), false) > 0) {
                        // re-read this consumer's unacknowledged entries (a crash between append and ack)
                    }
                    pendingFirst = false;
                }
                if (next == null) {
                    next = readAhead();
                }
                List<MapRecord<String, Object, Object>> read = next.join();
                // the next batch is read from Redis while this one is appended to PostgreSQL
                next = readAhead();
                lastRoundMillis = System.currentTimeMillis();
                if (read == null || read.isEmpty()) {
                    lagMillis.set(0);
                } else {
                    ingest(read);
                }
                if (System.currentTimeMillis() >= nextClaimMillis) {
                    while (worker == Thread.currentThread() && claimAbandoned() > 0) {
                        // until no other consumer holds an entry idle for longer than claimIdle
                    }
                    nextClaimMillis = System.currentTimeMillis() + Math.max(1_000, claimIdle.toMillis() / 2);
                }
                lastError = null;
            } catch (RuntimeException e) {
                if (worker != Thread.currentThread()) {
                    break;
                }
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                lastError = cause.toString();
                log.warn("Audit ingest round failed, retrying in {}: {}", RETRY, cause.toString());
                pendingFirst = true;
                sleep(RETRY);
            }
        }
        awaitQuietly(next);
    }

    /** Reads the next batch of new entries on the reader thread. */
    private CompletableFuture<List<MapRecord<String, Object, Object>>> readAhead() {
        return CompletableFuture.supplyAsync(() -> read(ReadOffset.lastConsumed(), true), reader);
    }

    private static void awaitQuietly(CompletableFuture<?> read) {
        if (read != null) {
            try {
                read.join();
            } catch (RuntimeException ignored) {
                // its entries, if any, are in the pending list and read again
            }
        }
    }

    /** One read of every stream, appended and acknowledged; returns how many stream entries were read. */
    private int round(ReadOffset offset, boolean blocking) {
        List<MapRecord<String, Object, Object>> read = read(offset, blocking);
        lastRoundMillis = System.currentTimeMillis();
        if (read == null || read.isEmpty()) {
            lagMillis.set(0);
            return 0;
        }
        return ingest(read);
    }

    /**
     * One read of every stream, each up to its count ({@link #countFor}); when all were empty and {@code blocking},
     * one read of them together that waits up to {@code block} for the next entries.
     */
    private List<MapRecord<String, Object, Object>> read(ReadOffset offset, boolean blocking) {
        List<MapRecord<String, Object, Object>> read = new ArrayList<>();
        for (String stream : streams) {
            List<MapRecord<String, Object, Object>> ofStream = redis.opsForStream().read(consumer,
                    StreamReadOptions.empty().count(countFor(stream)), StreamOffset.create(stream, offset));
            if (ofStream != null) {
                read.addAll(ofStream);
            }
        }
        if (!read.isEmpty() || !blocking) {
            return read;
        }
        @SuppressWarnings("unchecked")
        StreamOffset<String>[] offsets = streams.stream().map(s -> StreamOffset.create(s, offset))
                .toArray(StreamOffset[]::new);
        int fewest = streams.stream().mapToInt(this::countFor).min().orElse(batchSize);
        return redis.opsForStream().read(consumer, StreamReadOptions.empty().count(fewest).block(block), offsets);
    }

    /**
     * Stream entries per read: {@code batchSize} token events, or enough usage entries for about {@code batchSize}
     * records (a usage entry holds a gateway's batch, up to 1,024 records), so memory stays bounded either way.
     */
    private int countFor(String stream) {
        return StreamEntries.USAGE_STREAM.equals(stream) ? Math.max(1, batchSize / USAGE_RECORDS_PER_ENTRY)
                : batchSize;
    }

    /**
     * Takes over, appends and acknowledges the entries other consumers of the group read more than
     * {@code claimIdle} ago and never acknowledged; returns how many.
     */
    private int claimAbandoned() {
        List<MapRecord<String, Object, Object>> taken = new ArrayList<>();
        for (String stream : streams) {
            RecordId[] abandoned = redis.opsForStream().pending(stream, GROUP,
                            org.springframework.data.domain.Range.unbounded(), countFor(stream)).stream()
                    .filter(p -> !p.getConsumerName().equals(consumer.getName()))
                    .filter(p -> p.getElapsedTimeSinceLastDelivery().compareTo(claimIdle) >= 0)
                    .map(org.springframework.data.redis.connection.stream.PendingMessage::getId)
                    .toArray(RecordId[]::new);
            if (abandoned.length > 0) {
                // XCLAIM with the same minimum idle time: an entry its owner just retried stays with it
                taken.addAll(redis.opsForStream().claim(stream, GROUP, consumer.getName(), claimIdle, abandoned));
            }
        }
        if (taken.isEmpty()) {
            return 0;
        }
        log.warn("Took over {} audit stream entries left unacknowledged for over {} by another consumer",
                taken.size(), claimIdle);
        claimed.increment(taken.size());
        return ingest(taken);
    }

    /** Appends what the records hold and acknowledges them; returns how many records. */
    private int ingest(List<MapRecord<String, Object, Object>> read) {
        List<AuditEntry> batch = new ArrayList<>(read.size());
        long newest = 0;
        boolean full = false;
        for (String stream : streams) {
            List<MapRecord<String, Object, Object>> ofStream = read.stream()
                    .filter(r -> stream.equals(r.getStream())).toList();
            full |= ofStream.size() >= countFor(stream);
            for (MapRecord<String, Object, Object> record : ofStream) {
                newest = Math.max(newest, record.getId().getTimestamp());
                addEntries(stream, record, batch);
            }
        }
        int added = appender.append(batch);
        appended.increment(added);
        duplicates.increment(batch.size() - added);
        acknowledge(read);
        lagMillis.set(full ? Math.max(0, System.currentTimeMillis() - newest) : 0);
        return read.size();
    }

    /** The audit entries of one stream entry (a usage entry holds a batch); a malformed one is counted and skipped. */
    private void addEntries(String stream, MapRecord<String, Object, Object> record, List<AuditEntry> batch) {
        Map<String, String> fields = new java.util.HashMap<>();
        record.getValue().forEach((k, v) -> fields.put(k.toString(), v == null ? null : v.toString()));
        if (StreamEntries.USAGE_STREAM.equals(stream)) {
            try {
                batch.addAll(entries.usageEntry(record.getId().getValue(), fields));
            } catch (IllegalArgumentException malformedEntry) {
                malformed.increment();
                log.warn("Skipped a malformed entry {} on {}: {}", record.getId(), stream,
                        malformedEntry.getMessage());
            }
            return;
        }
        Optional<AuditEntry> entry = entries.tokenEvent(fields);
        if (entry.isEmpty()) {
            malformed.increment();
            log.warn("Skipped a malformed entry {} on {}", record.getId(), stream);
        }
        entry.ifPresent(batch::add);
    }

    private void acknowledge(List<MapRecord<String, Object, Object>> read) {
        for (String stream : streams) {
            RecordId[] ids = read.stream().filter(r -> stream.equals(r.getStream())).map(MapRecord::getId)
                    .toArray(RecordId[]::new);
            if (ids.length > 0) {
                redis.opsForStream().acknowledge(stream, GROUP, ids);
            }
        }
    }

    /** Creates each stream (empty) and the group from its first entry, when missing. */
    private void ensureGroups() {
        for (String stream : streams) {
            try {
                redis.execute((RedisCallback<String>) connection -> createGroup(connection, stream));
            } catch (RedisSystemException e) {
                if (!String.valueOf(e.getMostSpecificCause().getMessage()).contains("BUSYGROUP")) {
                    throw e;
                }
            }
        }
    }

    private static String createGroup(RedisConnection connection, String stream) {
        return connection.streamCommands().xGroupCreate(stream.getBytes(StandardCharsets.UTF_8), GROUP,
                ReadOffset.from("0"), true);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void start() {
        if (worker == null) {
            reader = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "cs-audit-read");
                thread.setDaemon(true);
                return thread;
            });
            Thread thread = new Thread(this::run, "cs-audit-ingest");
            thread.setDaemon(true);
            worker = thread;
            thread.start();
        }
    }

    @Override
    public synchronized void stop() {
        Thread current = worker;
        worker = null;
        if (current != null) {
            current.interrupt();
            try {
                current.join(block.toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        java.util.concurrent.ExecutorService readerNow = reader;
        reader = null;
        if (readerNow != null) {
            readerNow.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }
}
