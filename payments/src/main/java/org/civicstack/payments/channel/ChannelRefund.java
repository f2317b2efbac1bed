package org.civicstack.payments.channel;

import java.time.Instant;

/**
 * What the channel says about a refund.
 *
 * @param refundId our refund id as the channel echoed it ({@code out_refund_no})
 * @param amount minor units refunded (or being refunded)
 */
public record ChannelRefund(String refundId, String paymentId, State state, String channelRefundId, Long amount,
        String currency, Instant completedAt) {

    public enum State {
        /** accepted, money not yet back (WeChat PROCESSING) */
        PENDING,
        /** the money is back with the citizen (WeChat SUCCESS; Alipay fund_change=Y / query REFUND_SUCCESS) */
        SUCCEEDED,
        /** the channel gave up (WeChat ABNORMAL/CLOSED) */
        FAILED,
        /** the channel has no such refund */
        NOT_FOUND
    }
}
