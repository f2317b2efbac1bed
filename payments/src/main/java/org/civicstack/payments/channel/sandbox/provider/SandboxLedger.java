package org.civicstack.payments.channel.sandbox.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider's books: merchants, their orders and refunds. <b>Held in memory only</b> — a restarted provider knows
 * nothing, which is what a sandbox may do and a real provider may not. Thread-safe: the maps are concurrent, and
 * every change to one order (pay, close, each refund and its completion) happens under that order's monitor, so the
 * total refunded can never exceed what was paid however many refunds race. The critical sections are a few field
 * updates; nothing under a lock waits for I/O.
 */
final class SandboxLedger {

    /** The provider's day, for statements (like WeChat Pay and Alipay). */
    static final ZoneId STATEMENT_ZONE = ZoneId.of("Asia/Shanghai");

    private static final Base64.Encoder ID_TEXT = Base64.getUrlEncoder().withoutPadding();

    private final Clock clock;
    private final BigDecimal feeRate;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Merchant> merchants = new ConcurrentHashMap<>();
    private final Map<String, Order> ordersById = new ConcurrentHashMap<>();

    SandboxLedger(Clock clock, BigDecimal feeRate) {
        this.clock = clock;
        this.feeRate = feeRate;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A new merchant with a fresh 32-byte API key. */
    Merchant onboard() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        Merchant merchant = new Merchant(newId("sbm_", 12), key);
        merchants.put(merchant.id(), merchant);
        return merchant;
    }

    Optional<Merchant> merchant(String id) {
        return Optional.ofNullable(merchants.get(id));
    }

    /**
     * Create the order, or return the one this merchant already made with this {@code out_trade_no}: the same content
     * is the same order (a retried call), different content is a 409 {@code idempotency_conflict}.
     */
    OrderView createOrder(Merchant merchant, NewOrder request) {
        Order created = merchant.orders.computeIfAbsent(request.outTradeNo(),
                number -> new Order(newId("sbo_", 18), merchant.id(), request, now()));
        if (!created.request.equals(request)) {
            throw ProviderError.conflict("idempotency_conflict",
                    "out_trade_no " + request.outTradeNo() + " was used for a different order");
        }
        ordersById.putIfAbsent(created.orderId, created);
        return created.view(now(), feeRate);
    }

    /** The checkout's view: the order id is the capability. */
    OrderView orderById(String orderId) {
        Order order = ordersById.get(orderId);
        if (order == null) {
            throw ProviderError.notFound("order_not_found", "no such order");
        }
        synchronized (order) {
            return order.view(now(), feeRate);
        }
    }

    URI orderNotifyUrl(Merchant merchant, String outTradeNo) {
        return findOrder(merchant, outTradeNo).request.notifyUrl();
    }

    OrderView order(Merchant merchant, String outTradeNo) {
        Order order = findOrder(merchant, outTradeNo);
        synchronized (order) {
            return order.view(now(), feeRate);
        }
    }

    /** Close an unpaid order; closing a closed, failed or expired one answers it as it is. */
    OrderView close(Merchant merchant, String outTradeNo) {
        Order order = findOrder(merchant, outTradeNo);
        synchronized (order) {
            if (order.status == OrderStatus.SUCCEEDED) {
                throw ProviderError.conflict("order_paid", "a paid order cannot be closed; refund it");
            }
            if (order.status == OrderStatus.PENDING) {
                order.status = OrderStatus.CLOSED;
            }
            return order.view(now(), feeRate);
        }
    }

    /**
     * The citizen pays (or the payment fails) at the checkout. Returns the order as it is now, and whether this call
     * changed it (only then is a notification due).
     */
    PayOutcome pay(String orderId, boolean succeed) {
        Order order = ordersById.get(orderId);
        if (order == null) {
            throw ProviderError.notFound("order_not_found", "no such order");
        }
        synchronized (order) {
            Instant now = now();
            switch (order.status) {
                case SUCCEEDED -> throw ProviderError.conflict("order_paid", "the order is already paid");
                case FAILED -> throw ProviderError.conflict("order_failed", "the order's payment failed; it is final");
                case CLOSED -> throw ProviderError.conflict("order_closed", "the order is closed");
                case PENDING -> {
                    if (!now.isBefore(order.request.expiresAt())) {
                        throw ProviderError.conflict("order_expired", "the order expired at " + order.request.expiresAt());
                    }
                }
                default -> throw new IllegalStateException(order.status.name());
            }
            if (succeed) {
                order.status = OrderStatus.SUCCEEDED;
                order.transactionId = newId("sbt_", 18);
                order.paidAt = now;
            } else {
                order.status = OrderStatus.FAILED;
                order.failedAt = now;
            }
            return new PayOutcome(order.view(now, feeRate), order.request.notifyUrl());
        }
    }

