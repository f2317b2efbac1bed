package org.civicstack.payments.payment.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.ledger.Ledger;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.domain.PaymentTransitions;
import org.civicstack.payments.payment.persistence.PaymentChange;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.payment.persistence.StaleVersion;
import org.civicstack.payments.webhook.WebhookOutbox;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies what a channel says about a payment — from a verified notification or a query — to our record. One place
 * decides, whatever the source, so a notification that arrives twice, out of order, or never (the sweeper's query
 * stands in) ends the same way:
 * <ul>
 * <li>a channel view whose amount, currency or merchant disagrees with the order is refused and raised as an
 *     alert; nothing changes;</li>
 * <li>a view that matches where the payment already is, is a duplicate: a no-op;</li>
 * <li>a legal transition is written with its ledger postings and the agency's webhook event in one transaction,
 *     under the optimistic lock; a concurrent writer makes it re-read and decide again;</li>
 * <li>a channel that says paid for an order we consider closed or expired is an alert for an operator (money was
 *     taken for an order the agency was told is dead), never a silent transition.</li>
 * </ul>
 */
@Component
public class PaymentOutcomes {

    /** What applying a channel view did. */
    public enum Outcome {
        APPLIED, DUPLICATE, MISMATCH, NOT_APPLICABLE, UNKNOWN_PAYMENT
    }

    private final PaymentStore payments;
    private final Ledger ledger;
    private final WebhookOutbox webhooks;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock;

    public PaymentOutcomes(PaymentStore payments, Ledger ledger, WebhookOutbox webhooks, DatabaseClient db,
            TransactionalOperator tx, JsonMapper json, Clock clock) {
        this.payments = payments;
        this.ledger = ledger;
        this.webhooks = webhooks;
        this.db = db;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    public Mono<Outcome> apply(ChannelAccount account, ChannelPayment view, String source) {
        return Mono.defer(() -> payments.find(view.paymentId())
                        .flatMap(current -> decide(account, current, view, source))
                        .defaultIfEmpty(Outcome.UNKNOWN_PAYMENT)
                        .as(tx::transactional))
                .retryWhen(Retry.max(8).filter(StaleVersion.class::isInstance));
    }

    private Mono<Outcome> decide(ChannelAccount account, Payment current, ChannelPayment view, String source) {
        Optional<String> mismatch = mismatch(account, current, view);
        if (mismatch.isPresent()) {
            return alert("channel_mismatch", current.id(), Map.of("source", source, "reason", mismatch.get(),
                    "channel_amount", String.valueOf(view.amount()), "channel_currency", String.valueOf(view.currency()),
                    "channel_merchant", String.valueOf(view.channelMerchantId())))
                    .thenReturn(Outcome.MISMATCH);
        }
        Optional<PaymentEvent> event = eventFor(current.status(), view.state());
        if (event.isEmpty()) {
            if (wantsPaid(view) && (current.status() == PaymentStatus.EXPIRED || current.status() == PaymentStatus.CLOSED
                    || current.status() == PaymentStatus.FAILED)) {
                return alert("paid_after_close", current.id(), Map.of("source", source, "status",
                        current.status().wire(), "channel_transaction_id", String.valueOf(view.channelTransactionId())))
                        .thenReturn(Outcome.NOT_APPLICABLE);
            }
            boolean same = current.status() == PaymentStatus.SUCCEEDED && wantsPaid(view)
                    || current.status() == PaymentStatus.FAILED && view.state() == ChannelPayment.State.FAILED
                    || current.status() == PaymentStatus.CLOSED && view.state() == ChannelPayment.State.CLOSED;
            return Mono.just(same ? Outcome.DUPLICATE : Outcome.NOT_APPLICABLE);
        }
        Instant now = clock.instant();
        PaymentChange change = switch (event.get()) {
            case CHANNEL_SUCCEEDED -> new PaymentChange(null, null, null, null, view.channelTransactionId(),
                    view.paidAt() != null ? view.paidAt() : now, view.fee(), null, null, detail(source, view));
            default -> PaymentChange.none(null).withDetail(detail(source, view));
        };
        return payments.transition(current, event.get(), change, now)
                .flatMap(after -> consequences(after, now))
                .thenReturn(Outcome.APPLIED);
    }

    /** The ledger postings and the agency's event a new status brings, in the transition's transaction. */
    public Mono<Void> consequences(Payment after, Instant now) {
        Mono<Void> postings = Mono.empty();
        if (after.status() == PaymentStatus.SUCCEEDED) {
            postings = ledger.paymentCaptured(after.id(), after.channel(), after.agencyId(), after.amount(),
                            after.currency(), after.paidAt())
                    .then(after.fee() == null ? Mono.empty()
                            : ledger.channelFee(after.id(), after.channel(), after.agencyId(), after.fee(),
                                    after.currency(), after.paidAt()))
                    .then();
        }
        if (!after.status().isFinal()) {
            return postings;
        }
        return postings.then(webhooks.append(after.agencyId(), "payment." + after.status().wire(),
                PaymentViews.webhookData(after), now)).then();
    }

    static boolean wantsPaid(ChannelPayment view) {
        return view.state() == ChannelPayment.State.SUCCEEDED || view.state() == ChannelPayment.State.REFUNDED;
    }

    /** The event a channel state means for a payment in {@code status}, if any is legal. */
    static Optional<PaymentEvent> eventFor(PaymentStatus status, ChannelPayment.State state) {
        PaymentEvent event = switch (state) {
            case SUCCEEDED, REFUNDED -> PaymentEvent.CHANNEL_SUCCEEDED;
            case FAILED -> PaymentEvent.CHANNEL_FAILED;
            case CLOSED -> PaymentEvent.CHANNEL_CLOSED;
            case PENDING, NOT_FOUND -> null;
        };
        if (event == null) {
            return Optional.empty();
        }
        return PaymentTransitions.next(status, event).map(to -> event);
    }

    static Optional<String> mismatch(ChannelAccount account, Payment p, ChannelPayment view) {
        if (p.channelAccountId() != null && !p.channelAccountId().equals(account.accountId())) {
            return Optional.of("the order was started at another account (" + p.channelAccountId() + ")");
        }
        if (view.channelMerchantId() != null && !view.channelMerchantId().equals(account.merchantId())) {
            return Optional.of("merchant differs");
        }
        if (view.state() == ChannelPayment.State.SUCCEEDED || view.state() == ChannelPayment.State.REFUNDED) {
            if (view.amount() == null || view.amount() != p.amount()) {
                return Optional.of("amount differs");
            }
            if (view.currency() == null || !view.currency().equals(p.currency())) {
                return Optional.of("currency differs");
            }
        }
        return Optional.empty();
    }

    private String detail(String source, ChannelPayment view) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("source", source);
        detail.put("channel_state", view.state().name().toLowerCase(java.util.Locale.ROOT));
        if (view.channelTransactionId() != null) {
            detail.put("channel_transaction_id", view.channelTransactionId());
        }
        return json.writeValueAsString(detail);
    }

    /** Records an alert for an operator (outside the caller's transaction fate: it is part of it, and committed). */
    public Mono<Void> alert(String kind, String paymentId, Map<String, String> detail) {
        return db.sql("insert into payment_alert (kind, payment_id, detail, raised_at) values (:kind, :payment, :detail, :at)")
                .bind("kind", kind).bind("payment", paymentId)
                .bind("detail", io.r2dbc.postgresql.codec.Json.of(json.writeValueAsString(new java.util.TreeMap<>(detail))))
                .bind("at", clock.instant().atOffset(ZoneOffset.UTC))
                .fetch().rowsUpdated().then();
    }
}
