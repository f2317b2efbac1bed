package org.civicstack.gateway.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one request for a token.
 *
 * <p>Callers may rely on: when {@link #allowed()} the token has been taken from every applicable bucket and
 * {@link #retryAfter()} is zero; when refused nothing was taken, {@link #remaining()} is 0 and {@link #retryAfter()}
 * is a whole number of seconds, at least one, after which a retry can succeed (if nobody else takes the token
 * first) — ready for a {@code Retry-After} header.
 *
 * @param allowed whether the request may proceed
 * @param remaining whole tokens left after this request in the emptiest applicable bucket (the smaller of the
 *        per-service and per-caller buckets); {@link Long#MAX_VALUE} when no limit applies
 * @param retryAfter how long to wait before retrying; zero when allowed, else whole seconds, at least one
 * @param fallback {@code true} when Redis could not be used and this instance decided alone with its local share of
 *        the limit (see {@code docs/rate-limiting.md})
 */
public record RateLimitDecision(boolean allowed, long remaining, Duration retryAfter, boolean fallback) {

    private static final RateLimitDecision UNLIMITED = new RateLimitDecision(true, Long.MAX_VALUE, Duration.ZERO, false);

    /** Common decisions are shared instances, so deciding from a lease usually allocates no decision. */
    private static final int CACHED = 1024;
    private static final RateLimitDecision[] ALLOWED = new RateLimitDecision[CACHED];
    private static final RateLimitDecision[] REFUSED = new RateLimitDecision[CACHED + 1];

    static {
        for (int i = 0; i < CACHED; i++) {
            ALLOWED[i] = new RateLimitDecision(true, i, Duration.ZERO, false);
        }
        for (int seconds = 1; seconds <= CACHED; seconds++) {
            REFUSED[seconds] = new RateLimitDecision(false, 0, Duration.ofSeconds(seconds), false);
        }
    }

    public RateLimitDecision {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative: " + remaining);
        }
        if (allowed && !retryAfter.isZero()) {
            throw new IllegalArgumentException("an allowed request has no retry-after: " + retryAfter);
        }
        if (!allowed) {
            if (remaining != 0) {
                throw new IllegalArgumentException("a refused request leaves no tokens: " + remaining);
            }
            if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.toNanosPart() != 0) {
                throw new IllegalArgumentException("retry-after of a refusal must be whole seconds, at least 1: "
                        + retryAfter);
            }
        }
    }

    /** No limit applies to this request. */
    public static RateLimitDecision unlimited() {
        return UNLIMITED;
    }

    static RateLimitDecision allowed(long remaining, boolean fallback) {
        if (!fallback && remaining >= 0 && remaining < CACHED) {
            return ALLOWED[(int) remaining];
        }
        return new RateLimitDecision(true, remaining, Duration.ZERO, fallback);
    }

    /** Refused; {@code wait} is rounded up to whole seconds, and to at least one. */
    static RateLimitDecision refused(Duration wait, boolean fallback) {
        return new RateLimitDecision(false, 0, Duration.ofSeconds(ceilSeconds(wait)), fallback);
    }

    /** Refused (not by the fallback) for {@code waitNanos}, rounded up to whole seconds, and to at least one. */
    static RateLimitDecision refusedForNanos(long waitNanos) {
        long seconds = Math.max(1, waitNanos / 1_000_000_000L + (waitNanos % 1_000_000_000L > 0 ? 1 : 0));
        if (seconds <= CACHED) {
            return REFUSED[(int) seconds];
        }
        return new RateLimitDecision(false, 0, Duration.ofSeconds(seconds), false);
    }

    /** {@link #retryAfter()} in seconds, as the {@code Retry-After} header carries it. */
    public long retryAfterSeconds() {
        return retryAfter.toSeconds();
    }

    private static long ceilSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
