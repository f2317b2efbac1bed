package org.civicstack.payments.channel;

import java.time.Instant;
import java.util.Map;

/**
 * Ask the channel to prepare a payment the citizen then completes in the channel's app or SDK.
 *
 * @param paymentId our payment id ({@code pay_…}); sent as the channel's merchant order number
 *                  ({@code out_trade_no}), so every later query, close and refund names it
 * @param amount minor units (fen)
 * @param currency ISO 4217, "CNY"
 * @param description what the citizen sees in the channel (trimmed by the adapter to the channel's limit)
 * @param expiresAt after this the channel must refuse to take the money
 * @param notifyUrl where the channel sends its asynchronous result for this account
 * @param scene how the app opens the channel: {@code app} (native SDK) or {@code jsapi} (in-app web page)
 * @param payer scene-specific payer data, e.g. {@code openid} for WeChat JSAPI; empty for {@code app}
 */
public record PrepayRequest(String paymentId, long amount, String currency, String description, Instant expiresAt,
        String notifyUrl, String scene, Map<String, String> payer) {

    public PrepayRequest {
        payer = Map.copyOf(payer);
    }
}
