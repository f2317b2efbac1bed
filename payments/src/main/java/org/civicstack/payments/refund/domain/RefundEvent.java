package org.civicstack.payments.refund.domain;

import java.util.Locale;

/** What moves a refund. */
public enum RefundEvent {
    /** the channel accepted the refund and is processing it */
    ACCEPTED,
    /** the refund call's outcome is unknown (timeout): the sweeper asks the channel */
    OUTCOME_UNKNOWN,
    /** the money is back with the citizen */
    CHANNEL_SUCCEEDED,
    /** the channel refused or gave up: the reserved amount is released */
    CHANNEL_FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
