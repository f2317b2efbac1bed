package org.civicstack.payments.channel;

import java.util.Map;

/**
 * One merchant's account at one channel, as the adapter needs it for a call: the channel's merchant id and the
 * account's properties (app id, keys, certificates…), secrets already decrypted. Which properties exist is the
 * adapter's to say ({@link PaymentChannel#validate}); the merchant module stores the ones the adapter names as
 * {@link PaymentChannel#secretProperties() secret} encrypted at rest and never returns them.
 *
 * @param accountId our id of this merchant channel account ({@code mca_…}); also the last segment of its
 *                  notification URL, which is how an incoming notification finds the keys to verify it with
 * @param merchantId the merchant id the channel gave the agency (WeChat {@code mchid}, Alipay {@code seller_id})
 * @param properties every property, secrets included
 */
public record ChannelAccount(String accountId, ChannelKind kind, String merchantId, Map<String, String> properties) {

    public ChannelAccount {
        properties = Map.copyOf(properties);
    }

    /** A required property; a missing one is a configuration error that {@link PaymentChannel#validate} prevents. */
    public String property(String name) {
        String value = properties.get(name);
        if (value == null) {
            throw new IllegalStateException("channel account " + accountId + " has no " + name);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ChannelAccount[" + accountId + ", " + kind + ", " + merchantId + "]"; // never the secrets
    }
}
