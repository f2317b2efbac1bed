package org.civicstack.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.gateway.ratelimit.RateLimiterMetrics.FallbackReason;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway's per-service rate limiter: a token bucket per service (all callers together) and per caller of a
 * service, kept in Redis so every gateway instance enforces one shared limit.
 *
 * <p>Callers may rely on:
 * <ul>
 * <li>one token is taken from each applicable bucket atomically, or none is: a refusal by the per-caller bucket does
 * not use up the service's bucket and vice versa;</li>
 * <li>the returned {@code Mono} never fails because of Redis and never waits for it longer than
 * {@link RateLimiterProperties#redisTimeout()}: when Redis is slow, down or failing, the decision is made by a local
 * fallback with {@link RateLimiterProperties#localFallbackShare()} of each limit and is marked
 * {@link RateLimitDecision#fallback()};</li>
 * <li>a {@code null} limit means "no limit of that kind"; without a caller id only the per-service limit applies.</li>
 * </ul>
 * See {@code docs/rate-limiting.md} for the algorithm, the keys and the behaviour during a Redis outage.
 */
public class RedisTokenBucketRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBucketRateLimiter.class);

    /** Script result: {allowed (1|0), remaining whole tokens, ms until a retry can succeed}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<Long>> TOKEN_BUCKET = (RedisScript) RedisScript.of(
            new ClassPathResource("org/civicstack/gateway/ratelimit/token-bucket.lua"), List.class);

    private static final int MAX_SERVICE_CODE_LENGTH = 128;
    private static final int MAX_CALLER_ID_LENGTH = 256;

    private final ReactiveStringRedisTemplate redis;
    private final Duration redisTimeout;
    private final LocalFallbackLimiter fallback;
    private final RedisAvailability availability;
    private final RateLimiterMetrics metrics;

    public RedisTokenBucketRateLimiter(ReactiveStringRedisTemplate redis, RateLimiterProperties properties,
            MeterRegistry meters) {
        this(redis, properties, meters, Clock.systemUTC(), System::nanoTime);
    }

    RedisTokenBucketRateLimiter(ReactiveStringRedisTemplate redis, RateLimiterProperties properties,
            MeterRegistry meters, Clock clock, LongSupplier nanoTicker) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.redisTimeout = properties.redisTimeout();
        this.fallback = new LocalFallbackLimiter(properties.localFallbackShare(), properties.localMaxBuckets(),
                nanoTicker);
        this.availability = new RedisAvailability(properties.redisRetryInterval(), clock, nanoTicker);
        this.metrics = new RateLimiterMetrics(meters);
    }

    /**
     * Takes one token for a request to {@code serviceCode}.
     *
     * @param serviceCode the service's code, at most 128 characters, without braces (they delimit the Redis Cluster
     *        hash tag), whitespace or control characters
     * @param perService the limit on all callers of the service together, or {@code null} for none
     * @param callerId who is calling (an opaque, stable id such as the citizen's subject); empty for anonymous calls,
     *        which only the per-service limit applies to
     * @param perCaller the limit on each caller of the service, or {@code null} for none
     * @return the decision; never an error caused by Redis
     */
    public Mono<RateLimitDecision> acquire(String serviceCode, @Nullable RateLimit perService,
            Optional<String> callerId, @Nullable RateLimit perCaller) {
        List<Bucket> buckets = buckets(serviceCode, perService, callerId, perCaller);
        if (buckets.isEmpty()) {
            return Mono.just(RateLimitDecision.unlimited());
        }
        return Mono.defer(() -> decide(buckets))
                .doOnNext(metrics::decided);
    }

    /**
     * As {@link #acquire}, but a refusal is the error {@link RateLimitExceeded} (429 problem+json with
     * {@code Retry-After}), ready to be returned from a filter.
     */
    public Mono<RateLimitDecision> acquireOrReject(String serviceCode, @Nullable RateLimit perService,
            Optional<String> callerId, @Nullable RateLimit perCaller) {
        return acquire(serviceCode, perService, callerId, perCaller)
                .flatMap(RedisTokenBucketRateLimiter::rejectIfRefused);
    }

    /** The key of the bucket shared by all callers of a service. */
    static String serviceKey(String serviceCode) {
        return "cs:rl:{svc:" + serviceCode + "}:all";
    }

    /** The key of one caller's bucket for a service; same hash tag, so same Redis Cluster slot, as the service's. */
    static String callerKey(String serviceCode, String callerId) {
        return "cs:rl:{svc:" + serviceCode + "}:c:" + callerId;
    }

    RedisAvailability availability() {
        return availability;
    }

    private static List<Bucket> buckets(String serviceCode, @Nullable RateLimit perService,
            Optional<String> callerId, @Nullable RateLimit perCaller) {
        requireValidServiceCode(serviceCode);
        Objects.requireNonNull(callerId, "callerId");
        List<Bucket> buckets = new ArrayList<>(2);
        if (perService != null) {
            buckets.add(new Bucket(serviceKey(serviceCode), perService));
        }
        if (perCaller != null && callerId.isPresent()) {
            buckets.add(new Bucket(callerKey(serviceCode, requireValidCallerId(callerId.get())), perCaller));
        }
        return buckets;
    }

    private Mono<RateLimitDecision> decide(List<Bucket> buckets) {
        return switch (availability.nextAttempt()) {
            case CALL -> askRedis(buckets, Mono.defer(() -> decideInRedis(buckets)));
            // opening the connection blocks in Spring Data Redis: never on an event-loop thread
            case PROBE -> askRedis(buckets, Mono.defer(() -> decideInRedis(buckets))
                    .subscribeOn(Schedulers.boundedElastic()));
            case SKIP -> decideLocally(buckets, FallbackReason.REDIS_SKIPPED);
        };
    }

    private Mono<RateLimitDecision> askRedis(List<Bucket> buckets, Mono<RateLimitDecision> call) {
        return call
                .timeout(redisTimeout)
                .doOnNext(decision -> redisSucceeded())
                .onErrorResume(error -> redisFailed(buckets, error));
    }

    private Mono<RateLimitDecision> decideInRedis(List<Bucket> buckets) {
        List<String> keys = new ArrayList<>(buckets.size());
        List<String> args = new ArrayList<>(buckets.size() * 2);
        for (Bucket bucket : buckets) {
            keys.add(bucket.key());
            args.add(Double.toString(bucket.limit().tokensPerSecond()));
            args.add(Integer.toString(bucket.limit().burst()));
        }
        return redis.execute(TOKEN_BUCKET, keys, args)
                .collectList()
                .map(RedisTokenBucketRateLimiter::toDecision);
    }

    /** Spring Data Redis may hand the multi-bulk reply over as one list or as its elements; accept both. */
    private static RateLimitDecision toDecision(List<?> reply) {
        List<?> values = reply.size() == 1 && reply.get(0) instanceof List<?> nested ? nested : reply;
        if (values.size() != 3) {
            throw new IllegalStateException("unexpected rate-limit script reply: " + reply);
        }
        long allowed = ((Number) values.get(0)).longValue();
        long remaining = ((Number) values.get(1)).longValue();
        long waitMillis = ((Number) values.get(2)).longValue();
        return allowed == 1
                ? RateLimitDecision.allowed(remaining, false)
                : RateLimitDecision.refused(Duration.ofMillis(waitMillis), false);
    }

    private void redisSucceeded() {
        if (availability.recordSuccess()) {
            log.info("Redis answers the rate limiter again; limits are shared across gateway instances again");
        }
    }

    private Mono<RateLimitDecision> redisFailed(List<Bucket> buckets, Throwable error) {
        if (availability.recordFailure(error)) {
            log.warn("Redis cannot be used for rate limiting ({}); deciding locally with the local fallback share "
                    + "until it answers again", describe(error));
        }
        FallbackReason reason = error instanceof TimeoutException ? FallbackReason.REDIS_TIMEOUT
                : FallbackReason.REDIS_ERROR;
        return decideLocally(buckets, reason);
    }

    private Mono<RateLimitDecision> decideLocally(List<Bucket> buckets, FallbackReason reason) {
        return Mono.fromSupplier(() -> {
            metrics.fellBack(reason);
            return fallback.acquire(buckets);
        });
    }

    private static Mono<RateLimitDecision> rejectIfRefused(RateLimitDecision decision) {
        return decision.allowed() ? Mono.just(decision) : Mono.error(RateLimitExceeded.of(decision));
    }

    private String describe(Throwable error) {
        if (error instanceof TimeoutException) {
            return "no answer within " + redisTimeout.toMillis() + " ms";
        }
        return error.getMessage() == null ? error.getClass().getName()
                : error.getClass().getName() + ": " + error.getMessage();
    }

    private static void requireValidServiceCode(String serviceCode) {
        Objects.requireNonNull(serviceCode, "serviceCode");
        if (serviceCode.isEmpty() || serviceCode.length() > MAX_SERVICE_CODE_LENGTH) {
            throw new IllegalArgumentException("service code must be 1-" + MAX_SERVICE_CODE_LENGTH + " characters");
        }
        for (int i = 0; i < serviceCode.length(); i++) {
            char c = serviceCode.charAt(i);
            if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("service code must not contain braces, spaces or control "
                        + "characters: " + serviceCode);
            }
        }
    }

    private static String requireValidCallerId(String callerId) {
        if (callerId.isEmpty() || callerId.length() > MAX_CALLER_ID_LENGTH) {
            throw new IllegalArgumentException("caller id must be 1-" + MAX_CALLER_ID_LENGTH + " characters");
        }
        return callerId;
    }
}
