package org.civicstack.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The limiter's counters, registered once. Tags are bounded on purpose: never the service code (there are 8,000+
 * services) nor the caller.
 * <ul>
 * <li>{@code civicstack.gateway.ratelimit.decisions{outcome=allowed|refused, mode=redis|fallback}}</li>
 * <li>{@code civicstack.gateway.ratelimit.fallback{reason=redis_error|redis_timeout|redis_skipped}}: decisions made
 * locally because Redis failed, timed out, or was skipped while it is known to be failing</li>
 * </ul>
 */
final class RateLimiterMetrics {

    static final String DECISIONS = "civicstack.gateway.ratelimit.decisions";
    static final String FALLBACK = "civicstack.gateway.ratelimit.fallback";

    /** Why a decision was made locally. */
    enum FallbackReason {
        REDIS_ERROR, REDIS_TIMEOUT, REDIS_SKIPPED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Counter allowedRedis;
    private final Counter refusedRedis;
    private final Counter allowedFallback;
    private final Counter refusedFallback;
    private final Counter[] fallbacks = new Counter[FallbackReason.values().length];

    RateLimiterMetrics(MeterRegistry registry) {
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

    private static Counter decisions(MeterRegistry registry, String outcome, String mode) {
        return Counter.builder(DECISIONS)
                .description("Rate-limit decisions, by outcome and by where they were made")
                .tag("outcome", outcome)
                .tag("mode", mode)
                .register(registry);
    }
}
