package org.civicstack.payments.refund.app;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.channel.RefundRequest;
import org.civicstack.payments.common.Caller;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.payments.merchant.MerchantController;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.refund.domain.Refund;
import org.civicstack.payments.refund.domain.RefundEvent;
import org.civicstack.payments.refund.domain.RefundStatus;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * An agency refunds part or all of a succeeded payment. In one transaction: the Idempotency-Key, the reservation
 * of the amount on the payment (a single conditional update, so concurrent refunds that together exceed what was
 * paid cannot both fit) and the refund in {@code requested} — the claim. Then the channel is called with our refund
 * id as its merchant refund number, and its answer applied through {@link RefundOutcomes}.
 */
@Component
public class RefundCommands {

    /** The body of POST /v1/payments/orders/{id}/refunds. */
    public record CreateRequest(Long amount, String reason) {
    }

    private final PaymentStore payments;
    private final RefundStore refunds;
    private final RefundOutcomes outcomes;
    private final MerchantStore merchants;
    private final PaymentChannels channels;
    private final IdempotencyKeys keys;
    private final LenientJson lenient;
    private final TransactionalOperator tx;
    private final PaymentsProperties properties;
    private final Clock clock;

    public RefundCommands(PaymentStore payments, RefundStore refunds, RefundOutcomes outcomes, MerchantStore merchants,
            PaymentChannels channels, IdempotencyKeys keys, LenientJson lenient, TransactionalOperator tx,
            PaymentsProperties properties, Clock clock) {
        this.payments = payments;
        this.refunds = refunds;
        this.outcomes = outcomes;
        this.merchants = merchants;
        this.channels = channels;
        this.keys = keys;
        this.lenient = lenient;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<Refund> create(Caller caller, String idempotencyKey, Payment payment, JsonNode body) {
        String key = IdempotencyKeys.requireKey(idempotencyKey);
        LenientJson.Read<CreateRequest> read = lenient.read(body, CreateRequest.class);
        CreateRequest request = read.value();
        List<FieldViolation> rules = new ArrayList<>();
        if (request.amount() == null || request.amount() < 1) {
            rules.add(new FieldViolation("amount", "out_of_range", "minor units (fen), at least 1"));
        }
        if (request.reason() != null && request.reason().length() > 80) {
            rules.add(new FieldViolation("reason", "too_long", "at most 80 characters"));
        }
        List<FieldViolation> all = read.merge(rules);
        if (!all.isEmpty()) {
            return Mono.error(ApiProblem.validation(all));
        }
        Instant now = clock.instant();
        byte[] hash = keys.hash("create_refund", payment.id(), body);
        return keys.claim(caller.idempotencyScope(), key, "create_refund", hash, now, properties.idempotencyRetention())
                .flatMap(claim -> claim instanceof IdempotencyKeys.Replay replay
                        ? refunds.find(idOf(replay.body())).map(r -> new Started(r, false))
                        : reserve(caller, key, payment, request, now).map(r -> new Started(r, true)))
                .as(tx::transactional)
                .flatMap(started -> started.fresh() ? call(payment, started.refund()) : Mono.just(started.refund()));
    }

    private record Started(Refund refund, boolean fresh) {
    }

    private Mono<Refund> reserve(Caller caller, String key, Payment payment, CreateRequest request, Instant now) {
        if (payment.status() != PaymentStatus.SUCCEEDED) {
            return Mono.error(ApiProblem.conflict("not_refundable", "Only a succeeded payment can be refunded; this one is "
                    + payment.status().wire() + "."));
        }
        Refund refund = new Refund(Ids.newId("rfd"), payment.id(), payment.agencyId(), request.amount(),
                payment.currency(), request.reason(), RefundStatus.REQUESTED, null,
                now.plus(properties.channels().timeout()).plusSeconds(5), now, now, null, 0);
        return payments.reserveRefund(payment.id(), request.amount(), now)
                .flatMap(reserved -> reserved ? refunds.insert(refund)
                        : payments.find(payment.id()).flatMap(p -> Mono.error(ApiProblem.unprocessable(
                                "refund_exceeds_payment", "At most " + p.refundable() + " of " + p.amount()
                                        + " can still be refunded."))))
                .flatMap(r -> keys.complete(caller.idempotencyScope(), key, 201,
                        "{\"id\":\"" + r.id() + "\"}").thenReturn(r));
    }

    /**
     * Asks the channel for the refund (again, when a sweep found that an earlier call never reached it: our refund
     * id is the channel's merchant refund number, so a repeated call is the same refund).
     */
    public Mono<Refund> call(Payment payment, Refund refund) {
        return merchants.account(payment.channelAccountId())
                .flatMap(account -> channels.get(account.kind())
                        .refund(account, new RefundRequest(refund.id(), payment.id(), payment.channelTransactionId(),
                                refund.amount(), payment.amount(), refund.currency(), refund.reason(),
                                MerchantController.notificationUrl(properties, account.kind(), account.accountId())))
                        .flatMap(answer -> outcomes.apply(account, answer, "refund_call"))
                        .then(refunds.find(refund.id()))
                        .onErrorResume(ChannelException.Rejected.class, e -> outcomes.refused(refund))
                        .onErrorResume(ChannelException.Unavailable.class, e -> outcomes.refused(refund))
                        .onErrorResume(ChannelException.class, e -> unknown(refund)));
    }

    /** The refund call's outcome is unknown: pending, and the sweeper asks the channel. */
    private Mono<Refund> unknown(Refund refund) {
        Instant now = clock.instant();
        return refunds.find(refund.id())
                .flatMap(r -> r.status() == RefundStatus.REQUESTED
                        ? refunds.transition(r, RefundEvent.OUTCOME_UNKNOWN, null, now.plusSeconds(5), now)
                        : Mono.just(r))
                .as(tx::transactional);
    }

    static String idOf(String body) {
        int start = body.indexOf("rfd_");
        return body.substring(start, body.indexOf('"', start));
    }
}
