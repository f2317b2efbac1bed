package org.civicstack.platform.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's usage streams, shared by their writer (gateway {@code usage.UsageRecorder}) and readers (identity's
 * audit ingest, operators' tools): the stream names, the layout of an entry and the text format of its records.
 * docs/usage-streams.md describes the same for readers outside the platform.
 * <p>
 * <b>Entries.</b> One stream entry holds one batch of records, in the order recorded: field {@value #COUNT} (how many
 * records) and field {@value #RECORDS}, the records as text — a header line with the field names, then one line per
 * record, each line ended by {@code \n}, values separated by {@code \t}. In a value, backslash, tab, newline and
 * carriage return are written {@code \\}, {@code \t}, {@code \n} and {@code \r} (PostgreSQL's COPY text rules); an
 * empty value means absent. A batch per entry, not a record: an entry costs Redis, the writer and every reader far
 * more than the bytes of a record (bench/gateway-dispatch, 2026-12-04).
 * <p>
 * <b>Streams.</b> {@value #TOKEN_STREAM} holds the records that concern a citizen token (the token audit log reads
 * it), {@value #ANONYMOUS_STREAM} the rest. Each is trimmed to about a configured number of records, oldest entries
 * first; the count of records a stream holds is kept beside it under {@link #recordCountKey(String)}, in the same
 * cluster slot.
 */
public final class UsageStream {

    /** Records of requests that carried a citizen token or were refused for their token. */
    public static final String TOKEN_STREAM = "cs:gateway:usage";
    /** Records of requests that involved no token (anonymous services). */
    public static final String ANONYMOUS_STREAM = TOKEN_STREAM + ":anonymous";
    /** Entry field: how many records the entry holds. */
    public static final String COUNT = "count";
    /** Entry field: the records as text. */
    public static final String RECORDS = "records";
    /** Readers refuse an entry claiming more records than this (the gateway writes at most 1,024). */
    public static final int MAX_RECORDS_PER_ENTRY = 65_536;

    /**
     * The fields the gateway writes, in its order: {@code service}, {@code status}, {@code latency_us} (microseconds),
     * {@code method}, {@code request_id}, {@code caller} (opaque), {@code ts} (epoch milliseconds), then on citizen
     * services the token's {@code jti}, {@code sid}, {@code sub} and {@code client_id}, the service's {@code agency},
     * and {@code refusal}, the gateway's problem code when it refused the request itself. Readers go by the header
     * line, not by this order.
     */
    public static final List<String> FIELDS = List.of("service", "status", "latency_us", "method", "request_id",
            "caller", "ts", "jti", "sid", "sub", "client_id", "agency", "refusal");

    private UsageStream() {
    }

    /**
     * Where the number of records {@code stream} holds is kept (for trimming by records, not entries):
     * {@code {<stream>}:records}, whose hash tag puts it in the stream's Redis Cluster slot.
     */
    public static String recordCountKey(String stream) {
        return "{" + stream + "}:records";
    }

    /**
     * The records of an entry's {@value #RECORDS} text, each a map of its header's field names to values (empty
     * values included as empty strings), in order.
     *
     * @throws IllegalArgumentException if the text is not in this format (no header, a line with another number of
     *         values than the header, an escape other than the four, more than {@link #MAX_RECORDS_PER_ENTRY} lines)
     */
    public static List<Map<String, String>> decode(String text) {
        if (text == null || text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
            throw new IllegalArgumentException("usage records text must be lines ended by \\n");
        }
        int headerEnd = text.indexOf('\n');
        String[] names = text.substring(0, headerEnd).split("\t", -1);
        for (String name : names) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("usage records header has an empty field name");
            }
        }
        List<Map<String, String>> records = new ArrayList<>();
        String[] values = new String[names.length];
        StringBuilder value = new StringBuilder();
        int at = headerEnd + 1;
        while (at < text.length()) {
            if (records.size() == MAX_RECORDS_PER_ENTRY) {
                throw new IllegalArgumentException("more than " + MAX_RECORDS_PER_ENTRY + " usage records in an entry");
            }
            at = line(text, at, values, value, records.size() + 1);
            Map<String, String> record = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                record.put(names[i], values[i]);
            }
            records.add(record);
        }
        return records;
    }

    /** Reads the line starting at {@code at} into {@code values}; returns where the next line starts. */
    private static int line(String text, int at, String[] values, StringBuilder value, int lineNumber) {
        int end = text.indexOf('\n', at); // found: the text ends with one
        int field = 0;
        int start = at;
        while (true) {
            int tab = text.indexOf('\t', start);
            int stop = tab < 0 || tab > end ? end : tab;
            if (field == values.length) {
                throw new IllegalArgumentException("usage record " + lineNumber + " has more values than names");
            }
            values[field++] = unescape(text, start, stop, value, lineNumber);
            if (stop == end) {
                break;
            }
            start = stop + 1;
        }
        if (field != values.length) {
            throw new IllegalArgumentException("usage record " + lineNumber + " has " + field + " values for "
                    + values.length + " names");
        }
        return end + 1;
    }

    /** The value between {@code start} and {@code stop}: a substring unless it holds an escape. */
    private static String unescape(String text, int start, int stop, StringBuilder value, int lineNumber) {
        int backslash = stop;
        for (int i = start; i < stop; i++) {
            if (text.charAt(i) == '\\') {
                backslash = i;
                break;
            }
        }
        if (backslash == stop) {
            return text.substring(start, stop);
        }
        value.setLength(0);
        value.append(text, start, backslash);
        for (int i = backslash; i < stop; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = i + 1 < stop ? text.charAt(++i) : 0;
            switch (escaped) {
                case '\\' -> value.append('\\');
                case 't' -> value.append('\t');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                default -> throw new IllegalArgumentException("usage record " + lineNumber + " has an unknown escape");
            }
        }
        return value.toString();
    }

    /** A value as the format writes it (for writers that build text; the gateway writes bytes the same way). */
    public static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
