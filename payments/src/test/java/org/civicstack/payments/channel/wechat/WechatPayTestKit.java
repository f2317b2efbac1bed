package org.civicstack.payments.channel.wechat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.NotificationRequest;

/**
 * Plays WeChat Pay's side in the tests: the merchant's and the platform's key pairs (generated per run, never
 * committed), the account properties that name them, and WeChat's signing and encryption, written here
 * independently of the adapter's code (and cross-checked against WeChat's own SDK in {@code WechatPaySdkPeerTest}).
 */
final class WechatPayTestKit {

    private static final SecureRandom RANDOM = new SecureRandom();

    static final String MCHID = "1900000109";
    static final String APP_ID = "wxd678efh567hg6787";
    static final String MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    /** The current platform key, named as a WeChat Pay public key id. */
    static final String PLATFORM_SERIAL = "PUB_KEY_ID_0119000001202612030000000000";
    /** A second platform key the account also holds, as during a rotation; named as a certificate serial. */
    static final String ROTATED_SERIAL = "3775B6A45ACD588826D15E583A95F5DD3F2E5C1A";

    static final KeyPair MERCHANT = generate();
    static final KeyPair PLATFORM = generate();
    static final KeyPair ROTATED = generate();
    /** A key nobody registered: signatures by it must never verify. */
    static final KeyPair STRANGER = generate();
    static final String API_V3_KEY = randomAlphanumeric(32);

    /** Real time (so WeChat's SDK, which reads the system clock, agrees), fixed for the run. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private WechatPayTestKit() {
    }

    static Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("app_id", APP_ID);
        properties.put("merchant_serial_no", MERCHANT_SERIAL);
        properties.put("merchant_private_key", pem("PRIVATE KEY", MERCHANT.getPrivate().getEncoded()));
        properties.put("api_v3_key", API_V3_KEY);
        properties.put("platform_public_keys", "{\"" + PLATFORM_SERIAL + "\": \"" + jsonEscaped(publicPem(PLATFORM))
                + "\", \"" + ROTATED_SERIAL + "\": \"" + jsonEscaped(publicPem(ROTATED)) + "\"}");
        return properties;
    }

    static ChannelAccount account() {
        return new ChannelAccount("mca_wechat_1", ChannelKind.WECHAT_PAY, MCHID, properties());
    }

    static String publicPem(KeyPair pair) {
        return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** WeChat's answer/notification signature headers over {@code timestamp\nnonce\nbody\n}. */
    static Map<String, String> signatureHeaders(PrivateKey key, String serial, Instant at, byte[] body) {
        String timestamp = Long.toString(at.getEpochSecond());
        String nonce = randomAlphanumeric(32);
        byte[] message = concat(timestamp + "\n" + nonce + "\n", body, "\n");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Wechatpay-Timestamp", timestamp);
        headers.put("Wechatpay-Nonce", nonce);
        headers.put("Wechatpay-Signature", sign(key, message));
        headers.put("Wechatpay-Serial", serial);
        return headers;
    }

    static String sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(message);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean verify(PublicKey key, String message, String signatureBase64) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key);
            signature.update(message.getBytes(StandardCharsets.UTF_8));
            return signature.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AES-256-GCM as WeChat encrypts a notification resource: the tag appended, base64. */
    static String encrypt(String apiV3Key, String nonce, String associatedData, String plaintext) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
                    new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A notification body as WeChat sends it, with the resource already encrypted. */
    static String notificationBody(String id, String eventType, String originalType, String nonce,
            String associatedData, String ciphertext) {
        return "{\"id\":\"" + id + "\",\"create_time\":\"2026-12-03T16:18:12+08:00\",\"resource_type\":"
                + "\"encrypt-resource\",\"event_type\":\"" + eventType + "\",\"summary\":\"支付成功\",\"resource\":{"
                + "\"original_type\":\"" + originalType + "\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
                + ciphertext + "\",\"associated_data\":\"" + associatedData + "\",\"nonce\":\"" + nonce + "\"}}";
    }

    static NotificationRequest notification(String body, PrivateKey key, String serial, Instant at) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(signatureHeaders(key, serial, at, bytes));
        headers.put("Content-Type", "application/json");
        return new NotificationRequest(headers, bytes, "application/json");
    }

    static String transactionJson(String paymentId, String tradeState) {
        return "{\"appid\":\"" + APP_ID + "\",\"mchid\":\"" + MCHID + "\",\"out_trade_no\":\"" + paymentId + "\","
                + "\"transaction_id\":\"4200001234202612030123456789\",\"trade_type\":\"APP\",\"trade_state\":\""
                + tradeState + "\",\"trade_state_desc\":\"支付成功\",\"bank_type\":\"OTHERS\",\"attach\":\"\","
                + "\"success_time\":\"2026-12-03T16:18:12+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
                + "\"amount\":{\"total\":1250,\"payer_total\":1250,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
    }

    static String refundJson(String refundStatus) {
        return "{\"mchid\":\"" + MCHID + "\",\"transaction_id\":\"4200001234202612030123456789\","
                + "\"out_trade_no\":\"pay_1\",\"refund_id\":\"50000000382019052709732678859\","
                + "\"out_refund_no\":\"rfd_1\",\"refund_status\":\"" + refundStatus + "\","
                + "\"success_time\":\"2026-12-03T16:20:00+08:00\",\"user_received_account\":\"招商银行信用卡0403\","
                + "\"amount\":{\"total\":1250,\"refund\":500,\"payer_total\":1250,\"payer_refund\":500}}";
    }

    static byte[] concat(String head, byte[] body, String tail) {
        byte[] first = head.getBytes(StandardCharsets.UTF_8);
        byte[] last = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[first.length + body.length + last.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(body, 0, all, first.length, body.length);
        System.arraycopy(last, 0, all, first.length + body.length, last.length);
        return all;
    }

    static String randomAlphanumeric(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String jsonEscaped(String text) {
        return text.replace("\n", "\\n");
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
