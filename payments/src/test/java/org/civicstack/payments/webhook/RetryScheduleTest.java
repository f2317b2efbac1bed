package org.civicstack.payments.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

/** The webhook back-off: doubling from the base, capped, spread by the jitter, given up after the window. */
class RetryScheduleTest {

    static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    static final RetrySchedule NO_JITTER = new RetrySchedule(Duration.ofSeconds(5), Duration.ofHours(1), 0,
            Duration.ofHours(72), fixed(0.5));

    @Test
    void delaysDoubleFromTheBaseUntilTheCap() {
        List<Long> seconds = new ArrayList<>();
        for (int attempt = 1; attempt <= 12; attempt++) {
            seconds.add(NO_JITTER.delayAfter(attempt).toSeconds());
        }
        assertThat(seconds).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 2560L, 3600L, 3600L);
    }

    @Test
    void outOfRangeAttemptNumbersNeitherOverflowNorGoBelowTheBase() {
        assertThat(NO_JITTER.delayAfter(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(NO_JITTER.delayAfter(-3)).isEqualTo(Duration.ofSeconds(5));
        assertThat(NO_JITTER.delayAfter(63)).isEqualTo(Duration.ofHours(1));
        assertThat(NO_JITTER.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void jitterSpreadsEachDelayBothWaysButNeverBeyondTheCap() {
        RetrySchedule low = new RetrySchedule(Duration.ofSeconds(10), Duration.ofMinutes(1), 0.2, Duration.ofHours(24),
                fixed(0.0));
        RetrySchedule high = new RetrySchedule(Duration.ofSeconds(10), Duration.ofMinutes(1), 0.2, Duration.ofHours(24),
                fixed(0.999999));
        assertThat(low.delayAfter(1)).isEqualTo(Duration.ofSeconds(8));
        assertThat(high.delayAfter(1).toMillis()).isBetween(11_999L, 12_000L);
        assertThat(low.delayAfter(20)).isEqualTo(Duration.ofSeconds(48));
        assertThat(high.delayAfter(20)).as("capped after the spread too").isEqualTo(Duration.ofMinutes(1));
        // a real generator stays within ±20 %
        RetrySchedule random = new RetrySchedule(Duration.ofSeconds(10), Duration.ofHours(1), 0.2, Duration.ofHours(24),
                RandomGenerator.of("L64X128MixRandom"));
        for (int i = 0; i < 1000; i++) {
            assertThat(random.delayAfter(3).toMillis()).isBetween(32_000L, 48_000L);
        }
    }

    @Test
    void itGivesUpOnlyOnceTheWholeWindowHasPassed() {
        Instant from = Instant.parse("2026-12-03T00:00:00Z");
        assertThat(NO_JITTER.exhausted(from, from.plus(Duration.ofHours(72)).minusMillis(1))).isFalse();
        assertThat(NO_JITTER.exhausted(from, from.plus(Duration.ofHours(72)))).isTrue();
    }

    @Test
    void theDefaultsKeepRetryingForAtLeastADayWithManyAttempts() {
        // the bar: retried with exponential back-off for at least 24 h
        RetrySchedule defaults = new RetrySchedule(Duration.ofSeconds(5), Duration.ofHours(1), 0.2, Duration.ofHours(72),
                fixed(0.0));
        Instant from = Instant.parse("2026-12-03T00:00:00Z");
        Instant at = from;
        int attempts = 0;
        while (!defaults.exhausted(from, at)) {
            attempts++;
            at = at.plus(defaults.delayAfter(attempts));
        }
        assertThat(Duration.between(from, at)).isGreaterThanOrEqualTo(Duration.ofHours(24));
        assertThat(attempts).as("about hourly once capped, over three days").isBetween(60, 100);
    }
}
