package org.civicstack.identity.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The audit log's instant text is exactly {@link Instant#toString()}'s, whatever the instant. */
class InstantTextTest {

    @Test
    void equalsInstantToStringAtTheEdgesAndAcrossTheRange() {
        Instant[] edges = {Instant.EPOCH, Instant.parse("2026-12-03T05:43:00Z"), Instant.parse("2026-12-03T05:43:11.1Z"),
                Instant.parse("2026-12-03T05:43:11.120Z"), Instant.parse("2026-12-03T05:43:11.123400Z"),
                Instant.parse("2026-12-03T05:43:11.000001Z"), Instant.parse("2026-12-03T05:43:11.000000001Z"),
                Instant.parse("2026-12-03T05:43:11.999999999Z"), Instant.parse("9999-12-31T23:59:59.999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("2024-02-29T12:00:00.000100Z")};
        for (Instant instant : edges) {
            assertThat(InstantText.of(instant)).as(instant.toString()).isEqualTo(instant.toString());
        }
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 20_000; i++) {
            // runs within one second (the cached prefix) and jumps between seconds
            long second = i % 4 == 0 ? random.nextLong(0, 253_402_300_800L) : 1_796_421_192L + i / 100;
            int nanos = switch (i % 4) {
                case 0 -> random.nextInt(1_000_000_000);
                case 1 -> random.nextInt(1_000_000) * 1_000;
                case 2 -> random.nextInt(1_000) * 1_000_000;
                default -> 0;
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
    }
}
