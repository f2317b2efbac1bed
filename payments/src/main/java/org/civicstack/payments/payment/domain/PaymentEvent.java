package org.civicstack.payments.payment.domain;

import java.util.Locale;

/** What moves a payment from one status to another; recorded with every transition. */
public enum PaymentEvent {
    /** the citizen chose a channel: claim before the prepay call */
    START,
    /** the channel prepared the order */
    PREPARED,
    /** the channel certainly did not create the order (refused or unreachable): the citizen may try again */
    PREPARE_REFUSED,
    /** the prepay call's outcome is unknown (timeout): the channel may hold the order; the sweeper asks it */
    PREPARE_UNKNOWN,
    /** the channel says paid (notification or query) */
    CHANNEL_SUCCEEDED,
    /** the channel says the payment failed */
    CHANNEL_FAILED,
    /** the channel says the order is closed without payment (its own expiry) */
    CHANNEL_CLOSED,
    /** the order was not paid in time and no channel holds it */
    EXPIRE,
    /** the agency cancelled an order no channel holds */
    CANCEL,
    /** claim before closing the order at the channel (expiry or cancel) */
    CLAIM_CLOSE,
    /** the channel closed it; the reason was expiry */
    CLOSED_FOR_EXPIRY,
    /** the channel closed it; the reason was the agency's cancel */
    CLOSED_FOR_CANCEL,
    /** the close call failed without effect: back to pending, the sweeper tries again */
    CLOSE_FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
