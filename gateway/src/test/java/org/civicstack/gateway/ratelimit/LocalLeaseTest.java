package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LocalLeaseTest {

    private static final long TTL = 1_000_000_000L;

    /** Ticker readings start far from zero and may be negative, as {@code System.nanoTime()}'s can. */
    private final long start = -5_000_000_000L;
    private final AtomicLong expired = new AtomicLong();
    private final LocalLease lease = new LocalLease(start);

    @Nested
    class Spending {

        @Test
        void newLeaseHoldsNoToken() {
            assertThat(lease.tryTake(start, expired::addAndGet)).isEqualTo(-1);
        }

        @Test
        void grantedTokensAreSpentOneByOneWithRedisCountInTheEstimate() {
            assertThat(lease.add(2, start, start, TTL, 40, expired::addAndGet)).isEqualTo(42);

            assertThat(lease.tryTake(start + 1, expired::addAndGet)).isEqualTo(41);
            assertThat(lease.tryTake(start + 2, expired::addAndGet)).isEqualTo(40);
            assertThat(lease.tryTake(start + 3, expired::addAndGet)).isEqualTo(-1);
            assertThat(expired).hasValue(0);
        }

        @Test
        void tokensExpireTtlAfterTheRedisCallWasSentAndAreCounted() {
            long sentAt = start + 100;
            lease.add(5, sentAt, sentAt + 50, TTL, 0, expired::addAndGet);

            assertThat(lease.tryTake(sentAt + TTL - 1, expired::addAndGet)).as("just before").isEqualTo(4);
            assertThat(lease.tryTake(sentAt + TTL, expired::addAndGet)).as("at the TTL").isEqualTo(-1);
            assertThat(expired).as("the four left unspent").hasValue(4);
            assertThat(lease.tokens(sentAt + TTL)).isZero();
        }

        @Test
        void newTokensJoiningHeldOnesKeepTheEarlierExpiry() {
            lease.add(2, start, start, TTL, 0, expired::addAndGet);

            lease.add(3, start + TTL / 2, start + TTL / 2, TTL, 0, expired::addAndGet);

            assertThat(lease.tokens(start + TTL - 1)).isEqualTo(5);
            assertThat(lease.tokens(start + TTL)).isZero();
        }

        @Test
        void aGrantAfterExpiryStartsANewLeaseAndCountsTheExpiredTokens() {
            lease.add(2, start, start, TTL, 0, expired::addAndGet);

            lease.add(3, start + TTL, start + TTL, TTL, 0, expired::addAndGet);

            assertThat(expired).hasValue(2);
            assertThat(lease.tokens(start + 2 * TTL - 1)).isEqualTo(3);
        }
    }

    @Nested
    class GivingBack {

        @Test
        void unusedTokenGoesBackIntoItsLease() {
            lease.add(2, start, start, TTL, 0, expired::addAndGet);
            lease.tryTake(start + 10, expired::addAndGet);

            lease.giveBack(start + 10, start + 20);

            assertThat(lease.tokens(start + 20)).isEqualTo(2);
        }

        @Test
        void tokenOfAnExpiredLeaseIsDropped() {
            lease.add(1, start, start, TTL, 0, expired::addAndGet);
            lease.tryTake(start + 10, expired::addAndGet);

            lease.giveBack(start + 10, start + TTL);

            assertThat(lease.tokens(start + TTL - 1)).isZero();
        }

        @Test
        void tokenDoesNotJoinALeaseRequestedAfterItWasTaken() {
            lease.add(1, start, start, TTL, 0, expired::addAndGet);
            lease.tryTake(start + 10, expired::addAndGet);
            lease.add(4, start + 20, start + 30, TTL, 0, expired::addAndGet);

            lease.giveBack(start + 10, start + 40);

            assertThat(lease.tokens(start + 40)).isEqualTo(4);
        }
    }

    @Nested
    class Refusals {

        @Test
        void refusalHoldsUntilItsTimeAndOnlyEverExtends() {
            lease.refuseUntil(start + 1_000);
            lease.refuseUntil(start + 500);

            assertThat(lease.refusedFor(start)).isEqualTo(1_000);
            assertThat(lease.refusedFor(start + 999)).isEqualTo(1);
            assertThat(lease.refusedFor(start + 1_000)).isZero();
        }

        @Test
        void leaseIsIdleWhenItHoldsNoTokenAndNoRefusal() {
            assertThat(lease.idle(start)).isTrue();

            lease.refuseUntil(start + 100);
            assertThat(lease.idle(start + 99)).isFalse();
            assertThat(lease.idle(start + 100)).isTrue();

            lease.add(1, start + 100, start + 100, TTL, 0, expired::addAndGet);
            assertThat(lease.idle(start + 100 + TTL - 1)).isFalse();
            assertThat(lease.idle(start + 100 + TTL)).isTrue();
        }
    }
}
