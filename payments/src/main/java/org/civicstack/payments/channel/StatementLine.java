package org.civicstack.payments.channel;

import java.time.Instant;

/**
 * One line of a channel's daily statement (WeChat trade bill, Alipay {@code trade} bill, the sandbox statement),
 * in our terms, for reconciliation.
 *
 * @param kind a payment or a refund
 * @param paymentId our payment id ({@code out_trade_no})
 * @param refundId our refund id for refund lines ({@code out_refund_no}), else null
 * @param amount minor units, positive for both kinds
 * @param fee the channel's fee in minor units, 0 when none
 * @param status the channel's own status text, kept for the report
 */
public record StatementLine(Kind kind, String paymentId, String refundId, String channelTransactionId, long amount,
        String currency, long fee, String status, Instant at) {

    public enum Kind {
        PAYMENT,
        REFUND
    }
}
