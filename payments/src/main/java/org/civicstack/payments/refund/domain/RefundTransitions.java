package org.civicstack.payments.refund.domain;

import static org.civicstack.payments.refund.domain.RefundEvent.*;
import static org.civicstack.payments.refund.domain.RefundStatus.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Every legal refund transition, as data (see {@code PaymentTransitions}). */
public final class RefundTransitions {

    private static final Map<RefundStatus, Map<RefundEvent, RefundStatus>> TABLE = new EnumMap<>(RefundStatus.class);

    static {
        allow(REQUESTED, ACCEPTED, PENDING);
        allow(REQUESTED, OUTCOME_UNKNOWN, PENDING);
        allow(REQUESTED, CHANNEL_SUCCEEDED, SUCCEEDED);
        allow(REQUESTED, CHANNEL_FAILED, FAILED);
        allow(PENDING, CHANNEL_SUCCEEDED, SUCCEEDED);
        allow(PENDING, CHANNEL_FAILED, FAILED);
    }

    private RefundTransitions() {
    }

    private static void allow(RefundStatus from, RefundEvent event, RefundStatus to) {
        TABLE.computeIfAbsent(from, f -> new EnumMap<>(RefundEvent.class)).put(event, to);
    }

    public static Optional<RefundStatus> next(RefundStatus from, RefundEvent event) {
        return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
    }

    public static Map<RefundStatus, Map<RefundEvent, RefundStatus>> table() {
        return Collections.unmodifiableMap(TABLE);
    }
}
