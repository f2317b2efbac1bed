package org.civicstack.payments.payment.domain;

import java.time.Instant;
import java.util.Map;

import org.civicstack.payments.channel.ChannelKind;

/**
 * A payment order as stored. Immutable; every change is a new version written through the store under its
 * optimistic lock ({@code version}).
 *
 * @param refundReserved minor units promised to refunds that have not failed (never more than {@code amount})
 * @param refunded minor units actually returned
 */
public record Payment(String id, String agencyId, String reference, String citizenRef, String citizenSubject,
        long amount, String currency, String description, String lineItemsJson, PaymentStatus status,
        String closeReason, ChannelKind channel, String channelAccountId, String channelReference,
        Map<String, String> appParameters, String channelTransactionId, long refundReserved, long refunded, Long fee,
        Instant expiresAt, Instant nextCheckAt, Instant createdAt, Instant updatedAt, Instant paidAt, int version) {

    public long refundable() {
        return amount - refundReserved;
    }
}
