package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitDecisionTest {

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 1", "999, 1", "1000, 1", "1001, 2", "2500, 3", "60000, 60"})
    void refusalRoundsTheWaitUpToWholeSecondsOfAtLeastOne(long waitMillis, long expectedSeconds) {
        RateLimitDecision refused = RateLimitDecision.refused(Duration.ofMillis(waitMillis), false);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(expectedSeconds));
        assertThat(refused.retryAfterSeconds()).isEqualTo(expectedSeconds);
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 1", "1000000000, 1", "1000000001, 2", "1500000000000, 1500", "86400000000000, 86400"})
    void refusalForANanosecondWaitRoundsUpToWholeSeconds(long waitNanos, long expectedSeconds) {
        RateLimitDecision refused = RateLimitDecision.refusedForNanos(waitNanos);

        assertThat(refused).isEqualTo(new RateLimitDecision(false, 0, Duration.ofSeconds(expectedSeconds), false));
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "1023", "1024", "1000000"})
    void sharedAllowedDecisionsAreEqualToFreshOnes(long remaining) {
        assertThat(RateLimitDecision.allowed(remaining, false))
                .isEqualTo(new RateLimitDecision(true, remaining, Duration.ZERO, false));
        assertThat(RateLimitDecision.allowed(remaining, true))
                .isEqualTo(new RateLimitDecision(true, remaining, Duration.ZERO, true));
    }

    @Test
    void allowedHasNoRetryAfter() {
        RateLimitDecision allowed = RateLimitDecision.allowed(4, true);

        assertThat(allowed.retryAfter()).isZero();
        assertThat(allowed.remaining()).isEqualTo(4);
        assertThat(allowed.fallback()).isTrue();
    }

    @Test
    void unlimitedIsAllowedWithoutEnd() {
        assertThat(RateLimitDecision.unlimited())
                .isEqualTo(new RateLimitDecision(true, Long.MAX_VALUE, Duration.ZERO, false));
    }

    @Test
    void inconsistentDecisionsAreRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimitDecision(true, 1, Duration.ofSeconds(1), false));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimitDecision(false, 0, Duration.ofMillis(500), false));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimitDecision(false, 0, Duration.ofMillis(1500), false));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimitDecision(false, 3, Duration.ofSeconds(1), false));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimitDecision(true, -1, Duration.ZERO, false));
    }
}
