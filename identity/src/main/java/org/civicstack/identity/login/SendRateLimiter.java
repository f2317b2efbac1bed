package org.civicstack.identity.login;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.LoginProperties.SendLimit;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Fixed-window send counters in Redis, per number (a short and a long window) and per client address. Each request
 * to send counts against every window, refused ones included, so hammering never buys a send. Keys hold a keyed hash
 * of the number, never the number: {@code cs:identity:login:send:<scope>:<window s>:<pseudonym>}.
 */
class SendRateLimiter {

    /** INCR, and start the window's expiry with the first hit; returns {count, ttl ms}. */
    private static final DefaultRedisScript<List> HIT = new DefaultRedisScript<>("""
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}
            """, List.class);

    private final StringRedisTemplate redis;
    private final LoginCodeHasher hasher;
    private final LoginProperties properties;

    SendRateLimiter(StringRedisTemplate redis, LoginCodeHasher hasher, LoginProperties properties) {
        this.redis = redis;
        this.hasher = hasher;
        this.properties = properties;
    }

    /**
     * Counts one send request; empty when it may go ahead, otherwise how long until the tightest exceeded
     * window ends.
     */
    Optional<Duration> tryAcquire(MobileNumber mobile, String clientAddress) {
        String number = hasher.pseudonym(mobile.e164());
        String address = hasher.pseudonym(clientAddress == null ? "unknown" : clientAddress);
        Duration retryAfter = null;
        retryAfter = longest(retryAfter, hit("number", number, properties.perNumberBurst()));
        retryAfter = longest(retryAfter, hit("number", number, properties.perNumberHourly()));
        retryAfter = longest(retryAfter, hit("address", address, properties.perAddress()));
        return Optional.ofNullable(retryAfter);
    }

    private Duration hit(String scope, String pseudonym, SendLimit limit) {
        String key = "cs:identity:login:send:" + scope + ":" + limit.window().toSeconds() + ":" + pseudonym;
        List<?> result = redis.execute(HIT, List.of(key), Long.toString(limit.window().toMillis()));
        long count = ((Number) result.get(0)).longValue();
        long ttl = ((Number) result.get(1)).longValue();
        return count > limit.max() ? Duration.ofMillis(Math.max(ttl, 1000)) : null;
    }

    private static Duration longest(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
