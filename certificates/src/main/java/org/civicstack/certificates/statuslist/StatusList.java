package org.civicstack.certificates.statuslist;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A Token Status List (draft-ietf-oauth-status-list-21 §4): {@link #size()} entries of {@link #bits()} bits each
 * (1, 2, 4 or 8), packed least significant bit first — entry {@code i} occupies bits {@code i*bits …} of byte
 * {@code i*bits/8}, counting from that byte's lowest bit — then zlib-compressed (RFC 1950, DEFLATE at the best
 * compression level) and base64url-encoded without padding as {@code status_list.lst}.
 *
 * <p>Mutable (an issuer {@link #set sets} entries as credentials are revoked) and not thread-safe; take a
 * {@link #copy()} to publish a snapshot.
 */
public final class StatusList {

    /** Default upper bound on a decompressed list: 16 MiB, i.e. 134 million 1-bit entries (guards against zip bombs). */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    private final int bits;
    private final byte[] bytes;

    private StatusList(int bits, byte[] bytes) {
        this.bits = bits;
        this.bytes = bytes;
    }

    /** A list of at least {@code size} entries, all 0 (VALID); the byte array is rounded up to a whole byte. */
    public static StatusList ofSize(int size, int bits) {
        checkBits(bits);
        if (size <= 0) {
            throw new IllegalArgumentException("a status list has at least one entry");
        }
        long totalBits = (long) size * bits;
        if (totalBits > (long) Integer.MAX_VALUE * 8) {
            throw new IllegalArgumentException("status list too large: " + size + " x " + bits + " bits");
        }
        return new StatusList(bits, new byte[(int) ((totalBits + 7) / 8)]);
    }

    /** The list whose packed (uncompressed) form is {@code packed}. */
    public static StatusList fromBytes(byte[] packed, int bits) {
        checkBits(bits);
        if (packed == null || packed.length == 0) {
            throw new IllegalArgumentException("a status list has at least one byte");
        }
        return new StatusList(bits, packed.clone());
    }

    /** Decodes a {@code lst} value, refusing more than {@link #DEFAULT_MAX_BYTES} once decompressed. */
    public static StatusList decode(String lst, int bits) {
        return decode(lst, bits, DEFAULT_MAX_BYTES);
    }

    /**
     * Decodes a {@code lst} value: base64url (no padding), then zlib.
     *
     * @throws IllegalArgumentException if {@code lst} is not base64url, not a complete zlib stream, has bytes after
     *                                  the stream, decompresses to nothing or to more than {@code maxBytes}
     */
    public static StatusList decode(String lst, int bits, int maxBytes) {
        checkBits(bits);
        if (lst == null || lst.isEmpty() || lst.indexOf('=') >= 0) {
            throw new IllegalArgumentException("lst is not unpadded base64url");
        }
        byte[] compressed;
        try {
            compressed = Base64.getUrlDecoder().decode(lst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lst is not base64url: " + e.getMessage(), e);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(64, compressed.length * 4)));
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("lst is a truncated zlib stream");
                }
                if (out.size() + n > maxBytes) {
                    throw new IllegalArgumentException("status list larger than " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new IllegalArgumentException("bytes after the zlib stream in lst");
            }
            if (out.size() == 0) {
                throw new IllegalArgumentException("lst decompresses to an empty list");
            }
            return new StatusList(bits, out.toByteArray());
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("lst is not zlib data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static void checkBits(int bits) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits must be 1, 2, 4 or 8, not " + bits);
        }
    }

    /** Bits per entry: 1, 2, 4 or 8. */
    public int bits() {
        return bits;
    }

    /** Number of entries (the packed bytes times 8 over {@link #bits()}). */
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, (long) bytes.length * 8 / bits);
    }

    /** The value of entry {@code index} (0 … 2<sup>bits</sup>−1). */
    public int get(int index) {
        checkIndex(index);
        long bitPosition = (long) index * bits;
        return (bytes[(int) (bitPosition >>> 3)] >>> (int) (bitPosition & 7)) & mask();
    }

    /** The status of entry {@code index}, empty for an application-specific value. */
    public java.util.Optional<TokenStatus> status(int index) {
        return TokenStatus.of(get(index));
    }

    /** Sets entry {@code index} to {@code value}, which must fit in {@link #bits()} bits. */
    public void set(int index, int value) {
        checkIndex(index);
        if (value < 0 || value > mask()) {
            throw new IllegalArgumentException("value " + value + " does not fit in " + bits + " bits");
        }
        long bitPosition = (long) index * bits;
        int shift = (int) (bitPosition & 7);
        int at = (int) (bitPosition >>> 3);
        bytes[at] = (byte) ((bytes[at] & ~(mask() << shift)) | (value << shift));
    }

    /** Sets entry {@code index} to {@code status}. */
    public void set(int index, TokenStatus status) {
        set(index, status.value());
    }

    private int mask() {
        return (1 << bits) - 1;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("status list index " + index + " outside 0.." + (size() - 1));
        }
    }

    /** The packed, uncompressed bytes (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The {@code lst} value: zlib (best compression) then base64url without padding. */
    public String encode() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /** An independent copy. */
    public StatusList copy() {
        return new StatusList(bits, bytes.clone());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StatusList that && bits == that.bits && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * bits + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "StatusList[" + size() + " x " + bits + " bits]";
    }
}
