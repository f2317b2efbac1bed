package org.civicstack.payments.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a failed event is tried again, or that it is not: exponential back-off ({@code base · 2^(n-1)} after the
 * n-th failed attempt, capped at {@code max}) with a random spread of ± {@code jitter}, until {@code giveUpAfter}
 * has passed since the retry window opened.
 */
public record RetrySchedule(Duration base, Duration max, double jitter, Duration giveUpAfter, RandomGenerator random) {

    public static RetrySchedule of(WebhookProperties properties, RandomGenerator random) {
        return new RetrySchedule(properties.backoffBase(), properties.backoffMax(), properties.jitter(),
                properties.giveUpAfter(), random);
    }

    /** The wait after the {@code failedAttempts}-th failed attempt of a run (1 for the first). */
    public Duration delayAfter(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
        long baseMillis = base.toMillis();
        long maxMillis = max.toMillis();
        long nominal = doublings >= 62 || baseMillis > (maxMillis >> doublings) ? maxMillis : baseMillis << doublings;
        double spread = jitter == 0 ? 1 : 1 - jitter + 2 * jitter * random.nextDouble();
        long jittered = Math.round(Math.min(nominal, maxMillis) * spread);
        return Duration.ofMillis(Math.max(1, Math.min(jittered, maxMillis)));
    }

    /** Whether an event whose retry window opened at {@code windowFrom} has been retried long enough. */
    public boolean exhausted(Instant windowFrom, Instant now) {
        return !now.isBefore(windowFrom.plus(giveUpAfter));
    }
}
