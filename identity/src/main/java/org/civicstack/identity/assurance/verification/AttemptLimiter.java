package org.civicstack.identity.assurance.verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.civicstack.identity.citizen.CitizenId;

/**
 * Claim, then call: before a provider is asked, the services call {@link #admit} and write their attempt as
 * {@code pending} in the same transaction, under the citizen's row lock taken here, after checking the daily limit
 * and that no other attempt of the citizen is being answered right now. A concurrent duplicate therefore waits for
 * the lock, sees the pending row and is refused instead of calling the provider twice.
 */
public class AttemptLimiter {

    /** The window of the daily limit. */
    public static final Duration WINDOW = Duration.ofHours(24);
    /** How long a pending attempt blocks another (longer than any provider timeout; a crashed call frees itself). */
    static final Duration PENDING_GUARD = Duration.ofMinutes(2);

    private final VerificationAttempts attempts;
    private final int perDay;
    private final Clock clock;

    public AttemptLimiter(VerificationAttempts attempts, int perDay, Clock clock) {
        this.attempts = attempts;
        this.perDay = perDay;
        this.clock = clock;
    }

    /** Call inside a transaction: locks the citizen, checks the limits; the caller then records its attempt. */
    public void admit(CitizenId citizen, AttemptKind kind) {
        attempts.lockCitizen(citizen);
        if (attempts.pendingWithin(citizen, kind, PENDING_GUARD)) {
            throw AssuranceRefused.of(Refusal.VERIFICATION_IN_PROGRESS,
                    "Another verification of this account is being checked; wait for its answer.");
        }
        if (attempts.countedSince(citizen, kind, WINDOW) >= perDay) {
            Instant oldest = attempts.oldestCountedSince(citizen, kind, WINDOW).orElse(Instant.now(clock));
            Duration wait = Duration.between(Instant.now(clock), oldest.plus(WINDOW));
            throw AssuranceRefused.retryAfter(Refusal.RATE_LIMITED, "At most " + perDay
                    + " verification attempts of this kind are allowed in 24 hours.",
                    wait.isNegative() ? Duration.ofSeconds(1) : wait);
        }
    }

    public int remaining(CitizenId citizen, AttemptKind kind) {
        return Math.max(0, perDay - attempts.countedSince(citizen, kind, WINDOW));
    }
}
