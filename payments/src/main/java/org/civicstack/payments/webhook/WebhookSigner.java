package org.civicstack.payments.webhook;

import java.util.List;
import java.util.StringJoiner;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import org.civicstack.payments.merchant.MerchantStore.WebhookSecret;

/**
 * The {@code webhook-signature} header of the Standard Webhooks spec: {@code v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}, one space-separated entry per signing secret, so that during a rotation a receiver that
 * still holds the old secret and one that already holds the new one both find a signature they can check. Signing
 * is the spec's own reference library, so what we send is what the spec's verifiers accept.
 */
public final class WebhookSigner {

    private WebhookSigner() {
    }

    /**
     * @param secrets the raw keys (what {@code whsec_} prefixes in base64), newest first; at least one
     * @param timestamp unix seconds, also sent as {@code webhook-timestamp}
     */
    public static String signatureHeader(List<WebhookSecret> secrets, String eventId, long timestamp, String body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook needs at least one signing secret");
        }
        StringJoiner header = new StringJoiner(" ");
        for (WebhookSecret secret : secrets) {
            try {
                header.add(new Webhook(secret.key()).sign(eventId, timestamp, body));
            } catch (EmptyWebhookSecretException | WebhookSigningException e) {
                throw new IllegalStateException("webhook secret " + secret.id() + " cannot sign", e);
            }
        }
        return header.toString();
    }
}
