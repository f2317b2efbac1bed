package org.civicstack.gateway.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides in this JVM alone while Redis cannot be used, with the same rules as the Redis script: take a token from
 * every bucket, or from none when any is empty. Each limit is cut to {@code share} of itself (see
 * {@link RateLimit#scaledBy}), so with {@code share = 1/N} N gateway instances together stay near the configured
 * limit; with the default 1.0 each instance enforces the whole limit and the effective limit is up to N×.
 *
 * <p>Memory is bounded: at most {@code maxBuckets} buckets, least recently used evicted first. An evicted bucket
 * comes back full, which only ever errs towards letting a request through.
 */
final class LocalFallbackLimiter {

    private final double share;
    private final LongSupplier nanoTicker;
    private final Map<String, LocalTokenBucket> buckets;

    LocalFallbackLimiter(double share, int maxBuckets, LongSupplier nanoTicker) {
        if (!(share > 0) || share > 1) {
            throw new IllegalArgumentException("local fallback share must be in (0, 1]: " + share);
        }
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("local fallback needs room for at least one bucket: " + maxBuckets);
        }
        this.share = share;
        this.nanoTicker = nanoTicker;
        this.buckets = new LinkedHashMap<>(Math.min(maxBuckets, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LocalTokenBucket> eldest) {
                return size() > maxBuckets;
            }
        };
    }

    /** One token from each of {@code requested} (one or two buckets), or none; decided with the local share. */
    synchronized RateLimitDecision acquire(List<Bucket> requested) {
        long now = nanoTicker.getAsLong();
        LocalTokenBucket[] found = new LocalTokenBucket[requested.size()];
        Duration wait = Duration.ZERO;
        for (int i = 0; i < found.length; i++) {
            RateLimit limit = requested.get(i).limit().scaledBy(share);
            LocalTokenBucket bucket = buckets.computeIfAbsent(requested.get(i).key(), k -> new LocalTokenBucket(limit, now));
            bucket.refill(limit, now);
            found[i] = bucket;
            Duration untilToken = bucket.timeUntilToken(limit);
            if (untilToken.compareTo(wait) > 0) {
                wait = untilToken;
            }
        }
        if (!wait.isZero()) {
            return RateLimitDecision.refused(wait, true);
        }
        double remaining = Double.MAX_VALUE;
        for (LocalTokenBucket bucket : found) {
            bucket.take();
            remaining = Math.min(remaining, bucket.tokens());
        }
        return RateLimitDecision.allowed((long) Math.floor(remaining), true);
    }

    synchronized int size() {
        return buckets.size();
    }
}
