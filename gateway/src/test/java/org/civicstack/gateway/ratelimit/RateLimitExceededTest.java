package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;

import org.civicstack.platform.error.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitExceededTest {

    @Test
    void refusalIs429RateLimitedWithRetryAfterInSeconds() {
        RateLimitExceeded problem = RateLimitExceeded.of(RateLimitDecision.refused(Duration.ofMillis(1_200), false));

        assertThat(problem.status()).isEqualTo(429);
        assertThat(problem.code()).isEqualTo("rate_limited");
        assertThat(problem.headers()).containsExactly(Map.entry("Retry-After", "2"));
        assertThat(problem.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(problem.getMessage())
                .isEqualTo("Too many requests have been sent to this service. Please try again in 2 seconds.");
    }

    @Test
    void rendersAsTheOneProblemBody() {
        Problem problem = Problem.of(new RateLimitExceeded(Duration.ofSeconds(1)), "/s/permits/apply");

        assertThat(problem.body("req-1"))
                .containsEntry("type", "urn:civicstack:problem:rate_limited")
                .containsEntry("status", 429)
                .containsEntry("code", "rate_limited")
                .containsEntry("detail", "Too many requests have been sent to this service. Please try again in 1 second.");
        assertThat(problem.headers()).containsEntry("Retry-After", "1");
    }

    @Test
    void allowedDecisionCannotBeRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> RateLimitExceeded.of(RateLimitDecision.unlimited()));
    }

    @ParameterizedTest
    @CsvSource({"1, 1 second", "59, 59 seconds", "119, 119 seconds", "120, 2 minutes", "121, 3 minutes",
            "7140, 119 minutes", "7200, 2 hours", "86400, 24 hours"})
    void waitIsWrittenAsACitizenWouldSayIt(long seconds, String expected) {
        assertThat(RateLimitExceeded.humanWait(seconds)).isEqualTo(expected);
    }
}
