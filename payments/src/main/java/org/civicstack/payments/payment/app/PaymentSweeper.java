package org.civicstack.payments.payment.app;

import java.time.Clock;
import java.time.Instant;

import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentChange;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.payment.persistence.StaleVersion;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.refund.app.RefundCommands;
import org.civicstack.payments.refund.app.RefundOutcomes;
import org.civicstack.payments.refund.domain.RefundStatus;
import org.civicstack.payments.refund.domain.Refund;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.platform.schedule.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * For the notifications that never come: every {@code sweep-interval} it takes the open payments and refunds whose
 * check is due and asks the channel — a pending payment is queried (and settled by what the channel says), an
 * abandoned claim (the process died during a prepay or close) is resolved by a query, an order past its expiry is
 * closed at the channel (claim, then close) and then expired; an order no channel holds simply expires. Several
 * instances may sweep at once: every change goes through the optimistic lock, so one of them wins and the others'
 * writes become no-ops.
 */
@Component
public class PaymentSweeper extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(PaymentSweeper.class);
    static final int BATCH = 200;

    private final PaymentStore payments;
    private final RefundStore refunds;
    private final MerchantStore merchants;
    private final PaymentChannels channels;
    private final PaymentOutcomes outcomes;
    private final RefundOutcomes refundOutcomes;
    private final RefundCommands refundCommands;
    private final TransactionalOperator tx;
    private final PaymentsProperties properties;
    private final Clock clock;

    public PaymentSweeper(PaymentStore payments, RefundStore refunds, MerchantStore merchants, PaymentChannels channels,
            PaymentOutcomes outcomes, RefundOutcomes refundOutcomes, RefundCommands refundCommands, TransactionalOperator tx,
            PaymentsProperties properties, Clock clock) {
        super("Payment sweep", properties.sweepInterval(), properties.sweepInterval());
        this.payments = payments;
        this.refunds = refunds;
        this.merchants = merchants;
        this.channels = channels;
        this.outcomes = outcomes;
        this.refundOutcomes = refundOutcomes;
        this.refundCommands = refundCommands;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** One sweep; emits how many records it looked at. */
    public Mono<Integer> sweepOnce() {
        Instant now = clock.instant();
        Mono<Long> duePayments = payments.due(now, BATCH).flatMap(p -> settle(p, now)
                        .onErrorResume(StaleVersion.class, e -> Mono.empty())
                        .onErrorResume(e -> {
                            log.warn("Sweeping payment {} failed: {}", p.id(), e.toString());
                            return Mono.empty();
                        })
                        .thenReturn(1), 8)
                .count();
        Mono<Long> dueRefunds = refunds.due(now, BATCH).flatMap(r -> settle(r)
                        .onErrorResume(e -> {
                            log.warn("Sweeping refund {} failed: {}", r.id(), e.toString());
                            return Mono.empty();
                        })
                        .thenReturn(1), 8)
                .count();
        return duePayments.zipWith(dueRefunds, (a, b) -> (int) (a + b));
    }

    private Mono<Void> settle(Payment p, Instant now) {
        boolean expired = !p.expiresAt().isAfter(now);
        if (p.status() == PaymentStatus.CREATED) {
            return expired ? payments.transition(p, PaymentEvent.EXPIRE, PaymentChange.none(null), now)
                    .flatMap(after -> outcomes.consequences(after, now)).as(tx::transactional).then()
                    : payments.reschedule(p, p.expiresAt());
        }
        if (p.channelAccountId() == null) {
            return Mono.empty();
        }
        return merchants.account(p.channelAccountId()).flatMap(account -> {
            PaymentChannel channel = channels.get(account.kind());
            return channel.query(account, p.id())
                    .flatMap(view -> applyQuery(p, account, view, expired, now))
                    .onErrorResume(ChannelException.class, e -> payments.reschedule(p, now.plus(properties.checkInterval())));
        });
    }

    private Mono<Void> applyQuery(Payment p, ChannelAccount account, ChannelPayment view, boolean expired, Instant now) {
        if (p.status() == PaymentStatus.STARTING && view.state() == ChannelPayment.State.NOT_FOUND) {
            // the prepay never reached the channel: the citizen may start again
            return payments.transition(p, PaymentEvent.PREPARE_REFUSED, PaymentChange.none(p.expiresAt()), now)
                    .as(tx::transactional).then();
        }
        if (p.status() == PaymentStatus.STARTING && view.state() == ChannelPayment.State.PENDING) {
            return payments.transition(p, PaymentEvent.PREPARE_UNKNOWN, PaymentChange.none(now), now)
                    .as(tx::transactional).then();
        }
        return outcomes.apply(account, view, "query").flatMap(outcome -> {
            if (outcome == PaymentOutcomes.Outcome.APPLIED) {
                return Mono.<Void>empty();
            }
            if (expired && (view.state() == ChannelPayment.State.PENDING || view.state() == ChannelPayment.State.NOT_FOUND)) {
                return payments.find(p.id()).flatMap(current -> close(current, account, now));
            }
            return payments.find(p.id()).flatMap(current -> current.status().isFinal() ? Mono.<Void>empty()
                    : payments.reschedule(current, earliest(now.plus(properties.checkInterval()), current.expiresAt(), now)));
        });
    }

    /** Claim, then close at the channel, then expire (or, if it was paid meanwhile, succeed). */
    private Mono<Void> close(Payment p, ChannelAccount account, Instant now) {
        PaymentEvent claim = PaymentEvent.CLAIM_CLOSE;
        if (p.status() != PaymentStatus.PENDING && p.status() != PaymentStatus.CLOSING) {
            return Mono.empty();
        }
        Mono<Payment> claimed = p.status() == PaymentStatus.CLOSING ? Mono.just(p)
                : payments.transition(p, claim, new PaymentChange(null, null, null, null, null, null, null,
                        p.closeReason() == null ? "expiry" : p.closeReason(), now.plus(properties.checkInterval()), null), now)
                        .as(tx::transactional);
        return claimed.flatMap(c -> closeAtChannel(c, account, now));
    }

    /** Closes a claimed ({@code closing}) order at its channel; used by the sweeper and by the agency's cancel. */
    public Mono<Void> closeAtChannel(Payment closing, ChannelAccount account, Instant now) {
        PaymentChannel channel = channels.get(account.kind());
        PaymentEvent done = "cancel".equals(closing.closeReason()) ? PaymentEvent.CLOSED_FOR_CANCEL
                : PaymentEvent.CLOSED_FOR_EXPIRY;
        return channel.close(account, closing.id())
                .then(Mono.defer(() -> payments.find(closing.id())))
                .flatMap(current -> current.status() != PaymentStatus.CLOSING ? Mono.<Void>empty()
                        : payments.transition(current, done, PaymentChange.none(null), now)
                                .flatMap(after -> outcomes.consequences(after, now)).as(tx::transactional).then())
                .onErrorResume(ChannelException.class, e -> channel.query(account, closing.id())
                        .flatMap(view -> outcomes.apply(account, view, "query_after_close"))
                        .then(payments.find(closing.id()))
                        .flatMap(current -> current.status() != PaymentStatus.CLOSING ? Mono.<Void>empty()
                                : payments.transition(current, PaymentEvent.CLOSE_FAILED,
                                        PaymentChange.none(now.plus(properties.checkInterval())), now)
                                        .as(tx::transactional).then())
                        .onErrorResume(ChannelException.class, again -> Mono.empty()));
    }

    private Mono<Void> settle(Refund r) {
        Instant now = clock.instant();
        return payments.find(r.paymentId())
                .flatMap(p -> merchants.account(p.channelAccountId())
                        .flatMap(account -> channels.get(account.kind()).queryRefund(account, r.paymentId(), r.id())
                                .flatMap(view -> view.state() == ChannelRefund.State.NOT_FOUND
                                        && r.status() == RefundStatus.REQUESTED
                                        // the claim was taken but the call never arrived (the process died)
                                        ? refundCommands.call(p, r).then()
                                        : refundOutcomes.apply(account, view, "query").then())
                                .onErrorResume(ChannelException.class, e -> Mono.empty())))
                .then(Mono.defer(() -> refunds.find(r.id())))
                .flatMap(after -> after.status().isFinal() ? Mono.<Void>empty()
                        : refunds.reschedule(after, now.plus(properties.checkInterval())));
    }

    static Instant earliest(Instant a, Instant b, Instant now) {
        Instant pick = a.isBefore(b) ? a : b;
        return pick.isBefore(now) ? now.plusSeconds(1) : pick;
    }

    @Override
    protected Mono<?> runOnce() {
        return sweepOnce();
    }
}
