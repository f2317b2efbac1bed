package org.civicstack.certificates.statuslist;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusListTest {

    /** draft-ietf-oauth-status-list-21 §4.1, the 1-bit example: 16 entries → bytes B9 A3 → "eNrbuRgAAhcBXQ". */
    private static final int[] ONE_BIT = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
    /** The 2-bit example: 12 entries → bytes C9 44 F9 → "eNo76fITAAPfAgc". */
    private static final int[] TWO_BITS = {1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3};

    @Nested
    class SpecificationExamples {

        @Test
        void oneBitExamplePacksAndCompressesByteForByte() {
            StatusList list = StatusList.ofSize(ONE_BIT.length, 1);
            for (int i = 0; i < ONE_BIT.length; i++) {
                list.set(i, ONE_BIT[i]);
            }
            assertThat(list.toBytes()).containsExactly(0xB9, 0xA3);
            assertThat(list.encode()).isEqualTo("eNrbuRgAAhcBXQ");
        }

        @Test
        void twoBitExamplePacksAndCompressesByteForByte() {
            StatusList list = StatusList.ofSize(TWO_BITS.length, 2);
            for (int i = 0; i < TWO_BITS.length; i++) {
                list.set(i, TWO_BITS[i]);
            }
            assertThat(list.toBytes()).containsExactly(0xC9, 0x44, 0xF9);
            assertThat(list.encode()).isEqualTo("eNo76fITAAPfAgc");
        }

        @Test
        void examplesDecodeBackToTheirEntries() {
            StatusList one = StatusList.decode("eNrbuRgAAhcBXQ", 1);
            assertThat(one.size()).isEqualTo(16);
            for (int i = 0; i < ONE_BIT.length; i++) {
                assertThat(one.get(i)).as("entry %d", i).isEqualTo(ONE_BIT[i]);
            }
            StatusList two = StatusList.decode("eNo76fITAAPfAgc", 2);
            assertThat(two.size()).isEqualTo(12);
            for (int i = 0; i < TWO_BITS.length; i++) {
                assertThat(two.get(i)).as("entry %d", i).isEqualTo(TWO_BITS[i]);
            }
            assertThat(two.status(1)).contains(TokenStatus.SUSPENDED);
            assertThat(two.status(3)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void everyWidthRoundTripsThroughLst(int bits) {
        StatusList list = StatusList.ofSize(10_000, bits);
        java.util.Random random = new java.util.Random(bits);
        int[] expected = new int[list.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = random.nextInt(1 << bits);
            list.set(i, expected[i]);
        }
        StatusList decoded = StatusList.decode(list.encode(), bits);
        assertThat(decoded).isEqualTo(list);
        for (int i = 0; i < expected.length; i++) {
            assertThat(decoded.get(i)).isEqualTo(expected[i]);
        }
    }

    @Test
    void setChangesOnlyItsEntry() {
        StatusList list = StatusList.ofSize(8, 4);
        list.set(3, 0xF);
        list.set(3, TokenStatus.SUSPENDED);
        assertThat(list.get(2)).isZero();
        assertThat(list.get(3)).isEqualTo(2);
        assertThat(list.get(4)).isZero();
    }

    @Test
    void valuesAndIndexesOutsideTheListAreRefused() {
        StatusList list = StatusList.ofSize(16, 1);
        assertThatThrownBy(() -> list.set(0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> list.get(16)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> StatusList.ofSize(8, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class DecodingUntrustedInput {

        @Test
        void aZipBombAboveTheLimitIsRefused() {
            String lst = StatusList.ofSize(8 * 1024 * 1024, 1).encode(); // 1 MiB of zeros, a few hundred bytes compressed
            assertThat(lst.length()).isLessThan(2_000);
            assertThatThrownBy(() -> StatusList.decode(lst, 1, 64 * 1024))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than");
            assertThat(StatusList.decode(lst, 1).size()).isEqualTo(8 * 1024 * 1024);
        }

        @Test
        void aTruncatedStreamIsRefused() {
            String lst = "eNrbuRgAAhcBXQ";
            assertThatThrownBy(() -> StatusList.decode(lst.substring(0, 8), 1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void bytesAfterTheStreamAreRefused() {
            byte[] stream = Base64.getUrlDecoder().decode("eNrbuRgAAhcBXQ");
            byte[] longer = java.util.Arrays.copyOf(stream, stream.length + 1);
            String lst = Base64.getUrlEncoder().withoutPadding().encodeToString(longer);
            assertThatThrownBy(() -> StatusList.decode(lst, 1)).hasMessageContaining("after the zlib stream");
        }

        @Test
        void rawDeflateWithoutTheZlibWrapperIsRefused() {
            Deflater raw = new Deflater(Deflater.BEST_COMPRESSION, true);
            raw.setInput(new byte[] {(byte) 0xB9, (byte) 0xA3});
            raw.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64];
            while (!raw.finished()) {
                out.write(buffer, 0, raw.deflate(buffer));
            }
            String lst = Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
            assertThatThrownBy(() -> StatusList.decode(lst, 1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void paddedOrNonBase64urlIsRefused() {
            assertThatThrownBy(() -> StatusList.decode("eNrbuRgAAhcBXQ==", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> StatusList.decode("eNr+uRgAAhcBXQ", 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
