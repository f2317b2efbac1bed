package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The bucket arithmetic, with time as a plain nanosecond reading passed in. */
class LocalTokenBucketTest {

    private static final long START = 5_000_000_000L;

    @Test
    void newBucketIsFullAndAllowsTheWholeBurst() {
        RateLimit limit = RateLimit.perSecond(1, 3);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);

        takeAll(bucket, limit, START, 3);

        assertThat(bucket.hasToken()).isFalse();
    }

    @Test
    void refillsAtTheRate() {
        RateLimit limit = RateLimit.perSecond(20, 2);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        takeAll(bucket, limit, START, 2);

        assertThat(bucket.refill(limit, START + millis(25))).isEqualTo(0.5);
        assertThat(bucket.hasToken()).isFalse();
        assertThat(bucket.refill(limit, START + millis(50))).isEqualTo(1.0);
        assertThat(bucket.hasToken()).isTrue();
    }

    @Test
    void refillIsCappedAtTheBurst() {
        RateLimit limit = RateLimit.perSecond(20, 2);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        bucket.take();

        assertThat(bucket.refill(limit, START + millis(3_600_000))).isEqualTo(2.0);
    }

    @Test
    void fractionalRateEarnsATokenEveryTwoSeconds() {
        RateLimit limit = RateLimit.perSecond(0.5, 1);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        bucket.take();

        bucket.refill(limit, START + millis(1_000));
        assertThat(bucket.hasToken()).isFalse();
        assertThat(bucket.timeUntilToken(limit)).isEqualTo(Duration.ofSeconds(1));

        bucket.refill(limit, START + millis(2_000));
        assertThat(bucket.hasToken()).isTrue();
        assertThat(bucket.timeUntilToken(limit)).isZero();
    }

    @Test
    void emptyBucketWaitsOneTokenTime() {
        RateLimit limit = RateLimit.perSecond(4, 1);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        bucket.take();

        assertThat(bucket.timeUntilToken(limit)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void clockGoingBackwardsNeitherAddsNorRemovesTokens() {
        RateLimit limit = RateLimit.perSecond(10, 5);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        bucket.take();

        assertThat(bucket.refill(limit, START - millis(10_000))).isEqualTo(4.0);
        assertThat(bucket.refill(limit, START + millis(100))).isEqualTo(5.0);
    }

    @Test
    void lowerBurstAfterReconfigurationCapsTheBucket() {
        LocalTokenBucket bucket = new LocalTokenBucket(RateLimit.perSecond(1, 10), START);

        assertThat(bucket.refill(RateLimit.perSecond(1, 3), START)).isEqualTo(3.0);
    }

    @Test
    void takingFromAnEmptyBucketIsAProgrammingError() {
        RateLimit limit = RateLimit.perSecond(1, 1);
        LocalTokenBucket bucket = new LocalTokenBucket(limit, START);
        bucket.take();

        assertThatIllegalStateException().isThrownBy(bucket::take);
    }

    private static void takeAll(LocalTokenBucket bucket, RateLimit limit, long now, int count) {
        for (int i = 0; i < count; i++) {
            bucket.refill(limit, now);
            assertThat(bucket.hasToken()).as("token %d of %d", i + 1, count).isTrue();
            bucket.take();
        }
    }

    private static long millis(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
