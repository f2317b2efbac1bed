package org.civicstack.payments.channel;

import java.time.Instant;

/**
 * What the channel says about a payment, from a query or a verified notification.
 *
 * @param paymentId our payment id as the channel echoed it ({@code out_trade_no})
 * @param channelMerchantId the merchant the channel says took the money; checked against the account
 * @param amount minor units the citizen paid; null when the channel does not know the payment
 * @param currency ISO 4217; null when unknown
 * @param channelTransactionId the channel's transaction id once paid
 * @param paidAt when the channel says it succeeded
 * @param fee the channel's fee in minor units when it reports one, else null
 */
public record ChannelPayment(String paymentId, State state, String channelMerchantId, Long amount, String currency,
        String channelTransactionId, Instant paidAt, Long fee) {

    /** The channel's view mapped onto what our state machine can act on. */
    public enum State {
        /** created at the channel, not paid (WeChat NOTPAY/USERPAYING, Alipay WAIT_BUYER_PAY) */
        PENDING,
        /** paid (WeChat SUCCESS, Alipay TRADE_SUCCESS/TRADE_FINISHED) */
        SUCCEEDED,
        /** closed or cancelled without payment (WeChat CLOSED/REVOKED, Alipay TRADE_CLOSED without refund) */
        CLOSED,
        /** the channel failed it (WeChat PAYERROR) */
        FAILED,
        /** the channel has no such order (WeChat ORDER_NOT_EXIST, Alipay ACQ.TRADE_NOT_EXIST) */
        NOT_FOUND,
        /** paid and then fully refunded (WeChat REFUND; Alipay TRADE_CLOSED after a refund) */
        REFUNDED
    }
}
