package org.civicstack.payments.payment.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.common.CallerResolver;
import org.civicstack.payments.common.Money;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.app.Cashier;
import org.civicstack.payments.payment.app.PaymentViews;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.refund.app.RefundViews;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The cashier in the app: the citizen's own orders, paying one through a channel, history and receipts. */
@RestController
@RequestMapping("/v1/payments/me/orders")
@Tag(name = "cashier", description = "The citizen's orders, payment and receipts (citizen app token)")
public class CashierController {

    private final Cashier cashier;
    private final PaymentStore payments;
    private final RefundStore refunds;
    private final MerchantStore merchants;
    private final CallerResolver callers;
    private final JsonMapper json;

    public CashierController(Cashier cashier, PaymentStore payments, RefundStore refunds, MerchantStore merchants,
            CallerResolver callers, JsonMapper json) {
        this.cashier = cashier;
        this.payments = payments;
        this.refunds = refunds;
        this.merchants = merchants;
        this.callers = callers;
        this.json = json;
    }

    @GetMapping
    @Operation(operationId = "listMyOrders", summary = "My orders, newest first; status=created,pending for what I can pay")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) String status,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return callers.citizen().flatMap(caller -> PaymentPages.page(payments, "citizen_ref", caller.requireCitizen(),
                status, limit, cursor, p -> PaymentViews.forCitizen(p, json)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getMyOrder", summary = "One of my orders, with the agency and the channels I can pay with")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return callers.citizen()
                .flatMap(caller -> cashier.own(caller.requireCitizen(), id))
                .flatMap(p -> Mono.zip(cashier.channelsFor(p), merchantName(p.agencyId())).map(t -> {
                    Map<String, Object> out = new LinkedHashMap<>(PaymentViews.forCitizen(p, json));
                    out.put("agency_name", t.getT2());
                    out.put("channels", t.getT1());
                    return out;
                }));
    }

    @PostMapping(path = "/{id}/pay", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "payMyOrder", summary = "Pay through a channel: what the app needs to open it, signed")
    public Mono<Map<String, Object>> pay(@PathVariable String id, @RequestBody JsonNode body) {
        return callers.citizen().flatMap(caller -> cashier.pay(caller.requireCitizen(), id, body));
    }

    @GetMapping("/{id}/receipt")
    @Operation(operationId = "getMyReceipt", summary = "The receipt of a paid order")
    public Mono<Map<String, Object>> receipt(@PathVariable String id) {
        return callers.citizen()
                .flatMap(caller -> cashier.own(caller.requireCitizen(), id))
                .filter(p -> p.status() == PaymentStatus.SUCCEEDED)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("no_receipt", "This order is not paid.")))
                .flatMap(p -> Mono.zip(merchantName(p.agencyId()), refunds.forPayment(p.id())
                        .map(RefundViews::view).collectList()).map(t -> {
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("payment_id", p.id());
                            out.put("agency_name", t.getT1());
                            out.put("description", p.description());
                            out.put("amount", p.amount());
                            out.put("amount_display", Money.display(p.amount()));
                            out.put("currency", p.currency());
                            out.put("channel", p.channel().wire());
                            out.put("channel_transaction_id", p.channelTransactionId());
                            out.put("paid_at", p.paidAt().toString());
                            out.put("refunded_amount", p.refunded());
                            out.put("refunds", t.getT2());
                            return out;
                        }));
    }

    private Mono<String> merchantName(String agencyId) {
        return merchants.find(agencyId).map(MerchantStore.Merchant::displayName).defaultIfEmpty(agencyId);
    }
}
