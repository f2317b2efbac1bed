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
    static final List<String> EVENTS = List.of("TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.ABNORMAL",
            "REFUND.CLOSED", "TRANSACTION.CLOSED");

    @FuzzTest(maxDuration = "60s")
    void aSignedNotificationWithAnyResourceIsReadOrRefusedCleanly(FuzzedDataProvider data) {
        String event = data.consumeBoolean() ? data.pickValue(EVENTS) : data.consumeString(24);
        String originalType = data.consumeBoolean() ? "transaction" : data.consumeString(16);
        String nonce = "fdasflkja484";
        String aad = data.consumeBoolean() ? "transaction" : "refund";
        String plaintext = data.consumeRemainingAsString();
        String body = WechatPayTestKit.notificationBody("EV-" + Integer.toHexString(plaintext.hashCode()),
                json(event), json(originalType), nonce, aad,
                WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, nonce, aad, plaintext));
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
