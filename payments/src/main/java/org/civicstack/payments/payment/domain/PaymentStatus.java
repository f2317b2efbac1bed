package org.civicstack.payments.payment.domain;

import java.util.Locale;

/**
 * Where a payment order is. {@code starting} and {@code closing} are claims: the record is moved there under its
 * optimistic lock before a channel is called (prepay, close), so a concurrent request or sweeper sees the claim and
 * does not call the channel a second time.
 */
public enum PaymentStatus {
    /** made out by the agency; the citizen has not chosen a channel */
    CREATED,
    /** claimed for a prepay call at the chosen channel */
    STARTING,
    /** the channel holds the order; the citizen may pay there */
    PENDING,
    /** paid; refunds possible */
    SUCCEEDED,
    /** the channel failed the payment */
    FAILED,
    /** not paid in time; closed at the channel when one was involved */
    EXPIRED,
    /** claimed for a close call at the channel (expiry or the agency's cancel) */
    CLOSING,
    /** cancelled by the agency (or closed by the channel) without payment */
    CLOSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PaymentStatus fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == EXPIRED || this == CLOSED;
    }
}
