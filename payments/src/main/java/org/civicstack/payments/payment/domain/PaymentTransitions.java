package org.civicstack.payments.payment.domain;

import static org.civicstack.payments.payment.domain.PaymentEvent.*;
import static org.civicstack.payments.payment.domain.PaymentStatus.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every legal payment transition, as data: {@code FROM --EVENT--> TO}. The store changes a payment's status only
 * through {@link #next}; a pair missing here is illegal and is refused (a late notification for a closed order is
 * an alert, not a transition). Tested exhaustively in {@code PaymentTransitionsTest}.
 */
public final class PaymentTransitions {

    private static final Map<PaymentStatus, Map<PaymentEvent, PaymentStatus>> TABLE = new EnumMap<>(PaymentStatus.class);

    static {
        allow(CREATED, START, STARTING);
        allow(CREATED, EXPIRE, EXPIRED);
        allow(CREATED, CANCEL, CLOSED);

        allow(STARTING, PREPARED, PENDING);
        allow(STARTING, PREPARE_REFUSED, CREATED);
        allow(STARTING, PREPARE_UNKNOWN, PENDING);
        allow(STARTING, CHANNEL_SUCCEEDED, SUCCEEDED);
        allow(STARTING, CHANNEL_FAILED, FAILED);

        allow(PENDING, CHANNEL_SUCCEEDED, SUCCEEDED);
        allow(PENDING, CHANNEL_FAILED, FAILED);
        allow(PENDING, CHANNEL_CLOSED, CLOSED);
        allow(PENDING, CLAIM_CLOSE, CLOSING);
        // the citizen opens the same channel again after an unknown prepay outcome: prepay is idempotent per order
        allow(PENDING, START, STARTING);

        allow(CLOSING, CLOSED_FOR_EXPIRY, EXPIRED);
        allow(CLOSING, CLOSED_FOR_CANCEL, CLOSED);
        allow(CLOSING, CLOSE_FAILED, PENDING);
        allow(CLOSING, CHANNEL_SUCCEEDED, SUCCEEDED);
        allow(CLOSING, CHANNEL_FAILED, FAILED);
    }

    private PaymentTransitions() {
    }

    private static void allow(PaymentStatus from, PaymentEvent event, PaymentStatus to) {
        TABLE.computeIfAbsent(from, f -> new EnumMap<>(PaymentEvent.class)).put(event, to);
    }

    /** Where {@code event} takes a payment in {@code from}; empty when that is not a legal transition. */
    public static Optional<PaymentStatus> next(PaymentStatus from, PaymentEvent event) {
        return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
    }

    /** The whole table, for documentation and tests. */
    public static Map<PaymentStatus, Map<PaymentEvent, PaymentStatus>> table() {
        return Collections.unmodifiableMap(TABLE);
    }
}
