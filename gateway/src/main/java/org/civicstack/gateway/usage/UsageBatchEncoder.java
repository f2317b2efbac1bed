package org.civicstack.gateway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.civicstack.gateway.usage.UsageRecorder.Usage;
import org.civicstack.platform.events.UsageStream;

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
 * UTF-8 with the format's four escapes, into one array per stream per batch.
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

        private byte[] bytes = new byte[16 * 1024];
        private int length;
        private int records;

        void reset() {
            length = 0;
            records = 0;
        }

        void record(Usage usage) {
            if (records++ == 0) {
                ensure(HEADER.length);
                System.arraycopy(HEADER, 0, bytes, 0, HEADER.length);
                length = HEADER.length;
            }
            text(usage.service());
            separator();
            number(usage.status());
            separator();
            number(usage.latencyMicros());
            separator();
            text(usage.method());
            separator();
            text(usage.requestId());
            separator();
            text(usage.caller());
            separator();
            number(usage.epochMillis());
            separator();
            text(usage.jti());
            separator();
            text(usage.sid());
            separator();
            text(usage.subject());
            separator();
            text(usage.clientId());
            separator();
            text(usage.agencyId());
            separator();
            text(usage.refusal());
            ensure(1);
            bytes[length++] = '\n';
        }

        /**
         * The text as a view of its array; the next batch writes into a new array, so this view stays valid until
         * Lettuce has copied it, even when a batch timed out here while still queued in the connection.
         */
        ByteBuffer take() {
            ByteBuffer view = ByteBuffer.wrap(bytes, 0, length);
            if (length > 0) {
                bytes = new byte[Math.max(16 * 1024, length)];
            }
            return view;
        }

        private void separator() {
            ensure(1);
            bytes[length++] = '\t';
        }

        /** A value as UTF-8 ({@code null} as empty), backslash, tab, newline and carriage return escaped. */
        private void text(String value) {
            if (value == null || value.isEmpty()) {
                return;
            }
            // the JDK's encoder: a bulk copy for ASCII, whatever the string's internal form
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length);
            int plain = 0;
            while (plain < utf8.length && !special(utf8[plain])) {
                plain++;
            }
            System.arraycopy(utf8, 0, bytes, length, plain);
            length += plain;
            for (int i = plain; i < utf8.length; i++) {
                byte b = utf8[i];
                ensure(2);
                if (special(b)) {
                    bytes[length++] = '\\';
                    bytes[length++] = switch (b) {
                        case '\t' -> (byte) 't';
                        case '\n' -> (byte) 'n';
                        case '\r' -> (byte) 'r';
                        default -> (byte) '\\';
                    };
                } else {
                    bytes[length++] = b;
                }
            }
        }

        /** UTF-8's multi-byte sequences are all >= 0x80, so these bytes are always the characters themselves. */
        private static boolean special(byte b) {
            return b == '\\' || b == '\t' || b == '\n' || b == '\r';
        }

        /** A number in decimal, as {@link Long#toString(long)} writes it. */
        private void number(long value) {
            if (value < 0) {
                // not in a usage record (status, latency, epoch milliseconds); written the slow way should it happen
                text(Long.toString(value));
                return;
            }
            ensure(19);
            int digits = 1;
            for (long v = value / 10; v > 0; v /= 10) {
                digits++;
            }
            for (int i = length + digits - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            length += digits;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    private static ByteBuffer utf8(String value) {
        return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}