    /**
     * Accept a refund against a paid order: never more in total than was paid, however many refunds race (the
     * check and the reservation happen together under the order's monitor). The same {@code out_refund_no} with
     * the same content is the same refund; with other content a 409 {@code idempotency_conflict}.
     */
    RefundOutcome createRefund(Merchant merchant, NewRefund request) {
        Order order = findOrder(merchant, request.outTradeNo());
        synchronized (order) {
            Refund existing = merchant.refunds.get(request.outRefundNo());
            if (existing != null) {
                return replay(existing, request);
            }
            if (order.status != OrderStatus.SUCCEEDED) {
                throw ProviderError.conflict("order_not_paid", "only a paid order can be refunded");
            }
            if (request.amount() > order.request.amount() - order.reserved) {
                throw ProviderError.conflict("refund_exceeds_payment", "the order has "
                        + (order.request.amount() - order.reserved) + " left to refund, asked " + request.amount());
            }
            Refund refund = new Refund(newId("sbr_", 18), merchant.id(), order, request, now());
            Refund raced = merchant.refunds.putIfAbsent(request.outRefundNo(), refund);
            if (raced != null) {
                return replay(raced, request);
            }
            order.reserved += request.amount();
            return new RefundOutcome(refund.view(feeRate), true, refund);
        }
    }

    private RefundOutcome replay(Refund existing, NewRefund request) {
        if (!existing.request.equals(request)) {
            throw ProviderError.conflict("idempotency_conflict",
                    "out_refund_no " + request.outRefundNo() + " was used for a different refund");
        }
        synchronized (existing.order) {
            return new RefundOutcome(existing.view(feeRate), false, existing);
        }
    }

    /** The money is back with the citizen; idempotent. */
    RefundView completeRefund(Refund refund) {
        synchronized (refund.order) {
            if (refund.completedAt == null) {
                refund.completedAt = now();
                refund.order.refunded += refund.request.amount();
            }
            return refund.view(feeRate);
        }
    }

    RefundView refund(Merchant merchant, String outRefundNo) {
        Refund refund = merchant.refunds.get(outRefundNo);
        if (refund == null) {
            throw ProviderError.notFound("refund_not_found", "no refund " + outRefundNo);
        }
        synchronized (refund.order) {
            return refund.view(feeRate);
        }
    }

    /** Every payment and refund of this merchant that completed on {@code day} (Asia/Shanghai), oldest first. */
    List<StatementRow> statement(Merchant merchant, LocalDate day) {
        Instant from = day.atStartOfDay(STATEMENT_ZONE).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(STATEMENT_ZONE).toInstant();
        List<StatementRow> rows = new ArrayList<>();
        for (Order order : merchant.orders.values()) {
            synchronized (order) {
                if (order.paidAt != null && !order.paidAt.isBefore(from) && order.paidAt.isBefore(to)) {
                    rows.add(new StatementRow("payment", order.request.outTradeNo(), "", order.transactionId,
                            order.request.amount(), order.request.currency(), fee(order.request.amount()),
                            "succeeded", order.paidAt));
                }
            }
        }
        for (Refund refund : merchant.refunds.values()) {
            synchronized (refund.order) {
                Instant at = refund.completedAt;
                if (at != null && !at.isBefore(from) && at.isBefore(to)) {
                    rows.add(new StatementRow("refund", refund.request.outTradeNo(), refund.request.outRefundNo(),
                            refund.order.transactionId, refund.request.amount(), refund.order.request.currency(),
                            fee(refund.request.amount()), "succeeded", at));
                }
            }
        }
        rows.sort(Comparator.comparing(StatementRow::completedAt).thenComparing(StatementRow::outTradeNo)
                .thenComparing(StatementRow::outRefundNo));
        return rows;
    }

    long fee(long amount) {
        return fee(amount, feeRate);
    }

