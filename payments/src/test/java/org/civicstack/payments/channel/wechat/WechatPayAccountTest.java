package org.civicstack.payments.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.civicstack.platform.error.FieldViolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code validate} says about an agency's WeChat Pay properties, and which of them are secret. */
class WechatPayAccountTest {

    final WechatPayChannel channel = new WechatPayChannel(URI.create("https://api.mch.weixin.qq.com"),
            WechatPayTestKit.CLOCK, Duration.ofSeconds(1));

    static Map<String, String> with(String property, String value) {
        Map<String, String> properties = new HashMap<>(WechatPayTestKit.properties());
        if (value == null) {
            properties.remove(property);
        } else {
            properties.put(property, value);
        }
        return properties;
    }

    @Test
    void aCompleteAccountHasNoViolations() {
        assertThat(channel.validate(WechatPayTestKit.MCHID, WechatPayTestKit.properties())).isEmpty();
    }

    @Test
    void thePrivateKeyAndTheApiV3KeyAreSecret() {
        assertThat(channel.secretProperties()).containsExactlyInAnyOrder("merchant_private_key", "api_v3_key");
    }

    static Stream<Arguments> badProperties() {
        String publicPem = WechatPayTestKit.publicPem(WechatPayTestKit.PLATFORM);
        return Stream.of(
                Arguments.of("app_id", null, "required"),
                Arguments.of("app_id", "wx 1", "invalid_app_id"),
                Arguments.of("merchant_serial_no", "not-hex", "invalid_serial_no"),
                Arguments.of("merchant_private_key", null, "required"),
                Arguments.of("merchant_private_key", publicPem, "invalid_private_key"),
                Arguments.of("merchant_private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                        "invalid_private_key"),
                Arguments.of("api_v3_key", "tooShort", "invalid_api_v3_key"),
                Arguments.of("api_v3_key", "é".repeat(32), "invalid_api_v3_key"),
                Arguments.of("platform_public_keys", "[]", "invalid_platform_public_keys"),
                Arguments.of("platform_public_keys", "{}", "invalid_platform_public_keys"),
                Arguments.of("platform_public_keys", "{\"PUB_KEY_ID_1\": \"not a pem\"}", "invalid_platform_public_key"),
                Arguments.of("platform_public_keys", "{\"PUB_KEY_ID_1\": \""
                        + WechatPayTestKit.pem("PRIVATE KEY", WechatPayTestKit.MERCHANT.getPrivate().getEncoded())
                        .replace("\n", "\\n") + "\"}", "invalid_platform_public_key"));
    }

    @ParameterizedTest(name = "{0} = {1} is {2}")
    @MethodSource("badProperties")
    void eachBadPropertyIsNamedWithItsCode(String property, String value, String code) {
        List<FieldViolation> violations = channel.validate(WechatPayTestKit.MCHID, with(property, value));

        assertThat(violations).extracting(FieldViolation::field, FieldViolation::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("properties." + property, code));
    }

    @Test
    void aShortRsaKeyIsRefused() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        String shortKey = WechatPayTestKit.pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());

        assertThat(channel.validate(WechatPayTestKit.MCHID, with("merchant_private_key", shortKey)))
                .extracting(FieldViolation::code).containsExactly("invalid_private_key");
    }

    @Test
    void aMerchantIdThatIsNotAMchidIsNamed() {
        assertThat(channel.validate("mch-1", WechatPayTestKit.properties()))
                .extracting(FieldViolation::field).containsExactly("merchant_id");
    }

    @Test
    void everyMissingPropertyIsReportedAtOnce() {
        assertThat(channel.validate(WechatPayTestKit.MCHID, Map.of())).extracting(FieldViolation::field)
                .containsExactlyInAnyOrder("properties.app_id", "properties.merchant_serial_no",
                        "properties.merchant_private_key", "properties.api_v3_key",
                        "properties.platform_public_keys");
    }

    @Test
    void descriptionsAreCutOnCodePointsWithinTheByteLimit() {
        String emoji = "\uD83D\uDE00"; // 4 bytes, two chars
        String description = "a".repeat(125) + emoji;

        assertThat(WechatPayChannel.description(description)).isEqualTo("a".repeat(125));
        assertThat(WechatPayChannel.description("a".repeat(123) + emoji)).isEqualTo("a".repeat(123) + emoji);
        assertThat(WechatPayChannel.description("  缴费  ")).isEqualTo("缴费");
    }
}
