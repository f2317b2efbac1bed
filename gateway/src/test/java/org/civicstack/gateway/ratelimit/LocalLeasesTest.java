package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.civicstack.gateway.ratelimit.LocalLeases.ServiceLeases;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalLeasesTest {

    private static final Duration TTL = Duration.ofSeconds(1);
    private static final Duration WINDOW = Duration.ofMillis(50);

    private final AtomicLong nanos = new AtomicLong(7_000_000_000L);
    private final AtomicInteger sweeps = new AtomicInteger();

    /** Sweeps run at once, on the test's thread, and are counted. */
    private LocalLeases table(int maxBuckets) {
        return new LocalLeases(maxBuckets, TTL, WINDOW, nanos::get, sweep -> {
            sweeps.incrementAndGet();
            sweep.run();
        });
    }

    @Nested
    class LeaseSize {

        @ParameterizedTest(name = "{0}/s burst {1} -> {2}")
        @CsvSource({
                "0.01, 2, 1",            // a per-citizen limit: every request asks Redis, so the limit is exact
                "0.5, 3, 1",
                "100000, 1000000, 5000", // what 50 ms refills
                "100, 1000, 5",
                "1000, 10, 5",           // at most half the burst
                "1000, 1, 1",            // and at least one
                "1000000000000, 2147483647, 1073741823"})
        void leaseIsWhatTheWindowRefillsBetweenOneAndHalfTheBurst(double rate, int burst, int expected) {
            assertThat(LocalLeases.leaseSize(RateLimit.perSecond(rate, burst), WINDOW)).isEqualTo(expected);
        }

        @Test
        void longerWindowLeasesMore() {
            assertThat(LocalLeases.leaseSize(RateLimit.perSecond(100, 1000), Duration.ofSeconds(1))).isEqualTo(100);
        }
    }

    @Nested
    class Bounds {

        @Test
        void serviceLeasesAreMadeOnceAndFoundAfterwards() {
            LocalLeases table = table(10);
            assertThat(table.find("permits")).isNull();

            ServiceLeases made = table.open("permits");

            assertThat(made).isNotNull();
            assertThat(made.serviceKey()).isEqualTo("cs:rl:{svc:permits}:all");
            assertThat(table.find("permits")).isSameAs(made);
            assertThat(table.open("permits")).isSameAs(made);
            assertThat(table.openCaller(made, "alice")).isSameAs(table.openCaller(made, "alice"));
            assertThat(table.size()).isEqualTo(2);
        }

        @Test
        void fullTableKeepsNoNewLease() {
            LocalLeases table = table(2);
            ServiceLeases permits = table.open("permits");
            holdToken(permits.all());
            holdToken(table.openCaller(permits, "alice"));

            assertThat(table.hasRoom()).isFalse();
            assertThat(table.openCaller(permits, "bob")).isNull();
            assertThat(table.open("parking")).isNull();
            assertThat(table.size()).isEqualTo(2);
        }

        @Test
        void fullTableSweepsLeasesThatHoldNothing() {
            LocalLeases table = table(3);
            ServiceLeases permits = table.open("permits");
            holdToken(permits.all());
            table.openCaller(permits, "alice").refuseUntil(nanos.get() + 100);
            table.openCaller(permits, "carol");

            LocalLease bob = table.openCaller(permits, "bob");

            assertThat(bob).as("carol's empty lease made room").isNotNull();
            assertThat(permits.caller("carol")).isNull();
            assertThat(permits.caller("alice")).as("a refusal in force is kept").isNotNull();
            assertThat(table.size()).isEqualTo(3);
        }

        @Test
        void fullTableSweepsAtMostOncePerTtl() {
            LocalLeases table = table(2);
            ServiceLeases permits = table.open("permits");
            table.openCaller(permits, "alice").refuseUntil(nanos.get() + 100);
            assertThat(table.openCaller(permits, "bob")).isNull();
            assertThat(sweeps).hasValue(1);

            nanos.addAndGet(TTL.toNanos() - 1);
            assertThat(table.openCaller(permits, "bob")).as("alice's refusal is over, but no sweep is due").isNull();
            assertThat(sweeps).hasValue(1);

            nanos.addAndGet(1);
            assertThat(table.openCaller(permits, "bob")).isNotNull();
            assertThat(sweeps).hasValue(2);
            assertThat(permits.caller("alice")).isNull();
        }

        @Test
        void sweepDropsServicesWithNothingLeft() {
            LocalLeases table = table(1);
            table.open("permits");

            ServiceLeases parking = table.open("parking");

            assertThat(parking).isNotNull();
            assertThat(table.find("permits")).isNull();
            assertThat(table.size()).isEqualTo(1);
        }

        @Test
        void tableNeedsRoomForOneBucket() {
            assertThatIllegalArgumentException().isThrownBy(() -> table(0));
        }
    }

    private void holdToken(LocalLease lease) {
        lease.add(1, nanos.get(), nanos.get(), TTL.toNanos(), 0, tokens -> { });
    }
}
