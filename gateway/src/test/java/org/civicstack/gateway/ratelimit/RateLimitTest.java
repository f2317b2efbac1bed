package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {

    @Nested
    class Validation {

        @Test
        void fractionalRateIsAccepted() {
            RateLimit limit = RateLimit.perSecond(0.5, 1);

            assertThat(limit.tokensPerSecond()).isEqualTo(0.5);
            assertThat(limit.burst()).isEqualTo(1);
        }

        @Test
        void oneRequestADayIsTheSlowestRate() {
            assertThat(RateLimit.perSecond(1.0 / 86_400, 1).tokensPerSecond()).isEqualTo(RateLimit.MIN_TOKENS_PER_SECOND);
            assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.perSecond(1.0 / 86_401, 1));
        }

        @ParameterizedTest
        @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void rateThatIsNotAPositiveFiniteNumberIsRejected(double rate) {
            assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.perSecond(rate, 10))
                    .withMessageContaining("tokens per second");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void burstBelowOneIsRejected(int burst) {
            assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.perSecond(10, burst))
                    .withMessageContaining("burst");
        }
    }

    @Nested
    class ScaledBy {

        @Test
        void wholeShareIsTheSameLimit() {
            RateLimit limit = RateLimit.perSecond(20, 10);

            assertThat(limit.scaledBy(1.0)).isSameAs(limit);
        }

        @Test
        void shareCutsRateAndRoundsBurstUp() {
            assertThat(RateLimit.perSecond(20, 10).scaledBy(0.25)).isEqualTo(RateLimit.perSecond(5, 3));
        }

        @Test
        void smallShareStillLetsOneRequestThrough() {
            assertThat(RateLimit.perSecond(0.5, 2).scaledBy(0.01).burst()).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(doubles = {0, -0.5, 1.01, Double.NaN})
        void shareOutsideZeroToOneIsRejected(double share) {
            assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.perSecond(20, 10).scaledBy(share));
        }
    }
}
