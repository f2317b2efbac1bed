package org.civicstack.gateway.ratelimit;

import java.util.Locale;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The limiter's meters, registered once. Tags are bounded on purpose: never the service code (there are 8,000+
 * services) nor the caller.
 * <ul>
 * <li>{@code civicstack.gateway.ratelimit.decisions{outcome=allowed|refused, mode=redis|fallback}}: {@code redis}
 * includes decisions made from a lease or a remembered refusal, which are Redis's tokens and Redis's answer</li>
 * <li>{@code civicstack.gateway.ratelimit.fallback{reason=redis_error|redis_timeout|redis_skipped}}: decisions made
 * locally because Redis failed, timed out, or was skipped while it is known to be failing</li>
 * <li>{@code civicstack.gateway.ratelimit.redis.calls{outcome=granted|refused|failed}}: script calls to Redis; with
 * leases far fewer than decisions</li>
 * <li>{@code civicstack.gateway.ratelimit.lease.unspent}: tokens taken from Redis that this instance dropped unspent
 * (expired after the lease TTL, or no room to keep them): the cost of leasing, in refused-too-early requests at
 * most</li>
 * <li>{@code civicstack.gateway.ratelimit.lease.buckets} (gauge): buckets with local lease state (approximate)</li>
 * </ul>
 */
final class RateLimiterMetrics {

    static final String DECISIONS = "civicstack.gateway.ratelimit.decisions";
    static final String FALLBACK = "civicstack.gateway.ratelimit.fallback";
    static final String REDIS_CALLS = "civicstack.gateway.ratelimit.redis.calls";
    static final String LEASE_UNSPENT = "civicstack.gateway.ratelimit.lease.unspent";
    static final String LEASE_BUCKETS = "civicstack.gateway.ratelimit.lease.buckets";

    /** Why a decision was made locally. */
    enum FallbackReason {
        REDIS_ERROR, REDIS_TIMEOUT, REDIS_SKIPPED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a call to Redis ended. */
    enum RedisCall {
        GRANTED, REFUSED, FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter allowedRedis;
    private final Counter refusedRedis;
    private final Counter allowedFallback;
    private final Counter refusedFallback;
    private final Counter[] fallbacks = new Counter[FallbackReason.values().length];
    private final Counter[] redisCalls = new Counter[RedisCall.values().length];
    private final Counter unspent;

    RateLimiterMetrics(MeterRegistry registry, Supplier<Number> leaseBuckets) {
        allowedRedis = decisions(registry, "allowed", "redis");
        refusedRedis = decisions(registry, "refused", "redis");
        allowedFallback = decisions(registry, "allowed", "fallback");
        refusedFallback = decisions(registry, "refused", "fallback");
        for (FallbackReason reason : FallbackReason.values()) {
            fallbacks[reason.ordinal()] = Counter.builder(FALLBACK)
                    .description("Rate-limit decisions made by the local fallback because Redis could not be used")
                    .tag("reason", reason.tag())
                    .register(registry);
        }
        for (RedisCall call : RedisCall.values()) {
            redisCalls[call.ordinal()] = Counter.builder(REDIS_CALLS)
                    .description("Calls of the token-lease script in Redis, by how they ended")
                    .tag("outcome", call.tag())
                    .register(registry);
        }
        unspent = Counter.builder(LEASE_UNSPENT)
                .description("Tokens leased from Redis that this instance dropped unspent (expired or no room)")
                .baseUnit("tokens")
                .register(registry);
        Gauge.builder(LEASE_BUCKETS, leaseBuckets)
                .description("Buckets this instance keeps lease state for (approximate)")
                .register(registry);
    }

    void decided(RateLimitDecision decision) {
        Counter counter = decision.fallback()
                ? (decision.allowed() ? allowedFallback : refusedFallback)
                : (decision.allowed() ? allowedRedis : refusedRedis);
        counter.increment();
    }

    void fellBack(FallbackReason reason) {
        fallbacks[reason.ordinal()].increment();
    }

    void calledRedis(RedisCall outcome) {
        redisCalls[outcome.ordinal()].increment();
    }

    void unspent(long tokens) {
        unspent.increment(tokens);
    }

    private static Counter decisions(MeterRegistry registry, String outcome, String mode) {
        return Counter.builder(DECISIONS)
                .description("Rate-limit decisions, by outcome and by where they were made")
                .tag("outcome", outcome)
                .tag("mode", mode)
                .register(registry);
    }
}
