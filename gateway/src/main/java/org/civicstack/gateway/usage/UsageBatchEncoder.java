package org.civicstack.gateway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.civicstack.gateway.usage.UsageRecorder.Usage;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.platform.text.TabSeparatedBytes;

/**
 * The keys and arguments of the {@code usage-append.lua} calls for a batch, one per stream that gets records: the
 * stream and its record count ({@link UsageStream#recordCountKey}, the same cluster slot); then the maximum records,
 * how many records and their text in the {@link UsageStream} format (a header line of field names, a line per
 * record). The records that concern a token ({@link Usage#concernsToken()}) go to the first stream, the others to
 * the second, each group in the order recorded. Built on the writer thread for up to {@link UsageRecorder#BATCH}
 * records.
 * <p>
 * Why text bytes and one entry per batch: at tens of thousands of requests a second an argument per value (and, worse,
 * a {@code String}, {@code byte[]} and {@code ByteBuffer} per value through {@code ReactiveStringRedisTemplate}) and a
 * stream entry per record cost the gateway, Redis and the audit reader more CPU than any step of the dispatch itself
 * (JFR and per-process CPU of the dispatch benchmarks, 2026-12-04). Here numbers are written digit by digit, text as
 * UTF-8 with the format's four escapes ({@link TabSeparatedBytes}), into one array per stream per batch.
 */
final class UsageBatchEncoder {

    /** The script's keys: the stream and its record count. */
    static final int KEYS = 2;
    private static final int FIELDS = UsageStream.FIELDS.size();
    private static final byte[] HEADER = (String.join("\t", UsageStream.FIELDS) + "\n")
            .getBytes(StandardCharsets.UTF_8);

    /** One script call: its keys and arguments, and how many records it appends. */
    record Call(ByteBuffer[] keysAndArgs, int records) {
    }

    private final Text token;
    private final Text anonymous;
    private final ByteBuffer max;

    UsageBatchEncoder(String tokenStreamKey, String anonymousStreamKey, long maxRecordsPerStream) {
        if (FIELDS != 13) {
            throw new IllegalStateException("the encoder writes 13 fields, the format has " + FIELDS);
        }
        this.token = new Text(tokenStreamKey);
        this.anonymous = new Text(anonymousStreamKey);
        this.max = utf8(Long.toString(maxRecordsPerStream));
    }

    /** The calls for a batch: the token stream's first, then the anonymous stream's; none for a stream without records. */
    List<Call> encode(List<Usage> batch) {
        token.reset();
        anonymous.reset();
        for (Usage usage : batch) {
            (usage.concernsToken() ? token : anonymous).record(usage);
        }
        List<Call> calls = new ArrayList<>(2);
        for (Text text : List.of(token, anonymous)) {
            if (text.records > 0) {
                calls.add(new Call(new ByteBuffer[] {text.stream.duplicate(), text.counter.duplicate(), max.duplicate(),
                        utf8(Integer.toString(text.records)), text.take()}, text.records));
            }
        }
        return calls;
    }

    /** One stream's records text for the batch being encoded. */
    private static final class Text {

        private final ByteBuffer stream;
        private final ByteBuffer counter;
        private final TabSeparatedBytes bytes = new TabSeparatedBytes(16 * 1024);
        private int records;

        Text(String streamKey) {
            this.stream = utf8(streamKey);
            this.counter = utf8(UsageStream.recordCountKey(streamKey));
        }

        void reset() {
            bytes.reset();
            records = 0;
        }

        void record(Usage usage) {
            if (records++ == 0) {
                bytes.raw(HEADER);
            }
            bytes.text(usage.service()).tab().number(usage.status()).tab().number(usage.latencyMicros()).tab()
                    .text(usage.method()).tab().text(usage.requestId()).tab().text(usage.caller()).tab()
                    .number(usage.epochMillis()).tab().text(usage.jti()).tab().text(usage.sid()).tab()
                    .text(usage.subject()).tab().text(usage.clientId()).tab().text(usage.agencyId()).tab()
                    .text(usage.refusal()).newline();
        }

        /**
         * The text as a view of its array; the next batch writes into a new array, so this view stays valid until
         * Lettuce has copied it, even when a batch timed out here while still queued in the connection.
         */
        ByteBuffer take() {
            return bytes.detach();
        }
    }

    private static ByteBuffer utf8(String value) {
        return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}