    private static long fee(long amount, BigDecimal rate) {
        return BigDecimal.valueOf(amount).multiply(rate).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private Order findOrder(Merchant merchant, String outTradeNo) {
        Order order = merchant.orders.get(outTradeNo);
        if (order == null) {
            throw ProviderError.notFound("order_not_found", "no order " + outTradeNo);
        }
        return order;
    }

    String newId(String prefix, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return prefix + ID_TEXT.encodeToString(raw);
    }

    /** A merchant: its id, its API key (the HMAC key of its requests) and its books. */
    static final class Merchant {
        private final String id;
        private final byte[] apiKey;
        private final Map<String, Order> orders = new ConcurrentHashMap<>();
        private final Map<String, Refund> refunds = new ConcurrentHashMap<>();

        Merchant(String id, byte[] apiKey) {
            this.id = id;
            this.apiKey = apiKey;
        }

        String id() {
            return id;
        }

        byte[] apiKey() {
            return apiKey.clone();
        }
    }

    record NewOrder(String outTradeNo, long amount, String currency, String description, Instant expiresAt,
            URI notifyUrl) {
    }

    record NewRefund(String outTradeNo, String outRefundNo, long amount, String reason, URI notifyUrl) {
    }

    record PayOutcome(OrderView order, URI notifyUrl) {
    }

    /** @param created false when this was a repeat of an earlier request for the same refund */
    record RefundOutcome(RefundView view, boolean created, Refund refund) {
    }

    record StatementRow(String kind, String outTradeNo, String outRefundNo, String transactionId, long amount,
            String currency, long fee, String status, Instant completedAt) {
    }

    enum OrderStatus {
        PENDING, SUCCEEDED, FAILED, CLOSED
    }

    private static final class Order {
        private final String orderId;
        private final String merchantId;
        private final NewOrder request;
        private final Instant createdAt;
        private OrderStatus status = OrderStatus.PENDING;
        private String transactionId;
        private Instant paidAt;
        private Instant failedAt;
        /** accepted refunds, complete or not: the limit of what may still be refunded */
        private long reserved;
        /** completed refunds */
        private long refunded;

        Order(String orderId, String merchantId, NewOrder request, Instant createdAt) {
            this.orderId = orderId;
            this.merchantId = merchantId;
            this.request = request;
            this.createdAt = createdAt;
        }

        /** Call holding the monitor (or on a just-created order). */
        OrderView view(Instant now, BigDecimal feeRate) {
            String shown = switch (status) {
                case PENDING -> now.isBefore(request.expiresAt()) ? "pending" : "expired";
                case SUCCEEDED -> refunded == request.amount() ? "refunded" : "succeeded";
                case FAILED -> "failed";
                case CLOSED -> "closed";
            };
            Long fee = paidAt == null ? null : SandboxLedger.fee(request.amount(), feeRate);
            return new OrderView(orderId, merchantId, request.outTradeNo(), request.amount(), request.currency(),
                    request.description(), shown, transactionId, paidAt, failedAt, fee, refunded, request.expiresAt(),
                    createdAt);
        }
    }

    static final class Refund {
        private final String refundId;
        private final String merchantId;
        private final Order order;
        private final NewRefund request;
        private final Instant createdAt;
        private Instant completedAt;

        Refund(String refundId, String merchantId, Order order, NewRefund request, Instant createdAt) {
            this.refundId = refundId;
            this.merchantId = merchantId;
            this.order = order;
            this.request = request;
            this.createdAt = createdAt;
        }

        URI notifyUrl() {
            return request.notifyUrl();
        }

        String outTradeNo() {
            return request.outTradeNo();
        }

        RefundView view(BigDecimal feeRate) {
            return new RefundView(refundId, merchantId, request.outTradeNo(), request.outRefundNo(),
                    order.transactionId, request.amount(), order.request.currency(), request.reason(),
                    completedAt == null ? "processing" : "succeeded", SandboxLedger.fee(request.amount(), feeRate),
                    createdAt, completedAt);
        }
    }

    /** An order as the API shows it; {@code status} is pending, expired, succeeded, failed, closed or refunded. */
    record OrderView(String orderId, String merchantId, String outTradeNo, long amount, String currency,
            String description, String status, String transactionId, Instant paidAt, Instant failedAt, Long fee,
            long refundedAmount, Instant expiresAt, Instant createdAt) {

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("order_id", orderId);
            out.put("merchant_id", merchantId);
            out.put("out_trade_no", outTradeNo);
            out.put("amount", amount);
            out.put("currency", currency);
            out.put("description", description);
            out.put("status", status);
            out.put("transaction_id", transactionId);
            out.put("paid_at", text(paidAt));
            out.put("failed_at", text(failedAt));
            out.put("fee", fee);
            out.put("refunded_amount", refundedAmount);
            out.put("expires_at", text(expiresAt));
            out.put("created_at", text(createdAt));
            return out;
        }
    }

    /** A refund as the API shows it; {@code status} is processing or succeeded. */
    record RefundView(String refundId, String merchantId, String outTradeNo, String outRefundNo,
            String transactionId, long amount, String currency, String reason, String status, long fee,
            Instant createdAt, Instant completedAt) {

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("refund_id", refundId);
            out.put("merchant_id", merchantId);
            out.put("out_trade_no", outTradeNo);
            out.put("out_refund_no", outRefundNo);
            out.put("transaction_id", transactionId);
            out.put("amount", amount);
            out.put("currency", currency);
            out.put("reason", reason);
            out.put("status", status);
            out.put("fee", fee);
            out.put("created_at", text(createdAt));
            out.put("completed_at", text(completedAt));
            return out;
        }
    }

    static String text(Instant instant) {
        return instant == null ? null : Objects.toString(instant);
    }
}
