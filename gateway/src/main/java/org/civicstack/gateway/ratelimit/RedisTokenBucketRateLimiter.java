package org.civicstack.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.gateway.ratelimit.LocalLeases.ServiceLeases;
import org.civicstack.gateway.ratelimit.RateLimiterMetrics.FallbackReason;
import org.civicstack.gateway.ratelimit.RateLimiterMetrics.RedisCall;
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
 * service, kept in Redis so every gateway instance enforces one shared limit. Each instance takes tokens from Redis in
 * batches (leases) and spends them locally, so a busy service costs a Redis call per lease rather than per request.
 *
 * <p>Callers may rely on:
 * <ul>
 * <li>an instance admits a request only with tokens it has taken from the shared Redis buckets: all instances
 * together never admit more than the Redis buckets allow. Leased tokens left unspent expire after
 * {@link RateLimiterProperties#leaseTtl()} and are lost, which only errs towards refusing;</li>
 * <li>one token is taken from each applicable bucket, or none is: a refusal by the per-caller bucket does not use up
 * the service's bucket and vice versa;</li>
 * <li>the decision never fails because of Redis and never waits for it longer than
 * {@link RateLimiterProperties#redisTimeout()}: when Redis is slow, down or failing, the decision is made by a local
 * fallback with {@link RateLimiterProperties#localFallbackShare()} of each limit and is marked
 * {@link RateLimitDecision#fallback()};</li>
 * <li>a {@code null} limit means "no limit of that kind"; without a caller id only the per-service limit applies.</li>
 * </ul>
 * See {@code docs/rate-limiting.md} for the algorithm, the keys and the behaviour during a Redis outage.
 */
public class RedisTokenBucketRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBucketRateLimiter.class);

    /** Script reply: {wait ms, then per key: granted, whole tokens left, ms until it holds a token}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<Long>> TOKEN_LEASE = (RedisScript) RedisScript.of(
            new ClassPathResource("org/civicstack/gateway/ratelimit/token-bucket.lua"), List.class);

    private static final int MAX_SERVICE_CODE_LENGTH = 128;
    private static final int MAX_CALLER_ID_LENGTH = 256;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final ReactiveStringRedisTemplate redis;
    private final Duration redisTimeout;
    private final long leaseTtlNanos;
    private final LongSupplier nanoTicker;
    private final LocalLeases leases;
    private final LocalFallbackLimiter fallback;
    private final RedisAvailability availability;
    private final RateLimiterMetrics metrics;
    /** {@link RateLimiterMetrics#unspent}, bound once so the fast path passes it without allocating. */
    private final LongConsumer unspent;

    public RedisTokenBucketRateLimiter(ReactiveStringRedisTemplate redis, RateLimiterProperties properties,
            MeterRegistry meters) {
        this(redis, properties, meters, Clock.systemUTC(), System::nanoTime, ForkJoinPool.commonPool());
    }

    /**
     * @param nanoTicker monotonic nanoseconds, for lease expiry, remembered refusals, the fallback and the probe
     *        schedule
     * @param sweeper where a full lease table is swept (off the request's thread)
     */
    RedisTokenBucketRateLimiter(ReactiveStringRedisTemplate redis, RateLimiterProperties properties,
            MeterRegistry meters, Clock clock, LongSupplier nanoTicker, Executor sweeper) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.redisTimeout = properties.redisTimeout();
        this.leaseTtlNanos = properties.leaseTtl().toNanos();
        this.nanoTicker = nanoTicker;
        this.leases = new LocalLeases(properties.leaseMaxBuckets(), properties.leaseTtl(), properties.leaseWindow(),
                nanoTicker, sweeper);
        this.fallback = new LocalFallbackLimiter(properties.localFallbackShare(), properties.localMaxBuckets(),
                nanoTicker);
        this.availability = new RedisAvailability(properties.redisRetryInterval(), clock, nanoTicker);
        this.metrics = new RateLimiterMetrics(meters, leases::size);
        this.unspent = metrics::unspent;
    }

    /**
     * Takes one token for a request to {@code serviceCode}, from this instance's lease when it holds one, else from
     * Redis.
     *
     * <p>Cheap enough for an event-loop thread on every request: a decision made from a lease or from a refusal
     * Redis gave recently is returned as an already completed future, without touching Redis or Reactor. Otherwise
     * the future completes when Redis answers or {@link RateLimiterProperties#redisTimeout()} passes, on a Redis
     * client I/O thread, a Reactor timer thread or a {@code boundedElastic} thread; dependent stages run there, so
     * they must not block (hop threads with an {@code *Async} stage if they do real work). The calling thread is never
     * blocked: when a call may have to open the Redis connection, it is made on {@code boundedElastic}.
     *
     * @param serviceCode the service's code, at most 128 characters, without braces (they delimit the Redis Cluster
     *        hash tag), whitespace or control characters
     * @param perService the limit on all callers of the service together, or {@code null} for none
     * @param callerId who is calling (an opaque, stable id such as the citizen's subject), 1 to 256 characters; or
     *        {@code null} for anonymous calls, which only the per-service limit applies to
     * @param perCaller the limit on each caller of the service, or {@code null} for none
     * @return the decision; never completes exceptionally because of Redis. Cancelling it drops the tokens it was
     *         taking.
     * @throws IllegalArgumentException when the service code or the caller id breaks the rules above
     */
    public CompletableFuture<RateLimitDecision> acquire(String serviceCode, @Nullable RateLimit perService,
            @Nullable String callerId, @Nullable RateLimit perCaller) {
        Objects.requireNonNull(serviceCode, "serviceCode");
        if (callerId != null) {
            requireValidCallerId(callerId);
        }
        boolean byCaller = perCaller != null && callerId != null;
        if (perService == null && !byCaller) {
            requireValidServiceCode(serviceCode);
            return CompletableFuture.completedFuture(RateLimitDecision.unlimited());
        }
        ServiceLeases service = leasesOf(serviceCode);
        long now = nanoTicker.getAsLong();
        LocalLease all = service == null || perService == null ? null : service.all();
        LocalLease mine = service == null || !byCaller ? null : service.caller(callerId);
        // the service's lease first; a token taken here goes back if the caller's bucket then refuses
        long allLeft = perService == null ? Long.MAX_VALUE : spend(all, now);
        long mineLeft = byCaller ? spend(mine, now) : Long.MAX_VALUE;
        if (allLeft >= 0 && mineLeft >= 0) {
            return decided(RateLimitDecision.allowed(Math.min(allLeft, mineLeft), false));
        }
        Claim serviceClaim = perService == null ? null : new Claim(perService, null, all, allLeft);
        Claim callerClaim = byCaller ? new Claim(perCaller, callerId, mine, mineLeft) : null;
        return withRedis(new Pending(serviceCode, service, now, serviceClaim, callerClaim));
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

    LocalLeases leases() {
        return leases;
    }

    private @Nullable ServiceLeases leasesOf(String serviceCode) {
        ServiceLeases found = leases.find(serviceCode);
        if (found != null) {
            return found;
        }
        requireValidServiceCode(serviceCode);
        return leases.open(serviceCode);
    }

    /** A leased token's estimate of tokens left, or -1 when there is no lease or no token in it. */
    private long spend(@Nullable LocalLease lease, long now) {
        return lease == null ? -1 : lease.tryTake(now, unspent);
    }

    private CompletableFuture<RateLimitDecision> decided(RateLimitDecision decision) {
        metrics.decided(decision);
        return CompletableFuture.completedFuture(decision);
    }

    private CompletableFuture<RateLimitDecision> withRedis(Pending pending) {
        long refusedFor = pending.refusedFor(pending.takenAt);
        if (refusedFor > 0) {
            // Redis refused this bucket lately and has not refilled it yet: do not ask again
            pending.giveBack(pending.takenAt);
            return decided(RateLimitDecision.refusedForNanos(refusedFor));
        }
        return switch (availability.nextAttempt()) {
            case CALL -> callRedis(pending, false);
            // opening the connection blocks in Spring Data Redis: never on an event-loop thread
            case PROBE -> callRedis(pending, true);
            case SKIP -> decided(decideLocally(pending, FallbackReason.REDIS_SKIPPED));
        };
    }

    private CompletableFuture<RateLimitDecision> callRedis(Pending pending, boolean offCallerThread) {
        List<String> keys = new ArrayList<>(2);
        List<String> args = new ArrayList<>(6);
        for (Claim claim : pending.toAsk()) {
            // a bucket whose lease could not be kept asks for the one token it needs
            boolean canKeep = claim.lease != null || pending.service != null && leases.hasRoom();
            keys.add(pending.key(claim));
            args.add(Double.toString(claim.limit.tokensPerSecond()));
            args.add(Integer.toString(claim.limit.burst()));
            args.add(Integer.toString(canKeep ? leases.leaseSize(claim.limit) : 1));
        }
        long sentAt = nanoTicker.getAsLong();
        Mono<List<List<Long>>> call = Mono.defer(() -> redis.execute(TOKEN_LEASE, keys, args).collectList());
        if (offCallerThread) {
            call = call.subscribeOn(Schedulers.boundedElastic());
        }
        return call
                .timeout(redisTimeout)
                .map(reply -> settle(pending, reply, sentAt))
                .doOnNext(decision -> redisSucceeded())
                .onErrorResume(error -> Mono.fromSupplier(() -> redisFailed(pending, error)))
                .doOnNext(metrics::decided)
                .toFuture();
    }

    /** Applies Redis's answer: remember a refusal, or spend one granted token per bucket and keep the rest. */
    private RateLimitDecision settle(Pending pending, List<?> rawReply, long sentAt) {
        List<Claim> asked = pending.toAsk();
        LeaseReply reply = LeaseReply.parse(rawReply, asked.size());
        long now = nanoTicker.getAsLong();
        if (reply.refused()) {
            metrics.calledRedis(RedisCall.REFUSED);
            for (int i = 0; i < asked.size(); i++) {
                long waitMillis = reply.waitMillis(i);
                LocalLease lease = waitMillis > 0 ? pending.leaseToKeep(asked.get(i), leases) : null;
                if (lease != null) {
                    lease.refuseUntil(now + waitMillis * NANOS_PER_MILLI);
                }
            }
            pending.giveBack(now);
            return RateLimitDecision.refused(Duration.ofMillis(reply.waitMillis()), false);
        }
        metrics.calledRedis(RedisCall.GRANTED);
        long remaining = pending.leftInLeases();
        for (int i = 0; i < asked.size(); i++) {
            long extra = reply.granted(i) - 1;
            LocalLease lease = extra > 0 ? pending.leaseToKeep(asked.get(i), leases) : asked.get(i).lease;
            long left;
            if (lease != null) {
                left = lease.add(extra, sentAt, now, leaseTtlNanos, reply.left(i), unspent);
            } else {
                if (extra > 0) {
                    metrics.unspent(extra);
                }
                left = reply.left(i);
            }
            remaining = Math.min(remaining, left);
        }
        return RateLimitDecision.allowed(remaining, false);
    }

    private void redisSucceeded() {
        if (availability.recordSuccess()) {
            log.info("Redis answers the rate limiter again; limits are shared across gateway instances again");
        }
    }

    private RateLimitDecision redisFailed(Pending pending, Throwable error) {
        metrics.calledRedis(RedisCall.FAILED);
        if (availability.recordFailure(error)) {
            log.warn("Redis cannot be used for rate limiting ({}); deciding locally with the local fallback share "
                    + "until it answers again", describe(error));
        }
        FallbackReason reason = error instanceof TimeoutException ? FallbackReason.REDIS_TIMEOUT
                : FallbackReason.REDIS_ERROR;
        return decideLocally(pending, reason);
    }

    /** The whole request goes to the fallback; leased tokens it had taken go back. */
    private RateLimitDecision decideLocally(Pending pending, FallbackReason reason) {
        pending.giveBack(nanoTicker.getAsLong());
        metrics.fellBack(reason);
        return fallback.acquire(pending.buckets());
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

    private static void requireValidCallerId(String callerId) {
        if (callerId.isEmpty() || callerId.length() > MAX_CALLER_ID_LENGTH) {
            throw new IllegalArgumentException("caller id must be 1-" + MAX_CALLER_ID_LENGTH + " characters");
        }
    }

    /** One bucket of a request that its lease could not serve alone. */
    private static final class Claim {

        final RateLimit limit;
        /** {@code null} for the service's own bucket. */
        final @Nullable String callerId;
        @Nullable LocalLease lease;
        /** The estimate of tokens left when a leased token was taken for this bucket, else -1. */
        final long leftInLease;

        Claim(RateLimit limit, @Nullable String callerId, @Nullable LocalLease lease, long leftInLease) {
            this.limit = limit;
            this.callerId = callerId;
            this.lease = lease;
            this.leftInLease = leftInLease;
        }

        boolean fromLease() {
            return leftInLease >= 0;
        }
    }

    /** A request going to Redis (or to the fallback): its one or two buckets and which of them a lease served. */
    private static final class Pending {

        final String serviceCode;
        final @Nullable ServiceLeases service;
        /** When the leased tokens were taken. */
        final long takenAt;
        final List<Claim> claims = new ArrayList<>(2);
        final List<Claim> toAsk = new ArrayList<>(2);

        Pending(String serviceCode, @Nullable ServiceLeases service, long takenAt, @Nullable Claim serviceClaim,
                @Nullable Claim callerClaim) {
            this.serviceCode = serviceCode;
            this.service = service;
            this.takenAt = takenAt;
            for (Claim claim : new Claim[] {serviceClaim, callerClaim}) {
                if (claim != null) {
                    claims.add(claim);
                    if (!claim.fromLease()) {
                        toAsk.add(claim);
                    }
                }
            }
        }

        /** The buckets without a leased token, which Redis is asked for. */
        List<Claim> toAsk() {
            return toAsk;
        }

        /** How long Redis's last refusal of any bucket still to ask keeps it empty (0 when none is in force). */
        long refusedFor(long now) {
            long longest = 0;
            for (Claim claim : toAsk) {
                if (claim.lease != null) {
                    longest = Math.max(longest, claim.lease.refusedFor(now));
                }
            }
            return longest;
        }

        /** Puts back the leased tokens this request took: it is refused, or decided by the fallback. */
        void giveBack(long now) {
            for (Claim claim : claims) {
                if (claim.fromLease() && claim.lease != null) {
                    claim.lease.giveBack(takenAt, now);
                }
            }
        }

        /** The smallest estimate of tokens left among the buckets a lease served. */
        long leftInLeases() {
            long least = Long.MAX_VALUE;
            for (Claim claim : claims) {
                if (claim.fromLease()) {
                    least = Math.min(least, claim.leftInLease);
                }
            }
            return least;
        }

        /** The bucket's lease, made if the table has room; {@code null} when there is none and no room. */
        @Nullable LocalLease leaseToKeep(Claim claim, LocalLeases leases) {
            if (claim.lease == null && service != null && claim.callerId != null) {
                claim.lease = leases.openCaller(service, claim.callerId);
            }
            return claim.lease;
        }

        String key(Claim claim) {
            if (claim.callerId != null) {
                return callerKey(serviceCode, claim.callerId);
            }
            return service != null ? service.serviceKey() : serviceKey(serviceCode);
        }

        List<Bucket> buckets() {
            List<Bucket> buckets = new ArrayList<>(claims.size());
            for (Claim claim : claims) {
                buckets.add(new Bucket(key(claim), claim.limit));
            }
            return buckets;
        }
    }
}
