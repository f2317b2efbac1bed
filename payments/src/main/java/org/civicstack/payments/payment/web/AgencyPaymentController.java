package org.civicstack.payments.payment.web;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.common.Caller;
import org.civicstack.payments.common.CallerResolver;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.app.OrderCommands;
import org.civicstack.payments.payment.app.PaymentOutcomes;
import org.civicstack.payments.payment.app.PaymentSweeper;
import org.civicstack.payments.payment.app.PaymentViews;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentEvent;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentChange;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.refund.app.RefundCommands;
import org.civicstack.payments.refund.app.RefundViews;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Agencies make out, read and cancel payment orders and refund them. Each agency sees only its own. */
@RestController
@RequestMapping("/v1/payments/orders")
@Tag(name = "orders", description = "Payment orders and refunds (agencies)")
public class AgencyPaymentController {

    private final OrderCommands orders;
    private final RefundCommands refundCommands;
    private final PaymentStore payments;
    private final RefundStore refunds;
    private final MerchantStore merchants;
    private final PaymentSweeper sweeper;
    private final PaymentOutcomes outcomes;
    private final CallerResolver callers;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final PaymentsProperties properties;
    private final Clock clock;

    public AgencyPaymentController(OrderCommands orders, RefundCommands refundCommands, PaymentStore payments,
            RefundStore refunds, MerchantStore merchants, PaymentSweeper sweeper, PaymentOutcomes outcomes,
            CallerResolver callers, TransactionalOperator tx, JsonMapper json, PaymentsProperties properties,
            Clock clock) {
        this.orders = orders;
        this.refundCommands = refundCommands;
        this.payments = payments;
        this.refunds = refunds;
        this.merchants = merchants;
        this.sweeper = sweeper;
        this.outcomes = outcomes;
        this.callers = callers;
        this.tx = tx;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "createPaymentOrder", summary = "Make out a payment order to a citizen (Idempotency-Key required)")
    public Mono<ResponseEntity<String>> create(@RequestHeader(name = IdempotencyKeys.HEADER, required = false) String key,
            @RequestBody JsonNode body) {
        return callers.agency(Caller.CREATE)
                .flatMap(caller -> orders.create(caller, key, body))
                .map(created -> {
                    var response = ResponseEntity.status(created.status()).contentType(MediaType.APPLICATION_JSON);
                    if (created.replayed()) {
                        response.header("Idempotent-Replayed", "true");
                    }
                    return response.body(created.body());
                });
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getPaymentOrder", summary = "One order, with its history and refunds")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return callers.agency(Caller.READ, Caller.CREATE)
                .flatMap(caller -> own(caller, id))
                .flatMap(p -> Mono.zip(payments.history(p.id()).collectList(),
                                refunds.forPayment(p.id()).map(RefundViews::view).collectList())
                        .map(t -> {
                            Map<String, Object> out = new LinkedHashMap<>(PaymentViews.forAgency(p, json));
                            out.put("history", t.getT1());
                            out.put("refunds", t.getT2());
                            return out;
                        }));
    }

    @GetMapping
    @Operation(operationId = "listPaymentOrders", summary = "The agency's orders, newest first (or the one with a reference)")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) String reference,
            @RequestParam(required = false) String status, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return callers.agency(Caller.READ, Caller.CREATE).flatMap(caller -> {
            String agency = caller.requireAgency();
            if (reference != null) {
                return payments.findByReference(agency, reference)
                        .map(p -> List.of(PaymentViews.forAgency(p, json)))
                        .defaultIfEmpty(List.of())
                        .map(data -> Map.<String, Object>of("data", data));
            }
            return PaymentPages.page(payments, "agency_id", agency, status, limit, cursor,
                    p -> PaymentViews.forAgency(p, json));
        });
    }

    @PostMapping("/{id}/cancel")
    @Operation(operationId = "cancelPaymentOrder", summary = "Cancel an unpaid order (closed at the channel too)")
    public Mono<Map<String, Object>> cancel(@PathVariable String id) {
        return callers.agency(Caller.CREATE).flatMap(caller -> own(caller, id)).flatMap(p -> {
            Instant now = clock.instant();
            return switch (p.status()) {
                case CREATED -> payments.transition(p, PaymentEvent.CANCEL, PaymentChange.none(null), now)
                        .flatMap(after -> outcomes.consequences(after, now).thenReturn(after))
                        .as(tx::transactional);
                case PENDING -> payments.transition(p, PaymentEvent.CLAIM_CLOSE, new PaymentChange(null, null, null,
                                null, null, null, null, "cancel", now.plus(properties.checkInterval()), null), now)
                        .as(tx::transactional)
                        .flatMap(closing -> merchants.account(closing.channelAccountId())
                                .flatMap(account -> sweeper.closeAtChannel(closing, account, now))
                                .then(payments.find(closing.id())));
                case STARTING, CLOSING -> Mono.error(new ApiProblem(409, "payment_busy", "Conflict",
                        "The order is being " + (p.status() == PaymentStatus.STARTING ? "opened" : "closed")
                                + " at its channel; retry shortly.", List.of(), Map.of("Retry-After", "2")));
                default -> Mono.error(ApiProblem.conflict("not_cancellable", "This order is " + p.status().wire() + "."));
            };
        }).map(p -> PaymentViews.forAgency(p, json));
    }

    @PostMapping(path = "/{id}/refunds", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "createRefund", summary = "Refund part or all of a succeeded payment (Idempotency-Key required)")
    public Mono<ResponseEntity<Map<String, Object>>> refund(@PathVariable String id,
            @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String key, @RequestBody JsonNode body) {
        return callers.agency(Caller.REFUND)
                .flatMap(caller -> own(caller, id).flatMap(p -> refundCommands.create(caller, key, p, body)))
                .map(r -> ResponseEntity.status(HttpStatus.CREATED).body(RefundViews.view(r)));
    }

    @GetMapping("/{id}/refunds")
    @Operation(operationId = "listRefunds", summary = "An order's refunds")
    public Mono<Map<String, Object>> refunds(@PathVariable String id) {
        return callers.agency(Caller.READ, Caller.REFUND)
                .flatMap(caller -> own(caller, id))
                .flatMap(p -> refunds.forPayment(p.id()).map(RefundViews::view).collectList())
                .map(data -> Map.of("data", data));
    }

    private Mono<Payment> own(Caller caller, String id) {
        return payments.find(id)
                .filter(p -> caller.isOperator() || caller.agencyId().map(p.agencyId()::equals).orElse(false))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("payment_not_found", "No such payment.")));
    }

}
