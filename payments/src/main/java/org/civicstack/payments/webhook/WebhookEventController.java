package org.civicstack.payments.webhook;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.common.Caller;
import org.civicstack.payments.common.CallerResolver;
import org.civicstack.payments.webhook.WebhookEventStore.Delivery;
import org.civicstack.payments.webhook.WebhookEventStore.Event;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agency's webhook events, each with its delivery attempts, and redelivery. An agency sees only its own events;
 * another agency's event is "not found", exactly like an id that does not exist.
 *
 * <p>Reading needs {@code payments:read}. Redelivery needs {@code payments:merchant}: it makes the platform call the
 * agency's endpoint again, an action for the client that manages the agency's webhook setup, not for a client that
 * only reads orders.
 */
@RestController
@RequestMapping("/v1/payments/webhook-events")
@Tag(name = "webhook events", description = "An agency's webhook events, their delivery attempts, and redelivery")
public class WebhookEventController {

    private final WebhookEventStore events;
    private final CallerResolver callers;
    private final JsonMapper json;
    private final Clock clock;

    public WebhookEventController(WebhookEventStore events, CallerResolver callers, JsonMapper json, Clock clock) {
        this.events = events;
        this.callers = callers;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping
    @Operation(operationId = "listWebhookEvents", summary = "The agency's webhook events, newest first (limit 1-200, default 50; status pending, delivered or failed)")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String status) {
        return callers.agency(Caller.READ).flatMap(caller -> {
            String agency = caller.requireAgency();
            int size = Page.limit(limit);
            if (status != null && !WebhookEventStore.statuses().contains(status)) {
                return Mono.error(ApiProblem.validation(List.of(new FieldViolation("status", "invalid_value",
                        "one of " + String.join(", ", WebhookEventStore.statuses())))));
            }
            Keyset after = Keyset.decode(cursor);
            return events.list(agency, Optional.ofNullable(status), after.createdAt(), after.id(), size + 1)
                    .collectList()
                    .map(found -> page(found, size));
        });
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getWebhookEvent", summary = "One webhook event with every delivery attempt")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return callers.agency(Caller.READ)
                .flatMap(caller -> events.find(caller.requireAgency(), id))
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .flatMap(this::withDeliveries);
    }

    @PostMapping("/{id}/redeliver")
    @Operation(operationId = "redeliverWebhookEvent", summary = "Deliver the event again now, whatever its status (retried as a new event would be); its earlier attempts stay logged")
    public Mono<ResponseEntity<Map<String, Object>>> redeliver(@PathVariable String id) {
        return callers.agency(Caller.MERCHANT).flatMap(caller -> {
            String agency = caller.requireAgency();
            return events.redeliver(agency, id, clock.instant())
                    .flatMap(result -> switch (result) {
                        case NOT_FOUND -> Mono.error(notFound(id));
                        case IN_FLIGHT -> Mono.error(ApiProblem.conflict("delivery_in_progress",
                                "An attempt to deliver " + id + " is in progress; ask again once it is logged."));
                        case SCHEDULED -> events.find(agency, id)
                                .map(event -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view(event)));
                    });
        });
    }

    private Map<String, Object> page(List<Event> found, int size) {
        List<Map<String, Object>> data = found.stream().limit(size).map(this::view).toList();
        String next = null;
        if (found.size() > size) {
            Event last = found.get(size - 1);
            next = Page.encodeCursor(last.createdAt() + "|" + last.id());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data);
        if (next != null) {
            out.put("next_cursor", next);
        }
        return out;
    }

    private Mono<Map<String, Object>> withDeliveries(Event event) {
        return events.deliveries(event.id())
                .map(WebhookEventController::deliveryView)
                .collectList()
                .map(deliveries -> {
                    Map<String, Object> out = view(event);
                    out.put("deliveries", deliveries);
                    return out;
                });
    }

    private Map<String, Object> view(Event event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", event.id());
        out.put("type", event.type());
        out.put("status", event.status());
        out.put("attempts", event.attempts());
        out.put("created_at", event.createdAt().toString());
        if ("pending".equals(event.status())) {
            out.put("next_attempt_at", event.nextAttemptAt().toString());
        }
        if (event.deliveredAt() != null) {
            out.put("delivered_at", event.deliveredAt().toString());
        }
        out.put("payload", json.readValue(event.payload(), JsonNode.class));
        return out;
    }

    private static Map<String, Object> deliveryView(Delivery d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attempt", d.attempt());
        out.put("at", d.at().toString());
        out.put("url", d.url());
        if (d.httpStatus() != null) {
            out.put("http_status", d.httpStatus());
        }
        if (d.error() != null) {
            out.put("error", d.error());
        }
        out.put("duration_ms", d.durationMs());
        if (d.responseSnippet() != null) {
            out.put("response_snippet", d.responseSnippet());
        }
        return out;
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("webhook_event_not_found", "No webhook event " + id + ".");
    }

    /** The position after which a page starts: the last event of the previous page. */
    record Keyset(Optional<Instant> createdAt, Optional<String> id) {

        static Keyset decode(String cursor) {
            String key = Page.decodeCursor(cursor);
            if (key.isEmpty()) {
                return new Keyset(Optional.empty(), Optional.empty());
            }
            int bar = key.indexOf('|');
            if (bar < 0) {
                throw invalid();
            }
            try {
                return new Keyset(Optional.of(Instant.parse(key.substring(0, bar))), Optional.of(key.substring(bar + 1)));
            } catch (DateTimeParseException e) {
                throw invalid();
            }
        }

        private static ApiProblem invalid() {
            return ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API returned.");
        }
    }
}
