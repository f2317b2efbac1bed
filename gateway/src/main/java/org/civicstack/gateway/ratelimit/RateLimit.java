package org.civicstack.gateway.ratelimit;

/**
 * The shape of one token bucket: it holds at most {@code burst} tokens, refills at {@code tokensPerSecond}, and
 * every request takes one token. So a caller may send {@code burst} requests at once and then
 * {@code tokensPerSecond} on average.
 *
 * @param tokensPerSecond refill rate; fractional rates are allowed ({@code 0.5} = one request every two seconds),
 *        down to {@link #MIN_TOKENS_PER_SECOND} (one a day)
 * @param burst capacity of the bucket, at least 1: how many requests may arrive at once after a quiet period
 */
public record RateLimit(double tokensPerSecond, int burst) {

    /** One token a day: anything slower is a configuration mistake, and would make waits overflow. */
    public static final double MIN_TOKENS_PER_SECOND = 1.0 / 86_400;

    public RateLimit {
        if (!(tokensPerSecond >= MIN_TOKENS_PER_SECOND) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException("rate limit must be a finite number of tokens per second, at least "
                    + MIN_TOKENS_PER_SECOND + " (one a day): " + tokensPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("rate limit burst must be at least 1: " + burst);
        }
    }

    /** {@code tokensPerSecond} on average with bursts of up to {@code burst}. */
    public static RateLimit perSecond(double tokensPerSecond, int burst) {
        return new RateLimit(tokensPerSecond, burst);
    }

    /**
     * This limit cut to {@code share} of itself, for one of several instances that enforce it without talking to
     * each other: the rate times {@code share}, the burst times {@code share} rounded up (and never below 1, so a
     * small share still lets requests through).
     */
    RateLimit scaledBy(double share) {
        if (!(share > 0) || share > 1) {
            throw new IllegalArgumentException("share must be in (0, 1]: " + share);
        }
        if (share == 1.0) {
            return this;
        }
        double rate = Math.max(MIN_TOKENS_PER_SECOND, tokensPerSecond * share);
        int scaledBurst = (int) Math.max(1, Math.ceil(burst * share));
        return new RateLimit(rate, scaledBurst);
    }
}
