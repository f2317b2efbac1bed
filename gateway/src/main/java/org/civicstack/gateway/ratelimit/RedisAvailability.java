package org.civicstack.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the limiter has learnt about Redis from its own calls: whether the last attempt failed, when and why (for
 * health), and how the next request should treat Redis.
 *
 * <p>After a failure Redis is skipped for {@code retryInterval}; then exactly one request probes it while the others
 * keep deciding locally, so an outage costs neither a timeout nor a connection attempt per request. Until Redis has
 * answered once, and while probing, a call may have to open the connection, which Spring Data Redis does
 * synchronously: those calls are marked {@link Attempt#PROBE} so the caller can move them off the event loop.
 */
final class RedisAvailability {

    /** How the next request should treat Redis. */
    enum Attempt {
        /** Redis is answering: call it on the current thread. */
        CALL,
        /** Redis has not answered yet or is being probed after a failure: call it where blocking is harmless. */
        PROBE,
        /** Redis failed recently and another request is probing it: decide locally without asking. */
        SKIP
    }

    /** The latest failure, and whether no success has happened since. */
    record Failure(Instant at, String errorType, boolean ongoing) {
    }

    private static final long HEALTHY = Long.MIN_VALUE;

    private final Clock clock;
    private final LongSupplier nanoTicker;
    private final long retryIntervalNanos;
    /** {@link #HEALTHY}, or the ticker reading before which Redis is skipped. */
    private final AtomicLong skipUntil = new AtomicLong(HEALTHY);
    private volatile boolean answeredOnce;
    private volatile Failure lastFailure;

    RedisAvailability(Duration retryInterval, Clock clock, LongSupplier nanoTicker) {
        this.clock = clock;
        this.nanoTicker = nanoTicker;
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    /**
     * How this request should treat Redis; during an outage only the one request that claims the next probe after
     * the retry interval gets {@link Attempt#PROBE}, the others {@link Attempt#SKIP}.
     */
    Attempt nextAttempt() {
        long until = skipUntil.get();
        if (until == HEALTHY) {
            return answeredOnce ? Attempt.CALL : Attempt.PROBE;
        }
        long now = nanoTicker.getAsLong();
        boolean probe = now - until >= 0 && skipUntil.compareAndSet(until, now + retryIntervalNanos);
        return probe ? Attempt.PROBE : Attempt.SKIP;
    }

    /** @return {@code true} when this success ends an outage */
    boolean recordSuccess() {
        if (!answeredOnce) {
            answeredOnce = true;
        }
        if (skipUntil.get() != HEALTHY) {
            skipUntil.set(HEALTHY);
        }
        Failure failure = lastFailure;
        if (failure != null && failure.ongoing()) {
            lastFailure = new Failure(failure.at(), failure.errorType(), false);
            return true;
        }
        return false;
    }

    /** @return {@code true} when this failure starts an outage (the previous attempt succeeded, or none was made) */
    boolean recordFailure(Throwable error) {
        boolean wasHealthy = skipUntil.getAndSet(nanoTicker.getAsLong() + retryIntervalNanos) == HEALTHY;
        lastFailure = new Failure(clock.instant(), error.getClass().getName(), true);
        return wasHealthy;
    }

    /** The ongoing outage, if the last attempt failed no longer than {@code window} ago. */
    Optional<Failure> outageWithin(Duration window) {
        Failure failure = lastFailure;
        if (failure == null || !failure.ongoing()) {
            return Optional.empty();
        }
        boolean recent = !failure.at().plus(window).isBefore(clock.instant());
        return recent ? Optional.of(failure) : Optional.empty();
    }
}
