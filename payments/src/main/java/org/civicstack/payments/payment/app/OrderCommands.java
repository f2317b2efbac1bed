package org.civicstack.payments.payment.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.citizen.CitizenDirectory;
import org.civicstack.payments.common.Caller;
import org.civicstack.payments.common.Money;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.payments.payment.domain.Payment;
import org.civicstack.payments.payment.domain.PaymentStatus;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agency makes out a payment order to a citizen. The Idempotency-Key row and the order are written in one
 * transaction (see {@link IdempotencyKeys}): 50 concurrent requests with one key give one order and 49 replays.
 * Validation runs first and is not remembered (Stripe: only requests that started processing are).
 */
@Component
public class OrderCommands {

    static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /** The body of POST /v1/payments/orders. */
    public record CreateRequest(String reference, String citizenSubject, Long amount, String currency,
            String description, String expiresAt, List<LineItem> lineItems) {
    }

    /** One line of an order; the lines must add up to the amount. */
    public record LineItem(String name, Long unitAmount, Integer quantity) {
    }

    /** A created (or replayed) order: the HTTP status and body to answer with. */
    public record Created(int status, String body, boolean replayed) {
    }

    private final PaymentStore payments;
    private final IdempotencyKeys keys;
    private final CitizenDirectory citizens;
    private final LenientJson lenient;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final PaymentsProperties properties;
    private final Clock clock;

    public OrderCommands(PaymentStore payments, IdempotencyKeys keys, CitizenDirectory citizens, LenientJson lenient,
            TransactionalOperator tx, JsonMapper json, PaymentsProperties properties, Clock clock) {
        this.payments = payments;
        this.keys = keys;
        this.citizens = citizens;
        this.lenient = lenient;
        this.tx = tx;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<Created> create(Caller caller, String idempotencyKey, JsonNode body) {
        String agency = caller.requireAgency();
        String key = IdempotencyKeys.requireKey(idempotencyKey);
        Instant now = clock.instant();
        LenientJson.Read<CreateRequest> read = lenient.read(body, CreateRequest.class);
        CreateRequest request = read.value();
        List<FieldViolation> rules = new ArrayList<>();
        Instant expiresAt = validate(request, now, rules);
        List<FieldViolation> all = read.merge(rules);
        if (!all.isEmpty()) {
            return Mono.error(ApiProblem.validation(all));
        }
        byte[] hash = keys.hash("create_payment", agency, body);
        return citizens.resolve(agency, request.citizenSubject())
                .switchIfEmpty(Mono.error(ApiProblem.unprocessable("unknown_citizen",
                        "Identity gave this agency no citizen with that subject.")))
                .flatMap(citizen -> keys.claim(caller.idempotencyScope(), key, "create_payment", hash, now,
                                properties.idempotencyRetention())
                        .flatMap(claim -> claim instanceof IdempotencyKeys.Replay replay
                                ? Mono.just(new Created(replay.status(), replay.body(), true))
                                : insert(caller, key, agency, citizen, request, expiresAt, now))
                        .as(tx::transactional))
                .onErrorMap(DuplicateKeyException.class, e -> ApiProblem.conflict("reference_taken",
                        "This agency already has an order with reference " + request.reference() + "."));
    }

    private Mono<Created> insert(Caller caller, String key, String agency, String citizen, CreateRequest r,
            Instant expiresAt, Instant now) {
        String items = r.lineItems() == null ? null : json.writeValueAsString(r.lineItems());
        Payment payment = new Payment(Ids.newId("pay"), agency, r.reference(), citizen, r.citizenSubject(), r.amount(),
                Money.CNY, r.description(), items, PaymentStatus.CREATED, null, null, null, null, null, null, 0, 0,
                null, expiresAt, expiresAt, now, now, null, 0);
        return payments.insert(payment)
                .flatMap(created -> {
                    String response = json.writeValueAsString(PaymentViews.forAgency(created, json));
                    return keys.complete(caller.idempotencyScope(), key, 201, response)
                            .thenReturn(new Created(201, response, false));
                });
    }

    private Instant validate(CreateRequest r, Instant now, List<FieldViolation> rules) {
        if (r.reference() == null || !REFERENCE.matcher(r.reference()).matches()) {
            rules.add(new FieldViolation("reference", "invalid_format",
                    "1-64 characters: letters, digits and . _ : - (starting with a letter or digit)"));
        }
        if (r.citizenSubject() == null || r.citizenSubject().isBlank() || r.citizenSubject().length() > 255) {
            rules.add(new FieldViolation("citizen_subject", "required", "the citizen's subject as this agency knows it"));
        }
        if (r.amount() == null || r.amount() < 1 || r.amount() > Money.MAX_AMOUNT) {
            rules.add(new FieldViolation("amount", "out_of_range",
                    "minor units (fen), from 1 to " + Money.MAX_AMOUNT));
        }
        if (r.currency() == null || !Money.CNY.equals(r.currency())) {
            rules.add(new FieldViolation("currency", "unsupported_currency", "only CNY is accepted"));
        }
        if (r.description() == null || r.description().isBlank() || r.description().length() > 127) {
            rules.add(new FieldViolation("description", "required", "what the citizen pays for, 1-127 characters"));
        }
        Instant expiresAt = now.plus(properties.defaultExpiry());
        if (r.expiresAt() != null) {
            try {
                expiresAt = java.time.OffsetDateTime.parse(r.expiresAt()).toInstant();
                if (!expiresAt.isAfter(now.plusSeconds(60)) || expiresAt.isAfter(now.plus(properties.maxExpiry()))) {
                    rules.add(new FieldViolation("expires_at", "out_of_range", "must be between 1 minute and "
                            + properties.maxExpiry().toDays() + " days from now"));
                }
            } catch (DateTimeParseException e) {
                rules.add(new FieldViolation("expires_at", "invalid_format", "an RFC 3339 timestamp"));
            }
        }
        if (r.lineItems() != null) {
            if (r.lineItems().size() > 50) {
                rules.add(new FieldViolation("line_items", "too_many", "at most 50 lines"));
            }
            long sum = 0;
            boolean valid = true;
            for (int i = 0; i < r.lineItems().size(); i++) {
                LineItem item = r.lineItems().get(i);
                String at = "line_items[" + i + "]";
                if (item == null) {
                    rules.add(new FieldViolation(at, "required", "a line"));
                    valid = false;
                    continue;
                }
                if (item.name() == null || item.name().isBlank() || item.name().length() > 100) {
                    rules.add(new FieldViolation(at + ".name", "required", "1-100 characters"));
                }
                if (item.unitAmount() == null || item.unitAmount() < 0 || item.unitAmount() > Money.MAX_AMOUNT) {
                    rules.add(new FieldViolation(at + ".unit_amount", "out_of_range", "minor units, 0 or more"));
                    valid = false;
                }
                if (item.quantity() == null || item.quantity() < 1 || item.quantity() > 1000) {
                    rules.add(new FieldViolation(at + ".quantity", "out_of_range", "1 to 1000"));
                    valid = false;
                }
                if (valid) {
                    sum += item.unitAmount() * item.quantity();
                }
            }
            if (valid && r.amount() != null && sum != r.amount()) {
                rules.add(new FieldViolation("line_items", "does_not_add_up",
                        "the lines add up to " + sum + ", the amount is " + r.amount()));
            }
        }
        return expiresAt;
    }

}
