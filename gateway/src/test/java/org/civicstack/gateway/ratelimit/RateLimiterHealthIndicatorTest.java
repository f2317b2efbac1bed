package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.civicstack.gateway.ratelimit.RedisAvailability.Attempt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Health and the probe schedule, driven by what the limiter records, with both clocks under the test's control. */
class RateLimiterHealthIndicatorTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
    private final AtomicLong nanos = new AtomicLong(42);
    private final RedisAvailability availability = new RedisAvailability(RETRY, clock, nanos::get);
    private final RateLimiterHealthIndicator indicator = new RateLimiterHealthIndicator(availability, WINDOW);

    @Nested
    class Status_ {

        @Test
        void upInRedisModeBeforeAnyFailure() {
            assertThat(health()).isEqualTo(Health.up().withDetail("mode", "redis").build());
        }

        @Test
        void degradedWithTheErrorAfterAFailure() {
            availability.recordFailure(new ConnectException("Connection refused"));

            Health health = health();

            assertThat(health.getStatus()).isEqualTo(new Status("DEGRADED"));
            assertThat(health.getDetails())
                    .containsEntry("mode", "local-fallback")
                    .containsEntry("error", "java.net.ConnectException")
                    .containsEntry("last_failure", "2026-11-23T08:00:00Z");
        }

        @Test
        void upAgainAfterASuccess() {
            availability.recordFailure(new TimeoutException());
            availability.recordSuccess();

            assertThat(health().getStatus()).isEqualTo(Status.UP);
        }

        @Test
        void upAgainWhenTheLastFailureIsOlderThanTheWindow() {
            availability.recordFailure(new TimeoutException());

            clock.advance(WINDOW);
            assertThat(health().getStatus()).as("at the edge of the window").isEqualTo(new Status("DEGRADED"));
            clock.advance(Duration.ofMillis(1));
            assertThat(health().getStatus()).isEqualTo(Status.UP);
        }
    }

    @Nested
    class Probing {

        @Test
        void untilRedisHasAnsweredOnceEveryCallIsAProbe() {
            assertThat(availability.nextAttempt()).isEqualTo(Attempt.PROBE);
            assertThat(availability.nextAttempt()).isEqualTo(Attempt.PROBE);

            availability.recordSuccess();

            assertThat(availability.nextAttempt()).isEqualTo(Attempt.CALL);
        }

        @Test
        void afterAFailureRedisIsSkippedThenProbedByExactlyOneRequest() {
            availability.recordSuccess();
            assertThat(availability.recordFailure(new TimeoutException())).as("starts an outage").isTrue();

            assertThat(availability.nextAttempt()).isEqualTo(Attempt.SKIP);
            nanos.addAndGet(RETRY.toNanos() - 1);
            assertThat(availability.nextAttempt()).isEqualTo(Attempt.SKIP);
            nanos.addAndGet(1);
            assertThat(availability.nextAttempt()).isEqualTo(Attempt.PROBE);
            assertThat(availability.nextAttempt()).as("the probe is claimed").isEqualTo(Attempt.SKIP);

            assertThat(availability.recordFailure(new TimeoutException())).as("outage continues").isFalse();
            assertThat(availability.recordSuccess()).as("ends the outage").isTrue();
            assertThat(availability.nextAttempt()).isEqualTo(Attempt.CALL);
        }
    }

    private Health health() {
        return indicator.health().block();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
