package org.civicstack.gateway.ratelimit;

import java.time.Duration;

/** {@link RateLimiterProperties} for tests: the defaults, with the few settings a test cares about changed. */
final class RateLimiterPropertiesBuilder {

    private final RateLimiterProperties defaults = RateLimiterProperties.defaults();
    private Duration redisTimeout = defaults.redisTimeout();
    private double localFallbackShare = defaults.localFallbackShare();
    private int localMaxBuckets = 1_000;
    private Duration degradedWindow = defaults.degradedWindow();
    private Duration redisRetryInterval = defaults.redisRetryInterval();
    private Duration leaseTtl = defaults.leaseTtl();
    private Duration leaseWindow = defaults.leaseWindow();
    private int leaseMaxBuckets = 1_000;

    private RateLimiterPropertiesBuilder() {
    }

    /** The defaults, except room for 1,000 fallback buckets and 1,000 leases. */
    static RateLimiterPropertiesBuilder aRateLimiterConfig() {
        return new RateLimiterPropertiesBuilder();
    }

    RateLimiterPropertiesBuilder withRedisTimeout(Duration redisTimeout) {
        this.redisTimeout = redisTimeout;
        return this;
    }

    RateLimiterPropertiesBuilder withLocalFallbackShare(double localFallbackShare) {
        this.localFallbackShare = localFallbackShare;
        return this;
    }

    RateLimiterPropertiesBuilder withLeaseTtl(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
        return this;
    }

    RateLimiterPropertiesBuilder withLeaseWindow(Duration leaseWindow) {
        this.leaseWindow = leaseWindow;
        return this;
    }

    RateLimiterPropertiesBuilder withLeaseMaxBuckets(int leaseMaxBuckets) {
        this.leaseMaxBuckets = leaseMaxBuckets;
        return this;
    }

    RateLimiterProperties build() {
        return new RateLimiterProperties(redisTimeout, localFallbackShare, localMaxBuckets, degradedWindow,
                redisRetryInterval, leaseTtl, leaseWindow, leaseMaxBuckets);
    }
}
