package org.civicstack.payments.refund.app;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.ledger.Ledger;
import org.civicstack.payments.payment.app.PaymentOutcomes;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.payment.persistence.StaleVersion;
import org.civicstack.payments.refund.domain.Refund;
import org.civicstack.payments.refund.domain.RefundEvent;
import org.civicstack.payments.refund.domain.RefundStatus;
import org.civicstack.payments.refund.domain.RefundTransitions;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.payments.webhook.WebhookOutbox;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Applies what a channel says about a refund (the refund call's answer, a notification, a query), like
 * {@link PaymentOutcomes} for payments: a succeeded refund marks the money returned, posts the reversal to the ledger
 * and records the agency's event; a failed one releases its reservation so the amount can be refunded again.
 */
@Component
public class RefundOutcomes {

    private final RefundStore refunds;
    private final PaymentStore payments;
    private final PaymentOutcomes paymentOutcomes;
    private final Ledger ledger;
    private final WebhookOutbox webhooks;
    private final TransactionalOperator tx;
    private final Clock clock;

    public RefundOutcomes(RefundStore refunds, PaymentStore payments, PaymentOutcomes paymentOutcomes, Ledger ledger,
            WebhookOutbox webhooks, TransactionalOperator tx, Clock clock) {
        this.refunds = refunds;
        this.payments = payments;
        this.paymentOutcomes = paymentOutcomes;
        this.ledger = ledger;
        this.webhooks = webhooks;
        this.tx = tx;
        this.clock = clock;
    }

    public Mono<PaymentOutcomes.Outcome> apply(ChannelAccount account, ChannelRefund view, String source) {
        return Mono.defer(() -> refunds.find(view.refundId())
                        .flatMap(current -> decide(current, view, source))
                        .defaultIfEmpty(PaymentOutcomes.Outcome.UNKNOWN_PAYMENT)
                        .as(tx::transactional))
                .retryWhen(Retry.max(8).filter(StaleVersion.class::isInstance));
    }

    /** The channel refused the refund call outright: it failed, and the reservation is released. */
    public Mono<Refund> refused(Refund current) {
        return Mono.defer(() -> refunds.find(current.id())
                        .flatMap(r -> r.status().isFinal() ? Mono.just(r) : move(r, RefundEvent.CHANNEL_FAILED, null)))
                .as(tx::transactional)
                .retryWhen(Retry.max(8).filter(StaleVersion.class::isInstance));
    }

    private Mono<PaymentOutcomes.Outcome> decide(Refund current, ChannelRefund view, String source) {
        if (view.amount() != null && view.amount() != current.amount()
                && view.state() == ChannelRefund.State.SUCCEEDED) {
            return paymentOutcomes.alert("refund_mismatch", current.paymentId(), Map.of("refund_id", current.id(),
                    "source", source, "channel_amount", String.valueOf(view.amount())))
                    .thenReturn(PaymentOutcomes.Outcome.MISMATCH);
        }
        RefundEvent event = switch (view.state()) {
            case SUCCEEDED -> RefundEvent.CHANNEL_SUCCEEDED;
            case FAILED -> RefundEvent.CHANNEL_FAILED;
            case PENDING -> RefundEvent.ACCEPTED;
            case NOT_FOUND -> null;
        };
        if (event == null || RefundTransitions.next(current.status(), event).isEmpty()) {
            boolean same = current.status() == RefundStatus.SUCCEEDED && view.state() == ChannelRefund.State.SUCCEEDED
                    || current.status() == RefundStatus.FAILED && view.state() == ChannelRefund.State.FAILED
                    || current.status() == RefundStatus.PENDING && view.state() == ChannelRefund.State.PENDING;
            return Mono.just(same ? PaymentOutcomes.Outcome.DUPLICATE : PaymentOutcomes.Outcome.NOT_APPLICABLE);
        }
        return move(current, event, view.channelRefundId()).thenReturn(PaymentOutcomes.Outcome.APPLIED);
    }

    private Mono<Refund> move(Refund current, RefundEvent event, String channelRefundId) {
        Instant now = clock.instant();
        Instant next = event == RefundEvent.ACCEPTED ? now.plusSeconds(60) : null;
        return refunds.transition(current, event, channelRefundId, next, now)
                .flatMap(after -> consequences(after, now).thenReturn(after));
    }

    private Mono<Void> consequences(Refund after, Instant now) {
        if (after.status() == RefundStatus.SUCCEEDED) {
            return payments.find(after.paymentId())
                    .flatMap(p -> payments.markRefunded(p.id(), after.amount(), now)
                            .then(ledger.refundPaid(p.id(), after.id(), p.channel(), p.agencyId(), after.amount(),
                                    after.currency(), now))
                            .then(webhooks.append(after.agencyId(), "refund.succeeded", RefundViews.webhookData(after, p),
                                    now)))
                    .then();
        }
        if (after.status() == RefundStatus.FAILED) {
            return payments.find(after.paymentId())
                    .flatMap(p -> payments.releaseRefund(p.id(), after.amount(), now)
                            .then(webhooks.append(after.agencyId(), "refund.failed", RefundViews.webhookData(after, p),
                                    now)))
                    .then();
        }
        return Mono.empty();
    }
}
