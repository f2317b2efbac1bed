package org.civicstack.payments.channel;

/**
 * A verified asynchronous notification from a channel: its signature, timestamp window and (for WeChat) the
 * decryption of its resource all passed. Which payment or refund it is about, and whether it agrees with our
 * record (amount, currency, merchant), is for the payment module to decide.
 */
public sealed interface ChannelNotification {

    /** The channel's id of the notification (WeChat {@code id}, Alipay {@code notify_id}), for the delivery log. */
    String notificationId();

    record PaymentNotification(String notificationId, ChannelPayment payment) implements ChannelNotification {
    }

    record RefundNotification(String notificationId, ChannelRefund refund) implements ChannelNotification {
    }
}
