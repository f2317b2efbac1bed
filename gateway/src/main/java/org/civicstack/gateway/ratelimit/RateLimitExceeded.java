package org.civicstack.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;

/**
 * A request refused by a rate limit: 429 problem+json, code {@code rate_limited}, with {@code Retry-After} in
 * seconds. The detail is written for the citizen who sees it and does not say which limit was hit.
 */
public class RateLimitExceeded extends ApiProblem {

    private final Duration retryAfter;

    /** @param retryAfter when a retry can succeed; rounded up to whole seconds, at least one */
    public RateLimitExceeded(Duration retryAfter) {
        this(wholeSeconds(retryAfter));
    }

    private RateLimitExceeded(long seconds) {
        super(429, ProblemCodes.RATE_LIMITED, "Too many requests",
                "Too many requests have been sent to this service. Please try again in " + humanWait(seconds) + ".",
                List.of(), Map.of("Retry-After", Long.toString(seconds)));
        this.retryAfter = Duration.ofSeconds(seconds);
    }

    /** The problem for a refused decision; an allowed one is a programming error. */
    public static RateLimitExceeded of(RateLimitDecision decision) {
        if (decision.allowed()) {
            throw new IllegalArgumentException("the request was allowed; there is nothing to refuse");
        }
        return new RateLimitExceeded(decision.retryAfter());
    }

    /** The wait the {@code Retry-After} header announces, in whole seconds. */
    public Duration retryAfter() {
        return retryAfter;
    }

    private static long wholeSeconds(Duration wait) {
        if (wait.isNegative()) {
            return 1;
        }
        return Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
    }

    /** "1 second", "45 seconds", "3 minutes", "2 hours": rounded up, as a citizen would say it. */
    static String humanWait(long seconds) {
        if (seconds < 120) {
            return seconds == 1 ? "1 second" : seconds + " seconds";
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 120) {
            return minutes + " minutes";
        }
        return (minutes + 59) / 60 + " hours";
    }
}
