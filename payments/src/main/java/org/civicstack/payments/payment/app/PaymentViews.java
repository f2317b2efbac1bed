package org.civicstack.payments.payment.app;

import java.util.LinkedHashMap;
import java.util.Map;

import org.civicstack.payments.common.Money;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a payment looks on the wire. The agency sees its own reference and the citizen by its pairwise subject; the
 * citizen sees the order, never another agency's subject for them; neither sees the citizen reference.
 */
public final class PaymentViews {

    private PaymentViews() {
    }

    public static Map<String, Object> forAgency(Payment p, JsonMapper json) {
        Map<String, Object> out = common(p, json);
        out.put("reference", p.reference());
        out.put("citizen_subject", p.citizenSubject());
        if (p.channelTransactionId() != null) {
            out.put("channel_transaction_id", p.channelTransactionId());
        }
        if (p.fee() != null) {
            out.put("fee", p.fee());
        }
        return out;
    }

    public static Map<String, Object> forCitizen(Payment p, JsonMapper json) {
        Map<String, Object> out = common(p, json);
        out.put("agency_id", p.agencyId());
        out.put("payable", isPayable(p));
        return out;
    }

    /** The payload of the agency's webhook event for a payment outcome. */
    public static Map<String, Object> webhookData(Payment p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("payment_id", p.id());
        out.put("reference", p.reference());
        out.put("status", p.status().wire());
        out.put("amount", p.amount());
        out.put("currency", p.currency());
        out.put("citizen_subject", p.citizenSubject());
        if (p.channel() != null) {
            out.put("channel", p.channel().wire());
        }
        if (p.paidAt() != null) {
            out.put("paid_at", p.paidAt().toString());
        }
        if (p.channelTransactionId() != null) {
            out.put("channel_transaction_id", p.channelTransactionId());
        }
        return out;
    }

    public static boolean isPayable(Payment p) {
        return p.status() == PaymentStatus.CREATED || p.status() == PaymentStatus.PENDING;
    }

    private static Map<String, Object> common(Payment p, JsonMapper json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id());
        out.put("status", p.status().wire());
        out.put("amount", p.amount());
        out.put("amount_display", Money.display(p.amount()));
        out.put("currency", p.currency());
        out.put("description", p.description());
        if (p.lineItemsJson() != null) {
            out.put("line_items", json.readTree(p.lineItemsJson()));
        }
        out.put("expires_at", p.expiresAt().toString());
        if (p.channel() != null) {
            out.put("channel", p.channel().wire());
        }
        if (p.paidAt() != null) {
            out.put("paid_at", p.paidAt().toString());
        }
        if (p.refundReserved() > 0 || p.refunded() > 0) {
            out.put("refunded_amount", p.refunded());
            out.put("refund_pending_amount", p.refundReserved() - p.refunded());
        }
        out.put("created_at", p.createdAt().toString());
        out.put("updated_at", p.updatedAt().toString());
        return out;
    }
}
