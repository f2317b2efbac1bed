package org.civicstack.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The rate limiter, on the gateway's reactive Redis, with its health component {@code rateLimiter} (the bean name
 * minus {@code HealthIndicator}). Limits per service come from the service's definition at the call site.
 */
@Configuration(proxyBeanMethods = false)
public class RateLimiterConfiguration {

    @Bean
    RedisTokenBucketRateLimiter redisTokenBucketRateLimiter(ReactiveStringRedisTemplate redis,
            RateLimiterProperties properties, MeterRegistry meters) {
        return new RedisTokenBucketRateLimiter(redis, properties, meters);
    }

    @Bean
    RateLimiterHealthIndicator rateLimiterHealthIndicator(RedisTokenBucketRateLimiter limiter,
            RateLimiterProperties properties) {
        return new RateLimiterHealthIndicator(limiter, properties.degradedWindow());
    }
}
