package org.civicstack.payments.channel.sandbox.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.Merchant;

/**
 * Who is calling: {@code Sandbox-Signature} must be Base64 of HMAC-SHA256, keyed with the merchant's API key (the
 * 32 bytes its base64url text decodes to), over {@code merchant_id.timestamp.nonce.METHOD.path.body}. The timestamp
 * (Unix seconds) must be within {@link #WINDOW} of the provider's clock, and a nonce is accepted once per merchant:
 * a nonce is remembered until its request's timestamp leaves the window, after which the timestamp alone refuses a
 * replay (so memory is bounded by five minutes of requests, not the provider's lifetime). The nonce is
 * recorded only after the signature verifies, so nobody without the key can use up a merchant's nonces.
 */
final class RequestAuthenticator {

    static final Duration WINDOW = Duration.ofMinutes(5);

    private final SandboxLedger ledger;
    private final Clock clock;
    /** "merchant nonce" → the request's timestamp (seconds), for {@link #forgetOldNonces()}. */
    private final Map<String, Long> seenNonces = new ConcurrentHashMap<>();

    RequestAuthenticator(SandboxLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    Merchant authenticate(String merchantId, String timestamp, String nonce, String signature, String method,
            String path, byte[] body) {
        if (merchantId == null || timestamp == null || nonce == null || signature == null) {
            throw ProviderError.unauthorized("unauthorized",
                    "Sandbox-Merchant, Sandbox-Timestamp, Sandbox-Nonce and Sandbox-Signature are required");
        }
        if (nonce.isEmpty() || nonce.length() > 64) {
            throw ProviderError.unauthorized("unauthorized", "the nonce must be 1..64 characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw ProviderError.unauthorized("unauthorized", "the timestamp must be Unix seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > WINDOW.toSeconds()) {
            throw ProviderError.unauthorized("stale_timestamp", "the timestamp is more than 5 minutes off");
        }
        Merchant merchant = ledger.merchant(merchantId)
                .orElseThrow(() -> ProviderError.unauthorized("unauthorized", "the signature does not verify"));
        byte[] expected = hmac(merchant.apiKey(), merchantId + "." + timestamp + "." + nonce + "." + method + "."
                + path + ".", body);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw ProviderError.unauthorized("unauthorized", "the signature does not verify");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw ProviderError.unauthorized("unauthorized", "the signature does not verify");
        }
        if (seenNonces.putIfAbsent(merchantId + " " + nonce, seconds) != null) {
            throw ProviderError.unauthorized("nonce_reused", "this nonce was already used");
        }
        return merchant;
    }

    /** Drop nonces whose timestamps the window refuses anyway; run periodically. */
    void forgetOldNonces() {
        long oldest = clock.instant().getEpochSecond() - WINDOW.toSeconds() - 1;
        seenNonces.values().removeIf(seconds -> seconds < oldest);
    }

    private static byte[] hmac(byte[] key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
