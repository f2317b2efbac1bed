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
}
