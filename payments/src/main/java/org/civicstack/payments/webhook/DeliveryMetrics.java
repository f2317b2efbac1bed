package org.civicstack.payments.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the dispatcher reports: {@value #DELIVERIES} (a timer, so a count and the time per attempt) tagged with the
 * {@code outcome} for the event ({@code delivered}, {@code retrying}, {@code gave_up}) and the {@code result} of the
 * attempt ({@code 2xx}, {@code 4xx}, {@code 5xx}, {@code other_status}, {@code timeout}, {@code connection_error},
 * {@code no_signing_secret}); and {@value #OLDEST_PENDING}, the age in seconds of the oldest event not yet
 * delivered (0 when none is pending), refreshed by each poll. A growing age is the alert: an agency endpoint has
 * been down for long, or the dispatcher is not running.
 */
public final class DeliveryMetrics {

    public static final String DELIVERIES = "payments.webhook.deliveries";
    public static final String OLDEST_PENDING = "payments.webhook.oldest.pending.age";

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicReference<Instant> oldestPending = new AtomicReference<>();

    public DeliveryMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder(OLDEST_PENDING, this, DeliveryMetrics::oldestPendingSeconds)
                .description("Age of the oldest webhook event not yet delivered")
                .baseUnit("seconds")
                .register(registry);
    }

    void attempt(WebhookEventStore.Outcome outcome, String result, Duration took) {
        Timer.builder(DELIVERIES)
                .description("Webhook delivery attempts")
                .tag("outcome", outcome.wire())
                .tag("result", result)
                .register(registry)
                .record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    void oldestPending(Instant createdAt) {
        oldestPending.set(createdAt);
    }

    double oldestPendingSeconds() {
        Instant oldest = oldestPending.get();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }
}
