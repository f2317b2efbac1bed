package org.civicstack.identity.assurance.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a provider request the way the API gateways in front of China's identity verification services do
 * (Alibaba Cloud API Gateway style, "X-Ca-*" headers):
 *
 * <pre>
 * X-Ca-Key:              the app key
 * X-Ca-Timestamp:        epoch milliseconds (the provider refuses more than 15 minutes of skew)
 * X-Ca-Nonce:            a fresh UUID (the provider refuses a nonce it has seen within 15 minutes)
 * X-Ca-Signature-Method: HmacSHA256
 * X-Ca-Signature:        Base64(HMAC-SHA256(app secret, string-to-sign))
 *
 * string-to-sign = METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" Base64(SHA-256(body bytes))
 * </pre>
 *
 * The body digest binds the name and number to the signature, the timestamp and nonce stop a captured request
 * from being replayed; the secret itself never travels.
 */
public final class RequestSigner {

    public static final String KEY = "X-Ca-Key";
    public static final String TIMESTAMP = "X-Ca-Timestamp";
    public static final String NONCE = "X-Ca-Nonce";
    public static final String SIGNATURE_METHOD = "X-Ca-Signature-Method";
    public static final String SIGNATURE = "X-Ca-Signature";

    private final String appKey;
    private final SecretKeySpec secret;
    private final Clock clock;
    private final Supplier<String> nonces;

    public RequestSigner(String appKey, String appSecret, Clock clock, Supplier<String> nonces) {
        this.appKey = appKey;
        this.secret = new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
        this.nonces = nonces;
    }

    public static RequestSigner of(String appKey, String appSecret) {
        return new RequestSigner(appKey, appSecret, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    /** The headers for one request; a new timestamp and nonce every call. */
    public Map<String, String> headers(String method, String path, byte[] body) {
        String timestamp = Long.toString(clock.millis());
        String nonce = nonces.get();
        String stringToSign = String.join("\n", method, path, timestamp, nonce, base64(sha256(body)));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(KEY, appKey);
        headers.put(TIMESTAMP, timestamp);
        headers.put(NONCE, nonce);
        headers.put(SIGNATURE_METHOD, "HmacSHA256");
        headers.put(SIGNATURE, base64(hmac(stringToSign.getBytes(StandardCharsets.UTF_8))));
        return headers;
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
