package org.civicstack.payments.channel.wechat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.civicstack.platform.error.FieldViolation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A merchant's WeChat Pay account with its properties parsed into keys: what every call needs. Built from the
 * stored properties on each call (parsing is microseconds next to a network round trip, and nothing stale can
 * outlive a key rotation); {@link #parse} is also what {@code validate} runs, so an account that passed validation
 * always parses.
 */
final class WechatPayAccount {

    static final String APP_ID = "app_id";
    static final String MERCHANT_SERIAL_NO = "merchant_serial_no";
    static final String MERCHANT_PRIVATE_KEY = "merchant_private_key";
    static final String API_V3_KEY = "api_v3_key";
    static final String PLATFORM_PUBLIC_KEYS = "platform_public_keys";

    private static final Pattern MCHID = Pattern.compile("[0-9]{1,32}");
    private static final Pattern APPID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,64}");
    /** A platform certificate serial (hex) or a WeChat Pay public key id ({@code PUB_KEY_ID_…}). */
    private static final Pattern PLATFORM_KEY_ID = Pattern.compile("[0-9A-Za-z_]{1,64}");

    private final String appId;
    private final String merchantId;
    private final String merchantSerialNo;
    private final PrivateKey merchantKey;
    private final byte[] apiV3Key;
    private final Map<String, PublicKey> platformKeys;

    private WechatPayAccount(String appId, String merchantId, String merchantSerialNo, PrivateKey merchantKey,
            byte[] apiV3Key, Map<String, PublicKey> platformKeys) {
        this.appId = appId;
        this.merchantId = merchantId;
        this.merchantSerialNo = merchantSerialNo;
        this.merchantKey = merchantKey;
        this.apiV3Key = apiV3Key;
        this.platformKeys = Map.copyOf(platformKeys);
    }

    /** The outcome of parsing: the account, or every problem found (never both). */
    record Parsed(Optional<WechatPayAccount> account, List<FieldViolation> violations) {
    }

    static Parsed parse(String merchantId, Map<String, String> properties, JsonMapper json) {
        List<FieldViolation> violations = new ArrayList<>();
        if (merchantId == null || !MCHID.matcher(merchantId).matches()) {
            violations.add(new FieldViolation("merchant_id", "invalid_merchant_id",
                    "the WeChat Pay mchid is 1 to 32 digits"));
        }
        String appId = required(properties, APP_ID, violations);
        if (appId != null && !APPID.matcher(appId).matches()) {
            violations.add(violation(APP_ID, "invalid_app_id", "the appid is 1 to 32 letters, digits or _"));
        }
        String serial = required(properties, MERCHANT_SERIAL_NO, violations);
        if (serial != null && !SERIAL.matcher(serial).matches()) {
            violations.add(violation(MERCHANT_SERIAL_NO, "invalid_serial_no",
                    "the merchant certificate serial number is hexadecimal"));
        }
        PrivateKey merchantKey = merchantKey(required(properties, MERCHANT_PRIVATE_KEY, violations), violations);
        byte[] apiV3Key = apiV3Key(required(properties, API_V3_KEY, violations), violations);
        Map<String, PublicKey> platformKeys =
                platformKeys(required(properties, PLATFORM_PUBLIC_KEYS, violations), json, violations);
        if (!violations.isEmpty()) {
            return new Parsed(Optional.empty(), List.copyOf(violations));
        }
        return new Parsed(Optional.of(new WechatPayAccount(appId, merchantId, serial,
                merchantKey, apiV3Key, platformKeys)), List.of());
    }

    private static String required(Map<String, String> properties, String name, List<FieldViolation> violations) {
        String value = properties.get(name);
        if (value == null || value.isBlank()) {
            violations.add(violation(name, "required", name + " is required"));
            return null;
        }
        return value;
    }

    private static PrivateKey merchantKey(String pem, List<FieldViolation> violations) {
        if (pem == null) {
            return null;
        }
        try {
            return WechatPayCrypto.privateKey(pem);
        } catch (GeneralSecurityException e) {
            violations.add(violation(MERCHANT_PRIVATE_KEY, "invalid_private_key",
                    "expected the merchant's RSA private key (2048 bits or more) as a PKCS#8 PEM"
                            + " (-----BEGIN PRIVATE KEY-----): " + e.getMessage()));
            return null;
        }
    }

    private static byte[] apiV3Key(String key, List<FieldViolation> violations) {
        if (key == null) {
            return null;
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != 32 || key.length() != 32) {
            violations.add(violation(API_V3_KEY, "invalid_api_v3_key",
                    "the APIv3 key is exactly 32 ASCII characters (it is the AES-256 key)"));
            return null;
        }
        return bytes;
    }

    private static Map<String, PublicKey> platformKeys(String text, JsonMapper json,
            List<FieldViolation> violations) {
        if (text == null) {
            return null;
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            node = null;
        }
        if (node == null || !node.isObject() || node.isEmpty()) {
            violations.add(violation(PLATFORM_PUBLIC_KEYS, "invalid_platform_public_keys",
                    "expected a JSON object of one or more {\"<serial or public key id>\": \"<PEM>\"}"));
            return null;
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String id = entry.getKey();
            if (!PLATFORM_KEY_ID.matcher(id).matches() || !entry.getValue().isString()) {
                violations.add(violation(PLATFORM_PUBLIC_KEYS, "invalid_platform_public_keys",
                        "entry " + id + " must map a serial or public key id to a PEM string"));
                continue;
            }
            try {
                keys.put(id, WechatPayCrypto.publicKey(entry.getValue().stringValue()));
            } catch (GeneralSecurityException e) {
                violations.add(violation(PLATFORM_PUBLIC_KEYS, "invalid_platform_public_key",
                        "entry " + id + " is not an RSA public key or certificate PEM: " + e.getMessage()));
            }
        }
        return keys;
    }

    private static FieldViolation violation(String property, String code, String message) {
        return new FieldViolation("properties." + property, code, message);
    }

    String appId() {
        return appId;
    }

    String merchantId() {
        return merchantId;
    }

    String merchantSerialNo() {
        return merchantSerialNo;
    }

    PrivateKey merchantKey() {
        return merchantKey;
    }

    byte[] apiV3Key() {
        return apiV3Key.clone();
    }

    /**
     * The platform key that {@code Wechatpay-Serial} names. Serials of platform certificates are compared without
     * regard to case (WeChat writes them upper-case, tools often lower-case); public key ids exactly after that.
     */
    Optional<PublicKey> platformKey(String serial) {
        if (serial == null) {
            return Optional.empty();
        }
        PublicKey exact = platformKeys.get(serial);
        if (exact != null) {
            return Optional.of(exact);
        }
        return platformKeys.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(serial))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    @Override
    public String toString() {
        return "WechatPayAccount[" + merchantId + ", " + appId + "]";
    }
}
