package org.civicstack.gateway.ratelimit;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway's rate limiter behaves ({@code civicstack.gateway.rate-limiter.*}). The limits themselves are
 * per service and come with the service's definition, not from here.
 *
 * @param redisTimeout how long one decision may wait for Redis before this instance decides locally instead
 *        (default 50 ms); a decision never waits longer than this for Redis
 * @param localFallbackShare fraction (0–1] of each limit one instance enforces on its own while Redis is unusable
 *        (default 1.0: every instance enforces the whole limit, so N instances allow up to N× it; set 1/N to stay
 *        near the limit)
 * @param localMaxBuckets most buckets the local fallback keeps in memory, least recently used evicted first
 *        (default 100,000, in the order of 20 MB)
 * @param degradedWindow how long after the last failed Redis call health keeps reporting {@code DEGRADED}
 *        (default 30 s)
 * @param redisRetryInterval after a failed Redis call, how long decisions skip Redis before one request tries it
 *        again (default 1 s)
 * @param leaseTtl how long tokens this instance took from Redis but has not spent stay usable, counted from when the
 *        Redis call was sent (default 10 s); then they are dropped, which errs towards refusing. Longer means fewer Redis
 *        calls for services with thin traffic and fewer tokens lost, but leased tokens may then be spent up to this
 *        long after they were taken (at most one lease — 50 ms of refill — above the burst). Keep it well above
 *        {@code redisTimeout}
 * @param leaseWindow how much refill one Redis call takes at most: a lease is the tokens the limit refills in this
 *        time, at least 1 and at most half the burst (default 50 ms); longer means fewer Redis calls and more
 *        tokens that may expire unspent
 * @param leaseMaxBuckets most buckets this instance keeps lease state for (unspent tokens, a recent refusal); a
 *        bucket beyond that asks Redis for one token per request (default 400,000 — a service bucket and a busy caller
 *        bucket for each of 100,000 services, twice over; in the order of 60 MB when full)
 */
@Validated
@ConfigurationProperties("civicstack.gateway.rate-limiter")
public record RateLimiterProperties(
        @NotNull @DurationMin(millis = 1) @DefaultValue("50ms") Duration redisTimeout,
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") @DefaultValue("1.0") double localFallbackShare,
        @Min(1) @DefaultValue("100000") int localMaxBuckets,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("30s") Duration degradedWindow,
        @NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration redisRetryInterval,
        @NotNull @DurationMin(millis = 1) @DefaultValue("10s") Duration leaseTtl,
        @NotNull @DurationMin(millis = 1) @DefaultValue("50ms") Duration leaseWindow,
        @Min(1) @DefaultValue("400000") int leaseMaxBuckets) {

    /** The defaults above, for code that builds a limiter without Spring. */
    public static RateLimiterProperties defaults() {
        return new RateLimiterProperties(Duration.ofMillis(50), 1.0, 100_000, Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(50), 400_000);
    }
}
