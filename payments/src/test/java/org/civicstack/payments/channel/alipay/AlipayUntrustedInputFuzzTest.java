package org.civicstack.payments.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.StatementLine;

/**
 * Jazzer fuzz tests of what Alipay sends us: a notification whose fields (any names and values) are signed with the
 * test Alipay key, so the fuzzer reaches the field parsing behind the RSA2 check; and any bytes as a trade bill (a
 * GBK zip) or its detail text. Each may only answer or fail with its typed failure. {@code mvn verify} runs the
 * committed seeds; {@code JAZZER_FUZZ=1} fuzzes.
 */
class AlipayUntrustedInputFuzzTest {

    static final AlipayChannel CHANNEL = new AlipayChannel(URI.create("http://127.0.0.1:9/gateway.do"),
            Clock.fixed(AlipayChannelTest.NOW, ZoneOffset.UTC), Duration.ofSeconds(1));
    static final List<String> FIELDS = List.of("notify_id", "notify_time", "notify_type", "app_id", "seller_id",
            "out_trade_no", "trade_no", "trade_status", "total_amount", "receipt_amount", "gmt_payment", "out_biz_no",
            "refund_fee", "gmt_refund", "charset");

    @FuzzTest(maxDuration = "60s")
    void aSignedNotificationWithAnyFieldsIsReadOrRefusedCleanly(FuzzedDataProvider data) {
        Map<String, String> params = data.consumeBoolean() ? AlipayChannelTest.paymentNotification()
                : AlipayChannelTest.refundNotification();
        int changes = data.consumeInt(0, 6);
        for (int i = 0; i < changes; i++) {
            String field = data.consumeBoolean() ? data.pickValue(FIELDS) : data.consumeString(12);
            if (data.consumeBoolean()) {
                params.remove(field);
            } else {
                params.put(field, data.consumeString(40));
            }
        }
        try {
            ChannelNotification notification = CHANNEL.verifyNotification(AlipayFixtures.account(),
                    AlipayChannelTest.signedNotification(params, AlipayFixtures.ALIPAY.getPrivate())).block();
            assertThat(notification).isNotNull();
        } catch (ChannelException.NotificationRejected e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyTradeBillIsParsedOrRefusedCleanly(FuzzedDataProvider data) {
        boolean zipped = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            List<StatementLine> lines = zipped ? AlipayTradeBill.parse(bytes, "CNY")
                    : AlipayTradeBill.parseDetail(new String(bytes, java.nio.charset.Charset.forName("GBK")), "CNY");
            assertThat(lines).doesNotContainNull();
        } catch (IllegalArgumentException e) { // the parser's documented failure for a malformed bill
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
