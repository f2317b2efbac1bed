package org.civicstack.payments.refund.domain;

import java.time.Instant;

/** A refund as stored; changes through {@code RefundStore.transition} only. */
public record Refund(String id, String paymentId, String agencyId, long amount, String currency, String reason,
        RefundStatus status, String channelRefundId, Instant nextCheckAt, Instant createdAt, Instant updatedAt,
        Instant completedAt, int version) {
}
