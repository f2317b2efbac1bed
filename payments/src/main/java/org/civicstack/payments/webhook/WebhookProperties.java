package org.civicstack.payments.webhook;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the agency webhook dispatcher, {@code civicstack.payments.webhooks.*}.
 *
 * @param enabled whether this instance delivers webhooks at all (every instance may: claims never overlap)
 * @param pollInterval how often the dispatcher looks for due events when no delivery just finished
 * @param batchSize the most events one claim takes
 * @param attemptTimeout the most one delivery attempt may take, connecting through reading the response
 * @param lease how long a claimed attempt is this instance's; longer than {@code attemptTimeout}, so a live
 *              instance always records its outcome before another may retry, and a dead instance's claims
 *              are retried once it runs out
 * @param backoffBase the wait before the second attempt; it doubles with each further failed attempt
 * @param backoffMax the longest wait between two attempts
 * @param jitter the fraction (0-1) by which each wait is randomly shortened or lengthened, so that events that
 *               failed together (an agency's outage) are not retried in one burst
 * @param giveUpAfter how long an event is retried after its first attempt (or its redelivery) before it fails;
 *                    at least 24 h, as the API conventions promise agencies
 * @param maxConcurrentPerAgency the most attempts in flight for one agency, across every instance; 1 (the
 *                               default) delivers an agency's due events one at a time, oldest first
 * @param maxConcurrent the most attempts in flight in this instance, over all agencies
 */
@Validated
@ConfigurationProperties("civicstack.payments.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("10s") Duration attemptTimeout,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("5s") Duration backoffBase,
        @DefaultValue("1h") Duration backoffMax,
        @DefaultValue("0.2") double jitter,
        @DefaultValue("72h") Duration giveUpAfter,
        @DefaultValue("1") @Min(1) @Max(100) int maxConcurrentPerAgency,
        @DefaultValue("64") @Min(1) @Max(10000) int maxConcurrent) {

    public WebhookProperties {
        requirePositive("poll-interval", pollInterval);
        requirePositive("attempt-timeout", attemptTimeout);
        requirePositive("backoff-base", backoffBase);
        if (lease == null || lease.compareTo(attemptTimeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("civicstack.payments.webhooks.lease must be at least twice "
                    + "attempt-timeout (" + attemptTimeout + ")");
        }
        if (backoffMax == null || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("civicstack.payments.webhooks.backoff-max must be at least backoff-base");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("civicstack.payments.webhooks.jitter must be in [0, 1)");
        }
        if (giveUpAfter == null || giveUpAfter.compareTo(Duration.ofHours(24)) < 0) {
            throw new IllegalArgumentException("civicstack.payments.webhooks.give-up-after must be at least 24h");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("civicstack.payments.webhooks." + name + " must be positive");
        }
    }
}
