package org.civicstack.payments.payment.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.error.ApiProblem;
import reactor.core.publisher.Mono;

/** Cursor pages of payments, newest first; the cursor encodes the last row's (created_at, id). */
final class PaymentPages {

    private PaymentPages() {
    }

    static Mono<Map<String, Object>> page(PaymentStore payments, String column, String value, String status,
            Integer requestedLimit, String cursor, Function<Payment, Map<String, Object>> view) {
        int limit = Page.limit(requestedLimit);
        List<PaymentStatus> statuses = new ArrayList<>();
        if (status != null) {
            for (String s : status.split(",")) {
                try {
                    statuses.add(PaymentStatus.fromWire(s.trim()));
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badRequest("invalid_status", "Unknown status " + s + ".");
                }
            }
        }
        String key = Page.decodeCursor(cursor);
        Instant at = null;
        String id = null;
        if (!key.isEmpty()) {
            int bar = key.indexOf('|');
            try {
                at = Instant.parse(key.substring(0, bar));
                id = key.substring(bar + 1);
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API returned.");
            }
        }
        return payments.list(column, value, statuses, at, id, limit + 1).collectList().map(rows -> {
            Map<String, Object> out = new LinkedHashMap<>();
            List<Payment> page = rows.size() > limit ? rows.subList(0, limit) : rows;
            out.put("data", page.stream().map(view).toList());
            if (rows.size() > limit) {
                Payment last = page.get(page.size() - 1);
                out.put("next_cursor", Page.encodeCursor(last.createdAt() + "|" + last.id()));
            }
            return out;
        });
    }
}
