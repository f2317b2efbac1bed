package org.civicstack.payments.payment.app;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.channel.Prepay;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.merchant.MerchantController;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentChange;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.payment.persistence.StaleVersion;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The citizen pays an order through a channel. Claim, then call: the order moves to {@code starting} under its
 * optimistic lock before the channel's prepay is called, so a double tap or a second device finds the claim and
 * does not prepay twice; the prepay's answer (or its failure) is written afterwards. Our payment id is the channel's
 * merchant order number, so a prepay repeated after an unknown outcome is the same order at the channel.
 */
@Component
public class Cashier {

    /** The body of POST /v1/payments/me/orders/{id}/pay. */
    public record PayRequest(String channel, String scene, Map<String, String> payer) {
    }

    private final PaymentStore payments;
    private final MerchantStore merchants;
    private final PaymentChannels channels;
    private final LenientJson lenient;
    private final TransactionalOperator tx;
    private final PaymentsProperties properties;
    private final Clock clock;

    public Cashier(PaymentStore payments, MerchantStore merchants, PaymentChannels channels,
            LenientJson lenient, TransactionalOperator tx, PaymentsProperties properties, Clock clock) {
        this.payments = payments;
        this.merchants = merchants;
        this.channels = channels;
        this.lenient = lenient;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The citizen's own order, or 404 (another citizen's order does not exist for them). */
    public Mono<Payment> own(String citizenRef, String paymentId) {
        return payments.find(paymentId)
                .filter(p -> p.citizenRef().equals(citizenRef))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("payment_not_found", "No such payment.")));
    }

    /** The channels the citizen may choose for this order. */
    public Mono<List<String>> channelsFor(Payment p) {
        return merchants.enabledChannels(p.agencyId()).filter(k -> channels.find(k).isPresent())
                .map(ChannelKind::wire).collectList();
    }

    public Mono<Map<String, Object>> pay(String citizenRef, String paymentId, JsonNode body) {
        LenientJson.Read<PayRequest> read = lenient.read(body, PayRequest.class);
        PayRequest request = read.value();
        List<FieldViolation> rules = new ArrayList<>();
        ChannelKind kind = request.channel() == null ? null : ChannelKind.fromWire(request.channel()).orElse(null);
        if (kind == null) {
            rules.add(new FieldViolation("channel", "invalid_value", "one of wechat_pay, alipay, sandbox"));
        }
        String scene = request.scene() == null ? "app" : request.scene();
        if (!scene.equals("app") && !scene.equals("jsapi")) {
            rules.add(new FieldViolation("scene", "invalid_value", "app or jsapi"));
        }
        List<FieldViolation> all = read.merge(rules);
        if (!all.isEmpty()) {
            return Mono.error(ApiProblem.validation(all));
        }
        Map<String, String> payer = request.payer() == null ? Map.of() : request.payer();
        return own(citizenRef, paymentId).flatMap(p -> start(p, kind, scene, payer));
    }

    private Mono<Map<String, Object>> start(Payment p, ChannelKind kind, String scene, Map<String, String> payer) {
        Instant now = clock.instant();
        if (p.status() == PaymentStatus.SUCCEEDED) {
            return Mono.error(ApiProblem.conflict("already_paid", "This order is paid."));
        }
        if (p.status().isFinal() || p.status() == PaymentStatus.CLOSING) {
            return Mono.error(ApiProblem.conflict("not_payable", "This order is " + p.status().wire() + "."));
        }
        if (!p.expiresAt().isAfter(now.plusSeconds(5))) {
            return Mono.error(ApiProblem.conflict("order_expired", "This order has expired."));
        }
        if (p.channel() != null && p.channel() != kind) {
            return Mono.error(ApiProblem.conflict("channel_already_chosen", "This order is being paid with "
                    + p.channel().wire() + "; finish or wait for it to expire there."));
        }
        if (p.status() == PaymentStatus.PENDING && p.appParameters() != null) {
            return Mono.just(answer(p, p.appParameters())); // the prepared order again: no second prepay
        }
        if (p.status() == PaymentStatus.STARTING) {
            return Mono.error(new ApiProblem(409, "payment_starting", "Conflict",
                    "The channel is preparing this order; retry in a moment.", List.of(), Map.of("Retry-After", "1")));
        }
        PaymentChannel channel = channels.find(kind).orElseThrow(() -> ApiProblem.unprocessable("channel_not_offered",
                "This platform does not offer " + kind.wire() + "."));
        return merchants.enabledAccount(p.agencyId(), kind)
                .switchIfEmpty(Mono.error(ApiProblem.unprocessable("channel_not_enabled",
                        "The agency does not take " + kind.wire() + ".")))
                .flatMap(account -> claim(p, account, now)
                        .flatMap(claimed -> prepay(claimed, channel, account, scene, payer)));
    }

    /** Claim before the call; a lost race is a 409 for the second tap. */
    private Mono<Payment> claim(Payment p, ChannelAccount account, Instant now) {
        // an abandoned claim (the process died during the call) is picked up by the sweeper after this
        Instant recheck = now.plus(properties.channels().timeout()).plusSeconds(5);
        return payments.transition(p, PaymentEvent.START, new PaymentChange(account.kind(), account.accountId(), null,
                        null, null, null, null, null, recheck, null), now)
                .as(tx::transactional)
                .onErrorMap(StaleVersion.class, e -> new ApiProblem(409, "payment_starting", "Conflict",
                        "This order changed while you tapped; retry.", List.of(), Map.of("Retry-After", "1")));
    }

    private Mono<Map<String, Object>> prepay(Payment p, PaymentChannel channel, ChannelAccount account, String scene,
            Map<String, String> payer) {
        PrepayRequest request = new PrepayRequest(p.id(), p.amount(), p.currency(), p.description(), p.expiresAt(),
                MerchantController.notificationUrl(properties, account.kind(), account.accountId()), scene, payer);
        return channel.prepay(account, request)
                .flatMap(prepay -> prepared(p, prepay))
                .onErrorResume(ChannelException.class, e -> failed(p, e));
    }

    private Mono<Map<String, Object>> prepared(Payment claimed, Prepay prepay) {
        Instant now = clock.instant();
        return payments.find(claimed.id())
                .flatMap(current -> current.status() != PaymentStatus.STARTING ? Mono.just(current)
                        // a notification may have settled it already: then the prepay answer changes nothing
                        : payments.transition(current, PaymentEvent.PREPARED, new PaymentChange(null, null,
                                prepay.channelReference(), prepay.appParameters(), null, null, null, null,
                                now.plus(properties.firstCheck()), null), now))
                .as(tx::transactional)
                .retryWhen(reactor.util.retry.Retry.max(3).filter(StaleVersion.class::isInstance))
                .map(after -> answer(after, prepay.appParameters()));
    }

    private Mono<Map<String, Object>> failed(Payment claimed, ChannelException e) {
        Instant now = clock.instant();
        boolean certain = e instanceof ChannelException.Rejected || e instanceof ChannelException.Unavailable;
        PaymentEvent event = certain ? PaymentEvent.PREPARE_REFUSED : PaymentEvent.PREPARE_UNKNOWN;
        Instant next = certain ? claimed.expiresAt() : now.plusSeconds(5);
        return payments.find(claimed.id())
                .flatMap(current -> current.status() != PaymentStatus.STARTING ? Mono.just(current)
                        : payments.transition(current, event, PaymentChange.none(next)
                                .withDetail("{\"channel_error\":\"" + e.getClass().getSimpleName() + "\"}"), now))
                .as(tx::transactional)
                .then(Mono.error(problem(e)));
    }

    static ApiProblem problem(ChannelException e) {
        if (e instanceof ChannelException.Rejected rejected) {
            return ApiProblem.unprocessable("channel_refused", "The channel refused the payment (" + rejected.code()
                    + "); choose another channel or try later.");
        }
        if (e instanceof ChannelException.Unavailable) {
            return new ApiProblem(503, "channel_unavailable", "Service Unavailable",
                    "The channel is not reachable right now; try again.", List.of(), Map.of("Retry-After", "5"));
        }
        return new ApiProblem(504, "channel_timeout", "Gateway Timeout",
                "The channel did not answer in time; opening the order again is safe.", List.of(),
                Map.of("Retry-After", "5"));
    }

    private Map<String, Object> answer(Payment p, Map<String, String> appParameters) {
        return Map.of("payment_id", p.id(), "status", p.status().wire(), "channel", p.channel().wire(),
                "app_parameters", appParameters, "expires_at", p.expiresAt().toString());
    }

}
