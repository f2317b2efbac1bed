package org.civicstack.gateway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.civicstack.gateway.usage.UsageRecorder.Usage;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.platform.text.TabSeparatedBytes;

/**
 * The keys and arguments of one {@code usage-append.lua} call for a batch: the two streams and their record counts
 * ({@link UsageStream#recordCountKey}); then the maximum records per stream, and for each stream how many records and
 * their text in the {@link UsageStream} format (a header line of field names, a line per record), the records that
 * concern a token ({@link Usage#concernsToken()}) in the first, each group in the order recorded. Built on the writer
 * thread for up to {@link UsageRecorder#BATCH} records.
 * <p>
 * Why text bytes and one entry per batch: at tens of thousands of requests a second an argument per value (and, worse,
 * a {@code String}, {@code byte[]} and {@code ByteBuffer} per value through {@code ReactiveStringRedisTemplate}) and a
 * stream entry per record cost the gateway, Redis and the audit reader more CPU than any step of the dispatch itself
 * (JFR and per-process CPU of the dispatch benchmarks, 2026-12-04). Here numbers are written digit by digit, text as
 * UTF-8 with the format's four escapes ({@link TabSeparatedBytes}), into one array per stream per batch.
 */
final class UsageBatchEncoder {

    /** The script's keys: each stream and its record count. */
    static final int KEYS = 4;
    private static final int FIELDS = UsageStream.FIELDS.size();
    private static final byte[] HEADER = (String.join("\t", UsageStream.FIELDS) + "\n")
            .getBytes(StandardCharsets.UTF_8);

    private final ByteBuffer[] keysAndMax;
    private final Text token = new Text();
    private final Text anonymous = new Text();

    UsageBatchEncoder(String tokenStreamKey, String anonymousStreamKey, long maxRecordsPerStream) {
        if (FIELDS != 13) {
            throw new IllegalStateException("the encoder writes 13 fields, the format has " + FIELDS);
        }
        this.keysAndMax = new ByteBuffer[] {utf8(tokenStreamKey), utf8(UsageStream.recordCountKey(tokenStreamKey)),
                utf8(anonymousStreamKey), utf8(UsageStream.recordCountKey(anonymousStreamKey)),
                utf8(Long.toString(maxRecordsPerStream))};
    }

    /** The script's keys and arguments (keys first: the script is called with {@value #KEYS} keys). */
    ByteBuffer[] encode(List<Usage> batch) {
        token.reset();
        anonymous.reset();
        for (Usage usage : batch) {
            (usage.concernsToken() ? token : anonymous).record(usage);
        }
        ByteBuffer[] args = new ByteBuffer[keysAndMax.length + 4];
        for (int i = 0; i < keysAndMax.length; i++) {
            args[i] = keysAndMax[i].duplicate();
        }
        args[keysAndMax.length] = utf8(Integer.toString(token.records));
        args[keysAndMax.length + 1] = token.take();
        args[keysAndMax.length + 2] = utf8(Integer.toString(anonymous.records));
        args[keysAndMax.length + 3] = anonymous.take();
        return args;
    }

    /** One stream's records text for the batch being encoded. */
    private static final class Text {

        private final TabSeparatedBytes bytes = new TabSeparatedBytes(16 * 1024);
        private int records;

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
