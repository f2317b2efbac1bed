package org.civicstack.platform.text;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer of tab-separated text lines as UTF-8 bytes, with PostgreSQL's COPY text escapes in values:
 * backslash, tab, newline and carriage return written {@code \\}, {@code \t}, {@code \n}, {@code \r} (in UTF-8 these
 * are single bytes and never part of a multi-byte character, so the bytes can be scanned as they are). Used where
 * many rows are written per second without building strings: the gateway's usage records
 * ({@code events.UsageStream}'s format) and the audit log's COPY rows. Not thread-safe.
 */
public class TabSeparatedBytes {

    private byte[] bytes;
    private int length;

    public TabSeparatedBytes(int capacity) {
        bytes = new byte[capacity];
    }

    public final int length() {
        return length;
    }

    /** The array the text is in, valid up to {@link #length()} until the next write. */
    public final byte[] array() {
        return bytes;
    }

    public final void reset() {
        length = 0;
    }

    /**
     * The text so far as a view, and a new array for what follows (the view stays valid however long its reader
     * holds it, e.g. a command queued in a connection); the buffer starts empty.
     */
    public final ByteBuffer detach() {
        ByteBuffer view = ByteBuffer.wrap(bytes, 0, length);
        if (length > 0) {
            bytes = new byte[Math.max(16 * 1024, length)];
            length = 0;
        }
        return view;
    }

    public final TabSeparatedBytes tab() {
        return put((byte) '\t');
    }

    public final TabSeparatedBytes newline() {
        return put((byte) '\n');
    }

    public final TabSeparatedBytes put(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    /** Bytes as they are (e.g. a header made once). */
    public final TabSeparatedBytes raw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
        return this;
    }

    /** Text known to be ASCII with nothing to escape (UUIDs, numbers, instants). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): the low byte of each char, right for ASCII
    public final TabSeparatedBytes ascii(String value) {
        int n = value.length();
        ensure(n);
        value.getBytes(0, n, bytes, length);
        length += n;
        return this;
    }

    /** A number in decimal, as {@link Long#toString(long)} writes it. */
    public final TabSeparatedBytes number(long value) {
        if (value < 0) {
            return ascii(Long.toString(value));
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
        return this;
    }

    /**
     * A value as UTF-8, escaped; {@code null} and empty write nothing. ASCII with nothing to escape — nearly every
     * value (ids, codes, methods) — is copied a character at a time with no intermediate array; anything else goes
     * through the JDK's encoder.
     */
    public final TabSeparatedBytes text(String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        int n = value.length();
        ensure(n);
        byte[] target = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || special((byte) c)) {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                return text(utf8, utf8.length);
            }
            target[at + i] = (byte) c;
        }
        length = at + n;
        return this;
    }

    /** The first {@code count} bytes of a UTF-8 value, escaped. */
    public final TabSeparatedBytes text(byte[] value, int count) {
        ensure(count);
        int plain = 0;
        while (plain < count && !special(value[plain])) {
            plain++;
        }
        System.arraycopy(value, 0, bytes, length, plain);
        length += plain;
        for (int i = plain; i < count; i++) {
            byte b = value[i];
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
        return this;
    }

    protected final void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private static boolean special(byte b) {
        return b == '\\' || b == '\t' || b == '\n' || b == '\r';
    }
}
