package org.civicstack.payments.channel.sandbox.provider;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SandboxProvider} runs. Start from {@link #defaults()} and change what a test or the all-in-one run
 * needs; every duration is short enough by default for tests and long enough for a person at a checkout page.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} to serve other machines)
 * @param port the port; 0 picks a free one ({@link SandboxProvider#port()} tells which)
 * @param publicBaseUri the base of the {@code checkout_url}s handed out; null means the address the server is bound to
 * @param clock the provider's time: timestamps it signs and checks, expiry, completion times, statement days
 * @param feeRate the fee taken on each payment (and given back pro rata on each refund), e.g. {@code 0.006} for
 *                0.6 %; fee = amount × rate rounded half-up to a whole fen
 * @param notifyTimeout how long one notification delivery may take before it counts as failed
 * @param retryInitialBackoff the wait before the first re-delivery of an unacknowledged notification; doubled each time
 * @param retryMaxBackoff the longest wait between deliveries
 * @param notifyMaxAttempts deliveries of one notification (one copy, see {@link SandboxBehaviour#duplicates()}) before
 *                          the provider gives up
 * @param reorderWindow how long a notification is held when {@link SandboxBehaviour#reorder()} is on
 * @param faultHold how long a {@code timeout} fault holds its answer
 * @param behaviour the behaviour at start
 */
public record SandboxProviderSettings(String host, int port, URI publicBaseUri, Clock clock, BigDecimal feeRate,
        Duration notifyTimeout, Duration retryInitialBackoff, Duration retryMaxBackoff, int notifyMaxAttempts,
        Duration reorderWindow, Duration faultHold, SandboxBehaviour behaviour) {

    public SandboxProviderSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(feeRate, "feeRate");
        Objects.requireNonNull(notifyTimeout, "notifyTimeout");
        Objects.requireNonNull(retryInitialBackoff, "retryInitialBackoff");
        Objects.requireNonNull(retryMaxBackoff, "retryMaxBackoff");
        Objects.requireNonNull(reorderWindow, "reorderWindow");
        Objects.requireNonNull(faultHold, "faultHold");
        Objects.requireNonNull(behaviour, "behaviour");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (feeRate.signum() < 0 || feeRate.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("fee rate must be in [0, 1)");
        }
        if (notifyMaxAttempts < 1) {
            throw new IllegalArgumentException("at least one delivery attempt");
        }
    }

    /** Loopback, a free port, the system clock, 0.6 % fee, re-deliveries after 1 s doubling up to 1 min, 8 attempts. */
    public static SandboxProviderSettings defaults() {
        return new SandboxProviderSettings("127.0.0.1", 0, null, Clock.systemUTC(), new BigDecimal("0.006"),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1), 8, Duration.ofSeconds(2),
                Duration.ofSeconds(60), SandboxBehaviour.normal());
    }

    public SandboxProviderSettings withHost(String value) {
        return new SandboxProviderSettings(value, port, publicBaseUri, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, behaviour);
    }

    public SandboxProviderSettings withPort(int value) {
        return new SandboxProviderSettings(host, value, publicBaseUri, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, behaviour);
    }

    public SandboxProviderSettings withPublicBaseUri(URI value) {
        return new SandboxProviderSettings(host, port, value, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, behaviour);
    }

    public SandboxProviderSettings withClock(Clock value) {
        return new SandboxProviderSettings(host, port, publicBaseUri, value, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, behaviour);
    }

    public SandboxProviderSettings withFeeRate(BigDecimal value) {
        return new SandboxProviderSettings(host, port, publicBaseUri, clock, value, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, behaviour);
    }

    /** Notification delivery: per-attempt timeout, first back-off (doubling up to {@code maxBackoff}), attempts. */
    public SandboxProviderSettings withDelivery(Duration timeout, Duration initialBackoff, Duration maxBackoff,
            int maxAttempts) {
        return new SandboxProviderSettings(host, port, publicBaseUri, clock, feeRate, timeout, initialBackoff,
                maxBackoff, maxAttempts, reorderWindow, faultHold, behaviour);
    }

    public SandboxProviderSettings withReorderWindow(Duration value) {
        return new SandboxProviderSettings(host, port, publicBaseUri, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, value, faultHold, behaviour);
    }

    public SandboxProviderSettings withFaultHold(Duration value) {
        return new SandboxProviderSettings(host, port, publicBaseUri, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, value, behaviour);
    }

    public SandboxProviderSettings withBehaviour(SandboxBehaviour value) {
        return new SandboxProviderSettings(host, port, publicBaseUri, clock, feeRate, notifyTimeout,
                retryInitialBackoff, retryMaxBackoff, notifyMaxAttempts, reorderWindow, faultHold, value);
    }
}
