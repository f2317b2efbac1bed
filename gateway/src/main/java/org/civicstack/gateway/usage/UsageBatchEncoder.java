package org.civicstack.gateway.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.civicstack.gateway.usage.UsageRecorder.Usage;

/**
 * The arguments of one {@code usage-append.lua} call — the two stream keys (records that concern a citizen token,
 * anonymous records); the header (approximate max length, field count, how many fields are always written, how many
 * records go to the first stream, the field names); then every record's values in field order, those that concern a
 * token first (each group in the order recorded) — as byte buffers, the values views of one array per batch. Built on
 * the writer thread for up to {@link UsageRecorder#BATCH} records.
 * <p>
 * Why not hand strings to {@code ReactiveStringRedisTemplate}: at tens of thousands of requests a second its
 * per-argument path (a {@code String} per number, a {@code byte[]} and a {@code ByteBuffer} per value, a stream over
 * them, on a {@code boundedElastic} thread) cost the gateway more CPU than any step of the dispatch itself (JFR of the
 * dispatch benchmark). Here numbers are written digit by digit into the batch's array, text as UTF-8, and the header
 * is made once. The layout stays one argument per value with the names sent once per batch: what a call costs in
 * Lettuce and in Redis grows with the number of arguments, so per-record names (tried: 15–25 arguments per record
 * instead of 13) cost more than the script's loop over empty values saves.
 */
final class UsageBatchEncoder {

    private static final int FIELDS = 13;
    /** The script's keys: the token stream and the anonymous stream. */
    static final int KEYS = 2;

    /** The keys, then max length, field count and always-written count; the token-record count follows per batch. */
    private final ByteBuffer[] keysAndHeader;
    private final ByteBuffer[] names;
    private byte[] bytes = new byte[16 * 1024];
    private int length;

    UsageBatchEncoder(String tokenStreamKey, String anonymousStreamKey, long streamMaxLength, List<String> fieldNames,
            int alwaysWritten) {
        if (fieldNames.size() != FIELDS) {
            throw new IllegalArgumentException("a usage record has " + FIELDS + " fields, not " + fieldNames.size());
        }
        this.keysAndHeader = new ByteBuffer[] {utf8(tokenStreamKey), utf8(anonymousStreamKey),
                utf8(Long.toString(streamMaxLength)), utf8(Integer.toString(FIELDS)),
                utf8(Integer.toString(alwaysWritten))};
        this.names = new ByteBuffer[FIELDS];
        for (int i = 0; i < FIELDS; i++) {
            names[i] = utf8(fieldNames.get(i));
        }
    }

    /** The script's keys and arguments (keys first: the script is called with {@value #KEYS} keys). */
    ByteBuffer[] encode(List<Usage> batch) {
        length = 0;
        int[] ends = new int[batch.size() * FIELDS];
        int e = 0;
        int tokenRecords = 0;
        for (Usage usage : batch) {
            if (usage.concernsToken()) {
                e = values(usage, ends, e);
                tokenRecords++;
            }
        }
        for (Usage usage : batch) {
            if (!usage.concernsToken()) {
                e = values(usage, ends, e);
            }
        }
        byte[] values = bytes;
        int fixed = keysAndHeader.length + 1 + names.length;
        ByteBuffer[] args = new ByteBuffer[fixed + ends.length];
        for (int i = 0; i < keysAndHeader.length; i++) {
            args[i] = keysAndHeader[i].duplicate();
        }
        args[keysAndHeader.length] = utf8(Integer.toString(tokenRecords));
        for (int i = 0; i < names.length; i++) {
            args[keysAndHeader.length + 1 + i] = names[i].duplicate();
        }
        int start = 0;
        for (int i = 0; i < ends.length; i++) {
            // position and limit mark the value; Redis gets what is between them
            args[fixed + i] = ByteBuffer.wrap(values, start, ends[i] - start);
            start = ends[i];
        }
        // the next batch writes into a new array: these views stay valid until Lettuce has copied them, even when a
        // batch timed out here while still queued in the connection
        bytes = new byte[Math.max(16 * 1024, length)];
        return args;
    }

    /** Writes one record's values in field order, noting where each ends; returns the next index into ends. */
    private int values(Usage usage, int[] ends, int e) {
        ends[e++] = text(usage.service());
        ends[e++] = number(usage.status());
        ends[e++] = number(usage.latencyMicros());
        ends[e++] = text(usage.method());
        ends[e++] = text(usage.requestId());
        ends[e++] = text(usage.caller());
        ends[e++] = number(usage.epochMillis());
        ends[e++] = text(usage.jti());
        ends[e++] = text(usage.sid());
        ends[e++] = text(usage.subject());
        ends[e++] = text(usage.clientId());
        ends[e++] = text(usage.agencyId());
        ends[e++] = text(usage.refusal());
        return e;
    }

    /** Writes a value as UTF-8 ({@code null} as empty) and returns where it ends. */
    private int text(String value) {
        if (value != null && !value.isEmpty()) {
            // the JDK's encoder: a bulk copy for ASCII, whatever the string's internal form
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
        }
        return length;
    }

    /** Writes a number in decimal, as {@link Long#toString(long)} does, and returns where it ends. */
    private int number(long value) {
        if (value < 0) {
            // not in a usage record (status, latency, epoch milliseconds); written the slow way should it happen
            return text(Long.toString(value));
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
        return length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private static ByteBuffer utf8(String value) {
        return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}
