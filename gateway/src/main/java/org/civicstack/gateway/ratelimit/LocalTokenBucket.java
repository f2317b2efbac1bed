package org.civicstack.gateway.ratelimit;

import java.time.Duration;

/**
 * The token bucket arithmetic of the Redis script, for one bucket held in this JVM. Time is passed in (a monotonic
 * nanosecond reading) so the math is testable without waiting. Not thread-safe: {@link LocalFallbackLimiter} guards
 * it.
 */
final class LocalTokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private double tokens;
    private long updatedNanos;

    /** A new bucket is full, as an absent Redis key is. */
    LocalTokenBucket(RateLimit limit, long nowNanos) {
        this.tokens = limit.burst();
        this.updatedNanos = nowNanos;
    }

    /** Adds the tokens earned since the last update (elapsed × rate), capped at the burst; returns the level. */
    double refill(RateLimit limit, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - updatedNanos);
        tokens = Math.min(limit.burst(), tokens + elapsed * limit.tokensPerSecond() / NANOS_PER_SECOND);
        updatedNanos = Math.max(updatedNanos, nowNanos);
        return tokens;
    }

    boolean hasToken() {
        return tokens >= 1;
    }

    /** Takes one token; the caller has checked {@link #hasToken()}. */
    void take() {
        if (!hasToken()) {
            throw new IllegalStateException("bucket is empty");
        }
        tokens -= 1;
    }

    double tokens() {
        return tokens;
    }

    /** How long until one whole token is available at {@code limit}'s rate (zero when there is one). */
    Duration timeUntilToken(RateLimit limit) {
        if (hasToken()) {
            return Duration.ZERO;
        }
        double seconds = (1 - tokens) / limit.tokensPerSecond();
        return Duration.ofNanos((long) Math.ceil(seconds * NANOS_PER_SECOND));
    }
}
