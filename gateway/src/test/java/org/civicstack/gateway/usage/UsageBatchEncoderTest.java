package org.civicstack.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.usage.UsageFixtures.aUsage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.civicstack.platform.events.UsageStream;
import org.junit.jupiter.api.Test;

/** The scripts' keys and arguments, as {@code usage-append.lua} reads them (the round trip through Redis is UsageRecorderIT's). */
class UsageBatchEncoderTest {

    private static final String HEADER = "service\tstatus\tlatency_us\tmethod\trequest_id\tcaller\tts\tjti\tsid\tsub"
            + "\tclient_id\tagency\trefusal\n";

    private final UsageBatchEncoder encoder = new UsageBatchEncoder("cs:test:usage", "cs:test:usage:anonymous",
            500_000);

    @Test
    void aCallPerStreamTokenRecordsFirstEachWithItsKeysMaximumCountAndRecordsInTheOrderRecorded() {
        List<UsageBatchEncoder.Call> calls = encoder.encode(List.of(
                aUsage().withService("svc-a").withStatus(200).withLatencyMicros(1_500).withRequestId("req-1")
                        .withCaller(null).build(),
                aUsage().withService("svc-b").withStatus(401).withLatencyMicros(0).withRequestId("req-2")
                        .withCaller("cit:x").withCitizen("jti-1", "sid-1", "", "app")
                        .withAgencyAndRefusal("agy_1", "revoked_session").build(),
                aUsage().withService("svc-c").withRequestId("req-3").build(),
                aUsage().withService("svc-d").withStatus(401).withRequestId("req-4")
                        .withAgencyAndRefusal("agy_2", "token_missing").build()));

        assertThat(calls).extracting(UsageBatchEncoder.Call::records).containsExactly(2, 2);
        assertThat(texts(calls.get(0))).containsExactly("cs:test:usage", "{cs:test:usage}:records", "500000", "2",
                HEADER + "svc-b\t401\t0\tGET\treq-2\tcit:x\t1767225600000\tjti-1\tsid-1\t\tapp\tagy_1\trevoked_session\n"
                        + "svc-d\t401\t1500\tGET\treq-4\tcaller-opaque-1\t1767225600000\t\t\t\t\tagy_2\ttoken_missing\n");
        assertThat(texts(calls.get(1))).containsExactly("cs:test:usage:anonymous", "{cs:test:usage:anonymous}:records",
                "500000", "2", HEADER
                        + "svc-a\t200\t1500\tGET\treq-1\t\t1767225600000\t\t\t\t\t\t\n"
                        + "svc-c\t200\t1500\tGET\treq-3\tcaller-opaque-1\t1767225600000\t\t\t\t\t\t\n");
    }

    @Test
    void theTwoKeysOfEachCallShareARedisClusterSlot() {
        for (String stream : List.of(UsageRecorder.STREAM, UsageRecorder.ANONYMOUS_STREAM)) {
            assertThat(io.lettuce.core.cluster.SlotHash.getSlot(UsageStream.recordCountKey(stream)))
                    .as(stream).isEqualTo(io.lettuce.core.cluster.SlotHash.getSlot(stream));
        }
    }

    @Test
    void aStreamWithoutRecordsGetsNoCall() {
        List<UsageBatchEncoder.Call> calls = encoder.encode(List.of(aUsage().build()));

        assertThat(calls).singleElement().satisfies(call -> assertThat(texts(call)).containsExactly(
                "cs:test:usage:anonymous", "{cs:test:usage:anonymous}:records", "500000", "1", HEADER
                        + "svc-appointments\t200\t1500\tGET\treq-1\tcaller-opaque-1\t1767225600000\t\t\t\t\t\t\n"));
        assertThat(encoder.encode(List.of())).isEmpty();
    }

    @Test
    void textIsUtf8WithTheFormatsEscapesAndNumbersAreDecimalAtTheirExtremesAndTheFormatReadsThemBack() {
        UsageRecorder.Usage usage = new UsageRecorder.Usage("服务-é", 9, Long.MAX_VALUE, "GET", "r\tx\\y\nz\r",
                "ü\u0001", 10, null, null, null, null, null, null);
        List<String> args = texts(encoder.encode(List.of(usage)).get(0));

        assertThat(args.get(4)).isEqualTo(HEADER + "服务-é\t9\t" + Long.MAX_VALUE
                + "\tGET\tr\\tx\\\\y\\nz\\r\tü\u0001\t10\t\t\t\t\t\t\n");
        Map<String, String> read = UsageStream.decode(args.get(4)).get(0);
        assertThat(read).containsEntry("service", "服务-é").containsEntry("request_id", "r\tx\\y\nz\r")
                .containsEntry("latency_us", Long.toString(Long.MAX_VALUE)).containsEntry("caller", "ü\u0001")
                .containsEntry("jti", "").hasSize(UsageStream.FIELDS.size());
    }

    @Test
    void aBatchLargerThanTheFirstArrayAndTheNextBatchBothStayIntact() {
        List<UsageRecorder.Usage> big = new ArrayList<>();
        for (int i = 0; i < UsageRecorder.BATCH; i++) {
            big.add(aUsage().withRequestId("request-" + i + "-" + "x".repeat(100)).withLatencyMicros(i).build());
        }
        UsageBatchEncoder.Call first = encoder.encode(big).get(0);
        UsageBatchEncoder.Call second = encoder.encode(List.of(aUsage().withRequestId("next").build())).get(0);

        // the first batch's text is not overwritten by the second (it may still be queued when the next is made)
        List<Map<String, String>> records = UsageStream.decode(texts(first).get(4));
        assertThat(records).hasSize(UsageRecorder.BATCH);
        for (int i = 0; i < UsageRecorder.BATCH; i++) {
            assertThat(records.get(i)).containsEntry("latency_us", Integer.toString(i))
                    .containsEntry("request_id", "request-" + i + "-" + "x".repeat(100));
        }
        assertThat(UsageStream.decode(texts(second).get(4))).singleElement()
                .satisfies(record -> assertThat(record).containsEntry("request_id", "next"));
    }

    private static List<String> texts(UsageBatchEncoder.Call call) {
        return Arrays.stream(call.keysAndArgs()).map(buffer -> {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }).toList();
    }
}
