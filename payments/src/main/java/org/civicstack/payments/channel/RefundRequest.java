package org.civicstack.payments.channel;

/**
 * Return part or all of a succeeded payment.
 *
 * @param refundId our refund id ({@code rfd_…}); the channel's merchant refund number ({@code out_refund_no}), so a
 *                 repeated call for the same refund is the same refund at the channel
 * @param paymentId our payment id ({@code out_trade_no})
 * @param channelTransactionId the channel's transaction id of the payment
 * @param amount minor units to refund now
 * @param paymentAmount minor units of the whole payment (WeChat asks for it)
 * @param notifyUrl where the channel sends the refund's asynchronous result, if it sends one
 */
public record RefundRequest(String refundId, String paymentId, String channelTransactionId, long amount,
        long paymentAmount, String currency, String reason, String notifyUrl) {
}
