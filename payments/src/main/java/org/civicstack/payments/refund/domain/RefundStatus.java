package org.civicstack.payments.refund.domain;

import java.util.Locale;

/** Where a refund is. {@code requested} is the claim taken before the channel is called. */
public enum RefundStatus {
    REQUESTED,
    PENDING,
    SUCCEEDED,
    FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RefundStatus fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
