package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LocalFallbackLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private LocalFallbackLimiter limiter(double share, int maxBuckets) {
        return new LocalFallbackLimiter(share, maxBuckets, nanos::get);
    }

    private static Bucket service(RateLimit limit) {
        return new Bucket("cs:rl:{svc:permits}:all", limit);
    }

    private static Bucket caller(String id, RateLimit limit) {
        return new Bucket("cs:rl:{svc:permits}:c:" + id, limit);
    }

    @Nested
    class Decisions {

        @Test
        void burstIsAllowedThenRefusedWithTheTimeToTheNextToken() {
            LocalFallbackLimiter limiter = limiter(1.0, 100);
            List<Bucket> buckets = List.of(service(RateLimit.perSecond(0.5, 2)));

            assertThat(limiter.acquire(buckets)).isEqualTo(RateLimitDecision.allowed(1, true));
            assertThat(limiter.acquire(buckets)).isEqualTo(RateLimitDecision.allowed(0, true));
            RateLimitDecision refused = limiter.acquire(buckets);

            assertThat(refused.allowed()).isFalse();
            assertThat(refused.fallback()).isTrue();
            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void refusedBecomesAllowedOnceATokenIsEarned() {
            LocalFallbackLimiter limiter = limiter(1.0, 100);
            List<Bucket> buckets = List.of(service(RateLimit.perSecond(20, 1)));
            limiter.acquire(buckets);
            assertThat(limiter.acquire(buckets).allowed()).isFalse();

            nanos.addAndGet(Duration.ofMillis(50).toNanos());

            assertThat(limiter.acquire(buckets).allowed()).isTrue();
        }

        @Test
        void callerRefusalDoesNotUseTheServiceBucket() {
            LocalFallbackLimiter limiter = limiter(1.0, 100);
            RateLimit perService = RateLimit.perSecond(0.001, 5);
            RateLimit perCaller = RateLimit.perSecond(0.001, 1);
            limiter.acquire(List.of(service(perService), caller("alice", perCaller)));

            assertThat(limiter.acquire(List.of(service(perService), caller("alice", perCaller))).allowed()).isFalse();

            // 5 - 1 (alice's allowed request) - 1 (this one) = 3: the refusal took nothing
            assertThat(limiter.acquire(List.of(service(perService))).remaining()).isEqualTo(3);
        }

        @Test
        void serviceRefusalDoesNotUseTheCallerBucket() {
            LocalFallbackLimiter limiter = limiter(1.0, 100);
            RateLimit perService = RateLimit.perSecond(0.001, 1);
            RateLimit perCaller = RateLimit.perSecond(0.001, 5);
            limiter.acquire(List.of(service(perService), caller("alice", perCaller)));

            assertThat(limiter.acquire(List.of(service(perService), caller("bob", perCaller))).allowed()).isFalse();

            assertThat(limiter.acquire(List.of(caller("bob", perCaller))).remaining()).isEqualTo(4);
        }

        @Test
        void remainingIsThatOfTheEmptierBucket() {
            LocalFallbackLimiter limiter = limiter(1.0, 100);

            RateLimitDecision decision = limiter.acquire(List.of(service(RateLimit.perSecond(1, 10)),
                    caller("alice", RateLimit.perSecond(1, 3))));

            assertThat(decision.remaining()).isEqualTo(2);
        }
    }

    @Nested
    class Share {

        @Test
        void shareCutsTheBurstEachInstanceAllows() {
            LocalFallbackLimiter limiter = limiter(0.5, 100);
            List<Bucket> buckets = List.of(service(RateLimit.perSecond(0.001, 4)));

            assertThat(limiter.acquire(buckets).allowed()).isTrue();
            assertThat(limiter.acquire(buckets).allowed()).isTrue();
            assertThat(limiter.acquire(buckets).allowed()).isFalse();
        }

        @Test
        void shareOutsideZeroToOneIsRejected() {
            assertThatIllegalArgumentException().isThrownBy(() -> limiter(0, 100));
            assertThatIllegalArgumentException().isThrownBy(() -> limiter(1.5, 100));
        }
    }

    @Nested
    class Memory {

        @Test
        void bucketsBeyondTheCapAreEvictedLeastRecentlyUsedFirst() {
            LocalFallbackLimiter limiter = limiter(1.0, 2);
            RateLimit oneOnly = RateLimit.perSecond(0.001, 1);
            limiter.acquire(List.of(caller("alice", oneOnly)));
            limiter.acquire(List.of(caller("bob", oneOnly)));
            assertThat(limiter.acquire(List.of(caller("alice", oneOnly))).allowed()).isFalse();

            limiter.acquire(List.of(caller("carol", oneOnly)));

            assertThat(limiter.size()).isEqualTo(2);
            assertThat(limiter.acquire(List.of(caller("alice", oneOnly))).allowed())
                    .as("alice was used more recently than bob and is kept").isFalse();
            assertThat(limiter.acquire(List.of(caller("bob", oneOnly))).allowed())
                    .as("bob was evicted and comes back full").isTrue();
        }

        @Test
        void capBelowOneIsRejected() {
            assertThatIllegalArgumentException().isThrownBy(() -> limiter(1.0, 0));
        }
    }
}
