package org.civicstack.gateway.usage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One usage record per dispatched request — service, status, latency, caller and request id — onto the Redis Stream
 * {@value #STREAM} for the audit and metrics consumers. Records are buffered in memory (bounded) and written in
 * batches off the request path; when Redis cannot keep up, records are dropped and counted, never blocking traffic.
 * Metrics stay low-cardinality: per-service detail lives in the stream, not in meter tags (8,000+ services).
 */
public final class UsageRecorder implements SmartLifecycle {

    public static final String STREAM = "cs:gateway:usage";
    static final int BUFFER = 16_384;

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    /** One dispatched request. {@code caller} is opaque (never a phone number or address in clear). */
    public record Usage(String service, int status, long latencyMicros, String method, String requestId,
            String caller, long epochMillis) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final Sinks.Many<Usage> sink = Sinks.many().multicast().onBackpressureBuffer(BUFFER, false);
    private final Counter dropped;
    private final Counter written;
    private final MeterRegistry meters;
    private final long streamMaxLength;
    private final Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Disposable writer;

    public UsageRecorder(ReactiveStringRedisTemplate redis, MeterRegistry meters, long streamMaxLength) {
        this.redis = redis;
        this.meters = meters;
        this.streamMaxLength = streamMaxLength;
        this.dropped = Counter.builder("civicstack.gateway.usage.dropped")
                .description("usage records dropped because the buffer was full or Redis failed").register(meters);
        this.written = Counter.builder("civicstack.gateway.usage.written").register(meters);
    }

    /** Records a finished request; never blocks, never fails the request. */
    public void record(Usage usage) {
        timers.computeIfAbsent(outcome(usage.status()), outcome -> Timer.builder("civicstack.gateway.dispatch")
                        .description("agency-service dispatch latency (per-service detail is in the usage stream)")
                        .tag("outcome", outcome)
                        .publishPercentileHistogram()
                        .register(meters))
                .record(usage.latencyMicros(), java.util.concurrent.TimeUnit.MICROSECONDS);
        if (sink.tryEmitNext(usage).isFailure()) {
            dropped.increment();
        }
    }

    static String outcome(int status) {
        if (status >= 500) {
            return "server_error";
        }
        if (status >= 400) {
            return "client_error";
        }
        return status >= 200 ? "success" : "other";
    }

    @Override
    public void start() {
        writer = sink.asFlux()
                .bufferTimeout(256, Duration.ofMillis(200))
                .concatMap(this::write, 1)
                .subscribe();
    }

    private Mono<Void> write(List<Usage> batch) {
        XAddOptions trim = XAddOptions.maxlen(streamMaxLength).approximateTrimming(true);
        return Flux.fromIterable(batch)
                .flatMap(usage -> redis.opsForStream().add(STREAM, fields(usage), trim), 64)
                .doOnNext(id -> written.increment())
                .then()
                .timeout(Duration.ofSeconds(2))
                .onErrorResume(e -> {
                    dropped.increment(batch.size());
                    log.warn("Usage records not written ({} dropped): {}", batch.size(), e.toString());
                    return Mono.empty();
                });
    }

    private static Map<String, String> fields(Usage usage) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service", usage.service());
        fields.put("status", Integer.toString(usage.status()));
        fields.put("latency_us", Long.toString(usage.latencyMicros()));
        fields.put("method", usage.method());
        fields.put("request_id", usage.requestId() == null ? "" : usage.requestId());
        fields.put("caller", usage.caller() == null ? "" : usage.caller());
        fields.put("ts", Long.toString(usage.epochMillis()));
        return fields;
    }

    @Override
    public void stop() {
        sink.tryEmitComplete();
        Disposable current = writer;
        if (current != null) {
            current.dispose();
        }
        writer = null;
    }

    @Override
    public boolean isRunning() {
        return writer != null && !writer.isDisposed();
    }
}
