package org.civicstack.payments.payment.persistence;

import java.time.Instant;
import java.util.Map;

import org.civicstack.payments.channel.ChannelKind;

/**
 * The columns a transition writes besides the status; {@code null} leaves a column as it is, except
 * {@code nextCheckAt}, which every transition sets (null: no further check is due).
 */
public record PaymentChange(ChannelKind channel, String channelAccountId, String channelReference,
        Map<String, String> appParameters, String channelTransactionId, Instant paidAt, Long fee, String closeReason,
        Instant nextCheckAt, String detailJson) {

    public static PaymentChange none(Instant nextCheckAt) {
        return new PaymentChange(null, null, null, null, null, null, null, null, nextCheckAt, null);
    }

    public PaymentChange withDetail(String json) {
        return new PaymentChange(channel, channelAccountId, channelReference, appParameters, channelTransactionId, paidAt,
                fee, closeReason, nextCheckAt, json);
    }
}
