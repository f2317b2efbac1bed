package org.civicstack.gateway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.civicstack.platform.events.UsageStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One usage record per dispatched request — service, status, latency, caller and request id — onto a Redis Stream:
 * {@value #STREAM} when the record concerns a citizen token (see {@link Usage#concernsToken()}; identity's token audit
 * log reads this stream), {@value #ANONYMOUS_STREAM} when no token was involved (anonymous services: for usage
 * statistics; the audit log would read and skip every one of them, which under load cost identity a quarter of the
 * platform's CPU — bench/gateway-dispatch, 2026-12-04).
 * <p>
 * What callers may rely on: {@link #record} may be called from any number of threads at once (Netty event loops),
 * never blocks and never throws for a Redis problem; it only times the request and offers the record to a bounded
 * in-memory buffer. One writer thread takes batches of up to {@value #BATCH} records — a full batch as soon as there
 * is one, a partial one at least every {@link #FLUSH_INTERVAL} — and appends each batch with ONE script call
 * ({@code usage-append.lua}: one stream entry per stream holding the batch's records in the {@link UsageStream}
 * format, each stream trimmed to about {@code streamMaxLength} records; a call per stream, its two keys in one cluster
 * slot), so a batch's records for a stream are written whole or not at all;
 * up to {@value #MAX_IN_FLIGHT} batches in flight, sent in order from one
 * thread on one connection, so Redis appends them in the order they were taken. A record is lost only when the buffer is full
 * or its batch fails or takes longer than {@link #WRITE_TIMEOUT}; every lost record is counted in
 * {@code civicstack.gateway.usage.dropped} (and every written one in {@code civicstack.gateway.usage.written}), and
 * failures are logged at most once per {@link #FAILURE_LOG_INTERVAL}. {@link #stop} writes what is still buffered,
 * waiting at most {@link #STOP_TIMEOUT}.
 * <p>
 * Metrics stay low-cardinality: per-service detail lives in the stream, not in meter tags (8,000+ services).
 */
public final class UsageRecorder implements SmartLifecycle {

    public static final String STREAM = UsageStream.TOKEN_STREAM;
    /** Where records go that concern no token (anonymous services). */
    public static final String ANONYMOUS_STREAM = UsageStream.ANONYMOUS_STREAM;
    /** Records the buffer holds: about a quarter of a second at 60,000 requests per second. */
    static final int BUFFER = 65_536;
    static final int BATCH = 1_024;
    /**
     * Batches sent before the first is answered. One at a time kept the writer to one round trip per batch, and on a
     * saturated machine (the gateway, identity's audit ingest and Redis on 2 cores) a round trip grew past a batch's
     * worth of requests: the buffer filled and records were dropped (bench/audit-under-dispatch, 2026-12-04).
     */
    static final int MAX_IN_FLIGHT = 4;
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration QUEUED_TIMEOUT = WRITE_TIMEOUT.multipliedBy(MAX_IN_FLIGHT + 1);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);
    /** How often the writer looks at the buffer; a partial batch is written on the last look before the interval. */
    static final Duration TICK = Duration.ofMillis(20);
    /**
     * Started before and stopped after the web server (Boot's graceful shutdown and web server phases are
     * {@code DEFAULT_PHASE - 1024} and {@code - 2048}), so requests finishing during a graceful shutdown are still
     * written; and stopped before the Redis connection factory (phase 0) that the final flush needs.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final long PARTIAL_BATCH_AFTER_NANOS = FLUSH_INTERVAL.minus(TICK).toNanos();
    private static final long FAILURE_LOG_INTERVAL_NANOS = FAILURE_LOG_INTERVAL.toNanos();

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    private static final RedisScript<Long> APPEND = RedisScript.of(
            new ClassPathResource("org/civicstack/gateway/usage/usage-append.lua"), Long.class);
    private static final ByteBuffer APPEND_SOURCE = ByteBuffer.wrap(
            APPEND.getScriptAsString().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();

    /**
     * One dispatched request. {@code caller} is opaque (never a phone number or address in clear). On citizen
     * services also the citizen token's {@code jti}, {@code sid}, {@code sub} and {@code client_id} (for the audit
     * log, issue #9); {@code null} (written as empty) on anonymous services and on requests refused before the token
     * was verified; those fields are then left out of the stream entry. Identifiers only, never the token itself.
     * {@code agencyId} is the service's agency; {@code refusal} why the gateway itself refused the request before
     * it went upstream (the problem code, e.g. {@code token_missing}, {@code insufficient_scope},
     * {@code rate_limited}, or a revocation: {@code revoked_session} …), so an agency's own 401 is told apart.
     */
    public record Usage(String service, int status, long latencyMicros, String method, String requestId,
            String caller, long epochMillis, String jti, String sid, String subject, String clientId,
            String agencyId, String refusal) {

        /**
         * Whether the record concerns a citizen token, and so belongs in the token audit log: the request carried a
         * verified token ({@code jti}), or the gateway refused it for its token before one was verified (401/403 with a
         * refusal: none, or an invalid one). The same rule as identity's {@code StreamEntries#usage}.
         */
        public boolean concernsToken() {
            return present(jti) || present(refusal) && (status == 401 || status == 403);
        }

        private static boolean present(String value) {
            return value != null && !value.isEmpty();
        }

        /** A record of an anonymous request that went upstream: no citizen, no refusal. */
        public Usage(String service, int status, long latencyMicros, String method, String requestId, String caller,
                long epochMillis) {
            this(service, status, latencyMicros, method, requestId, caller, epochMillis, null, null, null, null,
                    null, null);
        }
    }

    /** The {@code outcome} tag of the dispatch timer: the status class, nothing finer. */
    enum Outcome {
        SUCCESS("success"), CLIENT_ERROR("client_error"), SERVER_ERROR("server_error"), OTHER("other");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        static Outcome of(int status) {
            if (status >= 500) {
                return SERVER_ERROR;
            }
            if (status >= 400) {
                return CLIENT_ERROR;
            }
            return status >= 200 ? SUCCESS : OTHER;
        }

        String tag() {
            return tag;
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final String streamKey;
    private final UsageBuffer buffer;
    /** Used by the writer thread only (and by {@link #stop} once that thread is gone). */
    private final UsageBatchEncoder encoder;
    /** The dispatch timers, indexed by {@link Outcome#ordinal()}. */
    private final Timer[] timers;
    private final Counter dropped;
    private final MeterRegistry meters;
    private final java.util.Map<String, Counter> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    private final Counter written;
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private volatile long lastWarningNanos = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;
    private volatile long lastBatchNanos = System.nanoTime();
    /** The batch sent last: answered last, as batches go out in order on one connection and each has its timeout. */
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    private final AtomicInteger batchesInFlight = new AtomicInteger();
    /** One thread subscribes every batch, in the order they were taken (see {@link #write}). */
    private volatile Scheduler sender;
    private volatile ScheduledExecutorService writer;

    /**
     * A recorder onto {@value #STREAM} and {@value #ANONYMOUS_STREAM}, each trimmed to about {@code streamMaxLength}
     * records.
     */
    public UsageRecorder(ReactiveStringRedisTemplate redis, MeterRegistry meters, long streamMaxLength) {
        this(redis, meters, streamMaxLength, STREAM, BUFFER);
    }

    /** Tests: records onto {@code streamKey} and {@code streamKey + ":anonymous"}. */
    UsageRecorder(ReactiveStringRedisTemplate redis, MeterRegistry meters, long streamMaxLength, String streamKey,
            int bufferCapacity) {
        if (streamMaxLength < 1) {
            throw new IllegalArgumentException("stream max length must be at least 1, was " + streamMaxLength);
        }
        this.redis = redis;
        this.streamKey = streamKey;
        this.buffer = new UsageBuffer(bufferCapacity);
        this.encoder = new UsageBatchEncoder(streamKey, anonymousStreamOf(streamKey), streamMaxLength);
        this.timers = dispatchTimers(meters);
        this.meters = meters;
        this.dropped = Counter.builder("civicstack.gateway.usage.dropped")
                .description("usage records dropped because the buffer was full or Redis failed or was too slow")
                .register(meters);
        this.written = Counter.builder("civicstack.gateway.usage.written")
                .description("usage records appended to the usage stream")
                .register(meters);
        Gauge.builder("civicstack.gateway.usage.queued", buffer, UsageBuffer::size)
                .description("usage records buffered, not yet taken by the writer")
                .register(meters);
    }

    /**
     * {@code civicstack.gateway.refusals{reason}}: requests the gateway refused itself, per reason. Reasons are the
     * gateway's own codes (a bounded set); anything else is counted as {@code other} so a tag cannot grow unbounded.
     */
    private Counter refusalCounter(String reason) {
        String tag = REFUSAL_REASONS.contains(reason) ? reason : "other";
        return Counter.builder("civicstack.gateway.refusals").tag("reason", tag)
                .description("requests the gateway refused before they went upstream, by reason")
                .register(meters);
    }

    /** The reasons DispatchExchange records (access problems, revocations, the rate limit). */
    static final java.util.Set<String> REFUSAL_REASONS = java.util.Set.of("token_missing", "token_invalid",
            "assurance_level_too_low", "insufficient_scope", "identity_unavailable", "rate_limited", "revoked_token",
            "revoked_session", "revoked_citizen", "revoked_client", "revocation_unverified");

    private static Timer[] dispatchTimers(MeterRegistry meters) {
        Outcome[] outcomes = Outcome.values();
        Timer[] timers = new Timer[outcomes.length];
        for (Outcome outcome : outcomes) {
            timers[outcome.ordinal()] = Timer.builder("civicstack.gateway.dispatch")
                    .description("agency-service dispatch latency (per-service detail is in the usage stream)")
                    .tag("outcome", outcome.tag())
                    .publishPercentileHistogram()
                    .register(meters);
        }
        return timers;
    }

    /** Records a finished request; never blocks, never fails the request. */
    public void record(Usage usage) {
        timers[Outcome.of(usage.status()).ordinal()].record(usage.latencyMicros(), TimeUnit.MICROSECONDS);
        if (usage.refusal() != null) {
            refusals.computeIfAbsent(usage.refusal(), this::refusalCounter).increment();
        }
        if (!buffer.offer(usage)) {
            dropped.increment();
        }
    }

    /** The anonymous stream that goes with a token stream ({@value #ANONYMOUS_STREAM} for {@value #STREAM}). */
    static String anonymousStreamOf(String streamKey) {
        return streamKey + ":anonymous";
    }

    static String outcome(int status) {
        return Outcome.of(status).tag();
    }

    /** Runs on the writer thread only: starts batches while fewer than {@link #MAX_IN_FLIGHT} are in flight. */
    private void drain() {
        while (batchesInFlight.get() < MAX_IN_FLIGHT && batchDue()) {
            inFlight = writeNextBatch();
        }
    }

    private boolean batchDue() {
        int queued = buffer.size();
        return queued >= BATCH || queued > 0 && System.nanoTime() - lastBatchNanos >= PARTIAL_BATCH_AFTER_NANOS;
    }

    private CompletableFuture<Void> writeNextBatch() {
        lastBatchNanos = System.nanoTime();
        batchesInFlight.incrementAndGet();
        CompletableFuture<Void> done = write(buffer.take(BATCH)).toFuture();
        done.whenComplete((ignored, error) -> {
            batchesInFlight.decrementAndGet();
            drainAgainIfFull();
        });
        return done;
    }

    /** Under load, the next full batch goes out as soon as a batch is answered, not on the next tick. */
    private void drainAgainIfFull() {
        ScheduledExecutorService current = writer;
        if (current == null || buffer.size() < BATCH) {
            return;
        }
        try {
            current.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            log.debug("Writer stopping; stop() writes what is left");
        }
    }

    /**
     * Subscribed on the recorder's sender thread: Spring Data Redis opens the shared Lettuce connection synchronously
     * on first use (and on every use while Redis refuses connections), which would otherwise stall the writer thread,
     * or {@link #stop}, past every timeout here; and one thread hands the batches to the connection in order. A
     * batch's {@link #WRITE_TIMEOUT} runs from when that thread sends it, not while it waits behind the batches before
     * it (at most {@link #MAX_IN_FLIGHT}: a cold start's first connection and script load must not time out four
     * batches at once); {@link #QUEUED_TIMEOUT} bounds the whole, for a thread stuck opening a connection to a server
     * that never answers. The arguments are encoded here, on the calling (writer) thread, by
     * {@link UsageBatchEncoder}; a server that does not know the script yet ({@code NOSCRIPT}, e.g. after a restart)
     * gets it with the same arguments.
     */
    private Mono<Void> write(List<Usage> batch) {
        List<UsageBatchEncoder.Call> calls = encoder.encode(batch);
        // one script call per stream (its two keys share a cluster slot), each written as a whole or not at all,
        // both sent at once, in this order, on the same connection
        return Flux.fromIterable(calls).flatMap(this::append).then();
    }

    private Mono<Void> append(UsageBatchEncoder.Call call) {
        ByteBuffer[] keysAndArgs = call.keysAndArgs();
        return redis.execute(connection -> connection.scriptingCommands()
                        .<Long>evalSha(APPEND.getSha1(), ReturnType.INTEGER, UsageBatchEncoder.KEYS, keysAndArgs)
                        .onErrorResume(UsageRecorder::noScript, unknown -> connection.scriptingCommands()
                                .<Long>eval(APPEND_SOURCE.duplicate(), ReturnType.INTEGER, UsageBatchEncoder.KEYS,
                                        keysAndArgs)))
                .next()
                .timeout(WRITE_TIMEOUT)
                .subscribeOn(sender)
                .timeout(QUEUED_TIMEOUT)
                .doOnNext(added -> written.increment(added))
                .then()
                .onErrorResume(error -> drop(call.records(), error));
    }

    /** Redis answered {@code NOSCRIPT}: it does not hold the script (yet). */
    private static boolean noScript(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private Mono<Void> drop(int records, Throwable error) {
        dropped.increment(records);
        warnAtMostOncePerInterval(records, error);
        return Mono.empty();
    }

    /** While Redis fails, one warning per {@link #FAILURE_LOG_INTERVAL} with the records lost since the last one. */
    private void warnAtMostOncePerInterval(int lost, Throwable error) {
        long unreported = droppedSinceWarning.addAndGet(lost);
        long now = System.nanoTime();
        if (now - lastWarningNanos < FAILURE_LOG_INTERVAL_NANOS) {
            return;
        }
        lastWarningNanos = now;
        droppedSinceWarning.addAndGet(-unreported);
        log.warn("Usage records cannot be written to {}: {} dropped since the last warning (next warning in {} s "
                + "at the earliest): {}", streamKey, unreported, FAILURE_LOG_INTERVAL.toSeconds(), error.toString());
    }

    @Override
    public synchronized void start() {
        if (writer != null) {
            return;
        }
        sender = Schedulers.newSingle("cs-usage-send", true);
        // the connection opened and the script loaded before the first batch, when Redis is there (else the first
        // batch finds out)
        redis.execute(connection -> connection.scriptingCommands().scriptLoad(APPEND_SOURCE.duplicate()))
                .timeout(WRITE_TIMEOUT)
                .subscribeOn(sender)
                .subscribe(loaded -> { }, notYet -> log.debug("Usage script not loaded at start: {}", notYet.toString()));
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(UsageRecorder::writerThread);
        executor.scheduleWithFixedDelay(this::drain, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        writer = executor;
    }

    private static Thread writerThread(Runnable task) {
        Thread thread = new Thread(task, "cs-usage-writer");
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Stops the writer, then writes what is buffered, batch by batch, for at most {@link #STOP_TIMEOUT}; records
     * still buffered after that are dropped and counted. Records offered after this stay buffered until the next
     * {@link #start}.
     */
    @Override
    public synchronized void stop() {
        ScheduledExecutorService current = writer;
        if (current == null) {
            return;
        }
        writer = null;
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        current.shutdownNow();
        try {
            current.awaitTermination(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            flushUntil(deadline);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        discardLeftovers();
        sender.dispose();
    }

    /** With the writer thread gone, this thread takes over: one batch in flight, until empty or out of time. */
    private void flushUntil(long deadline) throws InterruptedException {
        try {
            inFlight.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            while (buffer.size() > 0) {
                inFlight = writeNextBatch();
                inFlight.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | ExecutionException notFlushed) {
            log.debug("Usage flush on stop ended early: {}", notFlushed.toString());
        }
    }

    private void discardLeftovers() {
        int discarded = buffer.discard();
        if (discarded > 0) {
            dropped.increment(discarded);
            log.warn("{} usage records dropped on stop: not written to {} within {} s", discarded, streamKey,
                    STOP_TIMEOUT.toSeconds());
        }
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
