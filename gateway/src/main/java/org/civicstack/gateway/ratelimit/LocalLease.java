package org.civicstack.gateway.ratelimit;

import java.util.function.LongConsumer;

/**
 * What this instance holds of one Redis bucket: tokens it has taken from Redis and not yet spent (a lease), until
 * when Redis said the bucket has no token, and how many tokens Redis reported left at the last grant.
 *
 * <p>Every token here was taken from Redis, so spending them never admits more than the shared bucket allows. Leased
 * tokens expire {@code ttl} after the Redis call that took them was sent (ticker readings, not wall time) and are
 * then dropped: that errs towards refusing. Thread-safe; each method holds the monitor for a few field updates.
 */
final class LocalLease {

    private long tokens;
    /** Ticker reading when the Redis call behind the current tokens was sent. */
    private long startedAt;
    private long expiresAt;
    private long refusedUntil;
    private long redisLeft;

    LocalLease(long now) {
        this.startedAt = now;
        this.expiresAt = now;
        this.refusedUntil = now;
    }

    /**
     * Spends one leased token if an unexpired one is left.
     *
     * @param expired told how many tokens were dropped because they expired
     * @return an estimate of the whole tokens left (unspent here plus Redis's count at the last grant), or -1 when
     *         no token was taken
     */
    synchronized long tryTake(long now, LongConsumer expired) {
        if (tokens == 0) {
            return -1;
        }
        if (now - expiresAt >= 0) {
            expired.accept(tokens);
            tokens = 0;
            return -1;
        }
        tokens--;
        return tokens + redisLeft;
    }

    /**
     * Returns a token taken at {@code takenAt} that the request could not use (another of its buckets refused). It
     * goes back only while the current lease has not expired and was requested no later than the token was taken
     * (so it cannot join a lease that would keep it alive much longer); otherwise it is dropped.
     */
    synchronized void giveBack(long takenAt, long now) {
        if (startedAt - takenAt <= 0 && now - expiresAt < 0) {
            tokens++;
        }
    }

    /**
     * Adds {@code extra} tokens granted by a Redis call sent at {@code sentAt}. Tokens still held keep their earlier
     * expiry and the new ones join them (which can only shorten the new ones' life); otherwise a new lease starts that
     * expires {@code ttlNanos} after {@code sentAt}.
     *
     * @param redisLeft whole tokens Redis reported left in the bucket after the grant
     * @param expired told how many held tokens were dropped because they had expired
     * @return the estimate of whole tokens left, as {@link #tryTake} reports it
     */
    synchronized long add(long extra, long sentAt, long now, long ttlNanos, long redisLeft, LongConsumer expired) {
        this.redisLeft = redisLeft;
        if (extra > 0) {
            if (tokens > 0 && now - expiresAt < 0) {
                tokens += extra;
            } else {
                if (tokens > 0) {
                    expired.accept(tokens);
                }
                tokens = extra;
                startedAt = sentAt;
                expiresAt = sentAt + ttlNanos;
            }
        }
        return (now - expiresAt < 0 ? tokens : 0) + redisLeft;
    }

    /** Redis said the bucket holds no token before {@code until}; later refusals may only extend that. */
    synchronized void refuseUntil(long until) {
        if (until - refusedUntil > 0) {
            refusedUntil = until;
        }
    }

    /** Nanoseconds until Redis may have a token again, by its last refusal; 0 when it has not refused lately. */
    synchronized long refusedFor(long now) {
        long left = refusedUntil - now;
        return left > 0 ? left : 0;
    }

    /** Holds nothing worth keeping: no unexpired token and no refusal still in force. */
    synchronized boolean idle(long now) {
        return (tokens == 0 || now - expiresAt >= 0) && now - refusedUntil >= 0;
    }

    /** Unexpired tokens held, for tests. */
    synchronized long tokens(long now) {
        return now - expiresAt < 0 ? tokens : 0;
    }
}
