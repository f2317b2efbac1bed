package org.civicstack.payments.refund.app;

import java.util.LinkedHashMap;
import java.util.Map;

import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.refund.domain.Refund;

/** How a refund looks on the wire (agency API and webhook events). */
public final class RefundViews {

    private RefundViews() {
    }

    public static Map<String, Object> view(Refund r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("payment_id", r.paymentId());
        out.put("status", r.status().wire());
        out.put("amount", r.amount());
        out.put("currency", r.currency());
        if (r.reason() != null) {
            out.put("reason", r.reason());
        }
        out.put("created_at", r.createdAt().toString());
        out.put("updated_at", r.updatedAt().toString());
        if (r.completedAt() != null) {
            out.put("completed_at", r.completedAt().toString());
        }
        return out;
    }

    static Map<String, Object> webhookData(Refund r, Payment p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("refund_id", r.id());
        out.put("payment_id", p.id());
        out.put("reference", p.reference());
        out.put("status", r.status().wire());
        out.put("amount", r.amount());
        out.put("currency", r.currency());
        out.put("payment_amount", p.amount());
        return out;
    }
}
