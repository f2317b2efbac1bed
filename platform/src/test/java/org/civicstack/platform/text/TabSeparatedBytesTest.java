package org.civicstack.platform.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TabSeparatedBytesTest {

    @Test
    void valuesAreUtf8WithTheFourCopyEscapesAndNumbersDecimal() {
        TabSeparatedBytes text = new TabSeparatedBytes(4);
        text.text("a\tb\\c\nd\re").tab().text("服务-é").tab().text((String) null).tab().number(0).tab()
                .number(Long.MAX_VALUE).tab().number(-12).tab().ascii("0b6c-x").newline();

        assertThat(new String(text.array(), 0, text.length(), StandardCharsets.UTF_8))
                .isEqualTo("a\\tb\\\\c\\nd\\re\t服务-é\t\t0\t" + Long.MAX_VALUE + "\t-12\t0b6c-x\n");
    }

    @Test
    void detachedTextStaysIntactWhileTheBufferIsWrittenAgain() {
        TabSeparatedBytes text = new TabSeparatedBytes(8);
        text.text("x".repeat(100)).newline();
        ByteBuffer first = text.detach();
        text.text("y".repeat(100)).newline();

        assertThat(StandardCharsets.UTF_8.decode(first.duplicate()).toString()).isEqualTo("x".repeat(100) + "\n");
        assertThat(text.length()).isEqualTo(101);
        assertThat(text.detach().remaining()).isEqualTo(101);
        assertThat(text.detach().remaining()).as("nothing written since").isZero();
    }

    @Test
    void anyTextIsItsUtf8WithTheEscapesWhereverTheFirstSpecialOrNonAsciiCharacterIs() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        char[] alphabet = {'a', 'Z', '0', '-', ' ', '\t', '\n', '\r', '\\', 'é', '服', '\u007f', '\u0080'};
        TabSeparatedBytes text = new TabSeparatedBytes(2);
        StringBuilder expected = new StringBuilder();
        for (int n = 0; n < 2_000; n++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                value.append(random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (char) ('a' + random.nextInt(26)));
            }
            if (random.nextInt(50) == 0) {
                value.append("\uD83D\uDE00"); // a surrogate pair
            }
            text.text(value.toString()).tab();
            expected.append(value.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r")).append('\t');
        }
        assertThat(new String(text.array(), 0, text.length(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
}
