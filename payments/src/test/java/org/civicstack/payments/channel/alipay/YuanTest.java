package org.civicstack.payments.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class YuanTest {

    @ParameterizedTest
    @CsvSource({"0.01, 1", "12.50, 1250", "12.5, 1250", "12.500, 1250", "99999.99, 9999999", "100000000, 10000000000",
            "0, 0", "-5.00, -500"})
    void exactYuanBecomesFen(String yuan, long fen) {
        assertThat(Yuan.parse(yuan)).isEqualTo(fen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12.345", "0.001", "1e3", "1.2E1", "+1.00", "12,50", " 12.50", "", "abc", "12.",
            ".5", "99999999999999999999.99"})
    void anythingButAnExactNumberOfFenIsRefused(String yuan) {
        assertThatThrownBy(() -> Yuan.parse(yuan)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"1, 0.01", "1250, 12.50", "9999999, 99999.99", "100, 1.00", "0, 0.00"})
    void fenIsWrittenWithTwoDecimals(long fen, String yuan) {
        assertThat(Yuan.format(fen)).isEqualTo(yuan);
    }
}
