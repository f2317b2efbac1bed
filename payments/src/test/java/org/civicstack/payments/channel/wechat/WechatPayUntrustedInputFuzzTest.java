package org.civicstack.payments.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.StatementLine;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jazzer fuzz tests of what WeChat Pay sends us. The notification case signs and encrypts the fuzzed resource with
 * the test platform key and API v3 key, so the fuzzer reaches the parsing behind the signature (the part an attacker
 * with a leaked key, or a WeChat bug, controls); the bill case feeds any bytes to the trade-bill parser. Each may
 * only answer or fail with its typed failure — never another exception (which would be a 500 or a stuck sweep).
 * {@code mvn verify} runs the committed seeds (regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 */
class WechatPayUntrustedInputFuzzTest {

    static final WechatPayChannel CHANNEL = new WechatPayChannel(URI.create("http://127.0.0.1:9"), WechatPayTestKit.CLOCK,
            Duration.ofSeconds(1));
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<String> EVENTS = List.of("TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.ABNORMAL",
            "REFUND.CLOSED", "TRANSACTION.CLOSED");

    static final List<String> FIELDS = List.of("appid", "mchid", "out_trade_no", "transaction_id", "trade_state",
            "success_time", "out_refund_no", "refund_id", "refund_status", "amount", "total", "payer_total", "refund",
            "payer_refund", "currency", "payer");

    @FuzzTest(maxDuration = "60s")
    void aSignedNotificationWithAnyResourceIsReadOrRefusedCleanly(FuzzedDataProvider data) {
        boolean refund = data.consumeBoolean();
        String event = data.consumeBoolean() ? data.pickValue(EVENTS) : data.consumeString(24);
        String nonce = "fdasflkja484";
        String aad = refund ? "refund" : "transaction";
        String plaintext;
        if (data.consumeBoolean()) {
            plaintext = data.consumeRemainingAsString();
        } else {
            // a real resource with fuzzed fields: reaches the checks behind the JSON parse
            ObjectNode resource = (ObjectNode) JSON.readTree(refund ? WechatPayTestKit.refundJson("SUCCESS")
                    : WechatPayTestKit.transactionJson("pay_fuzz", "SUCCESS"));
            int changes = data.consumeInt(1, 5);
            for (int i = 0; i < changes; i++) {
                String field = data.consumeBoolean() ? data.pickValue(FIELDS) : data.consumeString(12);
                ObjectNode target = data.consumeBoolean() && resource.get("amount") instanceof ObjectNode amount
                        ? amount : resource;
                switch (data.consumeInt(0, 4)) {
                    case 0 -> target.remove(field);
                    case 1 -> target.put(field, data.consumeLong());
                    case 2 -> target.put(field, data.consumeBoolean());
                    case 3 -> target.putNull(field);
                    default -> target.put(field, data.consumeString(40));
                }
            }
            plaintext = JSON.writeValueAsString(resource);
        }
        String body = WechatPayTestKit.notificationBody("EV-" + Integer.toHexString(plaintext.hashCode()),
                json(event), aad, nonce, aad, WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, nonce, aad, plaintext));
        NotificationRequest request = WechatPayTestKit.notification(body, WechatPayTestKit.PLATFORM.getPrivate(),
                WechatPayTestKit.PLATFORM_SERIAL, WechatPayTestKit.NOW);
        try {
            ChannelNotification notification = CHANNEL.verifyNotification(WechatPayTestKit.account(), request).block();
            assertThat(notification).isNotNull();
            assertThat(notification.notificationId()).isNotBlank();
        } catch (ChannelException.NotificationRejected e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyTradeBillIsParsedOrRefusedAsMalformed(byte[] bill) {
        try {
            List<StatementLine> lines = WechatPayTradeBill.parse(bill);
            assertThat(lines).doesNotContainNull();
        } catch (WechatPayTradeBill.MalformedBill e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** The fuzzed text as the inside of a JSON string (the envelope itself stays well-formed JSON). */
    static String json(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
    }
}
