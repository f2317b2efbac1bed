package org.civicstack.payments.channel.sandbox;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.payments.channel.ChannelAccount;

/**
 * Merchant calls made by hand, with the timestamp and nonce the test chooses, to probe the provider's
 * authentication directly (replayed nonces, stale timestamps, wrong keys) — written from the protocol document, not
 * from either side's code.
 */
final class SignedCalls {

    private final SandboxHarness sandbox;

    SignedCalls(SandboxHarness sandbox) {
        this.sandbox = sandbox;
    }

    HttpResponse<String> get(ChannelAccount account, String path, Instant at, String nonce) {
        return send(account, "GET", path, "", at, nonce, account.property(SandboxChannel.API_KEY));
    }

    HttpResponse<String> post(ChannelAccount account, String path, String body, Instant at, String nonce) {
        return send(account, "POST", path, body, at, nonce, account.property(SandboxChannel.API_KEY));
    }

    HttpResponse<String> send(ChannelAccount account, String method, String path, String body, Instant at,
            String nonce, String apiKey) {
        String timestamp = Long.toString(at.getEpochSecond());
        String signature = hmac(apiKey, account.merchantId() + "." + timestamp + "." + nonce + "." + method + "."
                + path + "." + body);
        HttpRequest.Builder request = HttpRequest.newBuilder(sandbox.baseUri().resolve(path))
                .header("Sandbox-Merchant", account.merchantId())
                .header("Sandbox-Timestamp", timestamp)
                .header("Sandbox-Nonce", nonce)
                .header("Sandbox-Signature", signature)
                .timeout(java.time.Duration.ofSeconds(10));
        if ("GET".equals(method)) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return sandbox.send(request.build());
    }

    static String hmac(String apiKey, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(apiKey), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
