package org.civicstack.gateway.ratelimit;

import java.time.Duration;
import java.util.Optional;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Mono;

/**
 * Health component {@code rateLimiter}: {@code UP} ({@code mode=redis}) while limits are shared through Redis,
 * {@code DEGRADED} ({@code mode=local-fallback}, with the error type and time of the last failure) when the last
 * Redis call failed within the degraded window. It reflects the limiter's own calls and never calls Redis itself.
 *
 * <p>{@code DEGRADED} ranks between {@code DOWN} and {@code UP} and answers HTTP 200 (see the gateway's
 * {@code application.yml}), and this component is not in the readiness group: requests keep flowing on local limits.
 */
public final class RateLimiterHealthIndicator implements ReactiveHealthIndicator {

    /** Requests are served, but rate limits are enforced per gateway instance rather than shared. */
    public static final Status DEGRADED = new Status("DEGRADED",
            "Redis cannot be used; rate limits are enforced by each gateway instance alone");

    private final RedisAvailability availability;
    private final Duration degradedWindow;

    public RateLimiterHealthIndicator(RedisTokenBucketRateLimiter limiter, Duration degradedWindow) {
        this(limiter.availability(), degradedWindow);
    }

    RateLimiterHealthIndicator(RedisAvailability availability, Duration degradedWindow) {
        this.availability = availability;
        this.degradedWindow = degradedWindow;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(this::current);
    }

    private Health current() {
        Optional<RedisAvailability.Failure> outage = availability.outageWithin(degradedWindow);
        if (outage.isEmpty()) {
            return Health.up().withDetail("mode", "redis").build();
        }
        return Health.status(DEGRADED)
                .withDetail("mode", "local-fallback")
                .withDetail("error", outage.get().errorType())
                .withDetail("last_failure", outage.get().at().toString())
                .build();
    }
}
