package org.civicstack.payments.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.civicstack.payments.channel.StatementLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** WeChat's trade bill format: backtick fields, Chinese header, summary section, yuan amounts. */
class WechatPayTradeBillTest {

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aProductNameWithACommaDoesNotShiftTheColumns() throws Exception {
        String bill = TradeBills.aTradeBill()
                .payment("2026-12-02 23:59:59", "pay_1", "4200000001", "100.00", "0.60").build();

        List<StatementLine> lines = WechatPayTradeBill.parse(bytes(bill));

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.amount()).isEqualTo(10000);
            assertThat(line.fee()).isEqualTo(60);
            assertThat(line.currency()).isEqualTo("CNY");
            assertThat(line.at()).isEqualTo(java.time.Instant.parse("2026-12-02T15:59:59Z"));
        });
    }

    @Test
    void aByteOrderMarkAndUnixLineEndsAreAccepted() throws Exception {
        String bill = "\uFEFF" + TradeBills.aTradeBill()
                .refund("2026-12-02 08:00:00", "pay_1", "4200000001", "rfd_1", "0.10", "0.00").build()
                .replace("\r\n", "\n");

        assertThat(WechatPayTradeBill.parse(bytes(bill))).singleElement()
                .extracting(StatementLine::kind, StatementLine::refundId, StatementLine::amount)
                .containsExactly(StatementLine.Kind.REFUND, "rfd_1", 10L);
    }

    @Test
    void aBillWithOnlyTheSummaryIsEmpty() throws Exception {
        assertThat(WechatPayTradeBill.parse(bytes(TradeBills.aTradeBill().build()))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0.01,1", "12.5,1250", "0.0,0", "-0.03,-3", "1234567.89,123456789"})
    void yuanBecomeFenExactly(String yuan, long fen) {
        assertThat(WechatPayTradeBill.fen(yuan)).isEqualTo(fen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.001", "1.005", "1e-3", "1e2", "¥1.00", ""})
    void fractionsOfAFenAreRefused(String yuan) {
        String bill = TradeBills.aTradeBill().payment("2026-12-02 10:00:00", "pay_1", "42", yuan, "0.00").build();

        assertThatThrownBy(() -> WechatPayTradeBill.parse(bytes(bill)))
                .isInstanceOf(WechatPayTradeBill.MalformedBill.class).hasMessageContaining("not an amount");
    }

    @Test
    void aTruncatedBillWithoutItsSummaryIsRefused() {
        String bill = TradeBills.aTradeBill().payment("2026-12-02 10:00:00", "pay_1", "42", "1.00", "0.00").build();
        String truncated = bill.substring(0, bill.indexOf("总交易单数"));

        assertThatThrownBy(() -> WechatPayTradeBill.parse(bytes(truncated)))
                .isInstanceOf(WechatPayTradeBill.MalformedBill.class).hasMessageContaining("summary");
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsIsRefused() {
        String bill = TradeBills.aTradeBill().payment("2026-12-02 10:00:00", "pay_1", "42", "1.00", "0.00").build()
                .replace("`0.60%", "`0.60%,`extra");

        assertThatThrownBy(() -> WechatPayTradeBill.parse(bytes(bill)))
                .isInstanceOf(WechatPayTradeBill.MalformedBill.class).hasMessageContaining("fields");
    }

    @Test
    void aHeaderWithoutTheNeededColumnsIsRefused() {
        String bill = TradeBills.aTradeBill().build().replace("商户订单号", "订单");

        assertThatThrownBy(() -> WechatPayTradeBill.parse(bytes(bill)))
                .isInstanceOf(WechatPayTradeBill.MalformedBill.class).hasMessageContaining("商户订单号");
    }
}
