package org.civicstack.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.gateway.usage.UsageFixtures.aUsage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The script's arguments, as {@code usage-append.lua} reads them (the round trip through Redis is UsageRecorderIT's). */
class UsageBatchEncoderTest {

    private static final List<String> FIELDS = List.of("service", "status", "latency_us", "method", "request_id",
            "caller", "ts", "jti", "sid", "sub", "client_id", "agency", "refusal");

    /** The two keys, max length, field count, always-written count, token-record count and the names. */
    private static final int HEADER = 6 + FIELDS.size();

    private final UsageBatchEncoder encoder = new UsageBatchEncoder("cs:test:usage", "cs:test:usage:anonymous",
            500_000, FIELDS, 7);

    @Test
    void keysAndHeaderThenTheTokenRecordsThenTheAnonymousOnesEachInFieldOrderWithAbsentValuesEmpty() {
        List<String> args = texts(encoder.encode(List.of(
                aUsage().withService("svc-a").withStatus(200).withLatencyMicros(1_500).withRequestId("req-1")
                        .withCaller(null).build(),
                aUsage().withService("svc-b").withStatus(401).withLatencyMicros(0).withRequestId("req-2")
                        .withCaller("cit:x").withCitizen("jti-1", "sid-1", "", "app")
                        .withAgencyAndRefusal("agy_1", "revoked_session").build(),
                aUsage().withService("svc-c").withRequestId("req-3").build(),
                aUsage().withService("svc-d").withStatus(401).withRequestId("req-4")
                        .withAgencyAndRefusal("agy_2", "token_missing").build())));

        List<String> expected = new ArrayList<>(List.of("cs:test:usage", "cs:test:usage:anonymous", "500000", "13",
                "7", "2"));
        expected.addAll(FIELDS);
        expected.addAll(List.of("svc-b", "401", "0", "GET", "req-2", "cit:x", "1767225600000", "jti-1", "sid-1", "",
                "app", "agy_1", "revoked_session"));
        expected.addAll(List.of("svc-d", "401", "1500", "GET", "req-4", "caller-opaque-1", "1767225600000", "", "",
                "", "", "agy_2", "token_missing"));
        expected.addAll(List.of("svc-a", "200", "1500", "GET", "req-1", "", "1767225600000", "", "", "", "", "", ""));
        expected.addAll(List.of("svc-c", "200", "1500", "GET", "req-3", "caller-opaque-1", "1767225600000", "", "",
                "", "", "", ""));
        assertThat(args).containsExactlyElementsOf(expected);
    }

    @Test
    void textIsUtf8AndNumbersAreDecimalAtTheirExtremes() {
        List<String> args = texts(encoder.encode(List.of(new UsageRecorder.Usage("服务-é", 9, Long.MAX_VALUE, "GET",
                "r", "ü\u0001", 10, null, null, null, null, null, null))));

        assertThat(args.subList(HEADER, args.size())).containsExactly("服务-é", "9", Long.toString(Long.MAX_VALUE),
                "GET", "r", "ü\u0001", "10", "", "", "", "", "", "");
    }

    @Test
    void aBatchLargerThanTheFirstArrayAndTheNextBatchBothStayIntact() {
        List<UsageRecorder.Usage> big = new ArrayList<>();
        for (int i = 0; i < UsageRecorder.BATCH; i++) {
            big.add(aUsage().withRequestId("request-" + i + "-" + "x".repeat(100)).withLatencyMicros(i).build());
        }
        ByteBuffer[] first = encoder.encode(big);
        ByteBuffer[] second = encoder.encode(List.of(aUsage().withRequestId("next").build()));

        // the first batch's views are not overwritten by the second (it may still be queued when the next is made)
        List<String> args = texts(first);
        assertThat(args).hasSize(HEADER + UsageRecorder.BATCH * FIELDS.size());
        for (int i = 0; i < UsageRecorder.BATCH; i++) {
            int at = HEADER + i * FIELDS.size();
            assertThat(args.get(at + 2)).isEqualTo(Integer.toString(i));
            assertThat(args.get(at + 4)).isEqualTo("request-" + i + "-" + "x".repeat(100));
        }
        assertThat(texts(second).get(HEADER + 4)).isEqualTo("next");
    }

    @Test
    void refusesAFieldListOfAnotherShape() {
        assertThatThrownBy(() -> new UsageBatchEncoder("k", "a", 1, FIELDS.subList(0, 12), 7))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> texts(ByteBuffer[] args) {
        return Arrays.stream(args).map(buffer -> {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }).toList();
    }
}
