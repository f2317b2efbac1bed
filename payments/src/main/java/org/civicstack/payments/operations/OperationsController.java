package org.civicstack.payments.operations;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.common.Caller;
import org.civicstack.payments.common.CallerResolver;
import org.civicstack.payments.ledger.Ledger;
import org.civicstack.payments.reconciliation.Reconciler;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.api.Sql;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** What operators watch: the proof that the ledger balances, and the alerts that need a person. */
@RestController
@RequestMapping("/v1/payments")
@Tag(name = "operations", description = "Ledger check, alerts and reconciliation (operators)")
public class OperationsController {

    private final Ledger ledger;
    private final Reconciler reconciler;
    private final CallerResolver callers;
    private final LenientJson lenient;
    private final DatabaseClient db;

    public OperationsController(Ledger ledger, Reconciler reconciler, CallerResolver callers, LenientJson lenient,
            DatabaseClient db) {
        this.ledger = ledger;
        this.reconciler = reconciler;
        this.callers = callers;
        this.lenient = lenient;
        this.db = db;
    }

    @GetMapping("/ledger/check")
    @Operation(operationId = "checkLedger", summary = "Whether every ledger transaction, and so the whole ledger, sums to zero")
    public Mono<Map<String, Object>> check() {
        return operator().then(ledger.check()).map(c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("balanced", c.balanced());
            out.put("transactions", c.transactions());
            out.put("entries", c.entries());
            out.put("sum", c.sum());
            out.put("unbalanced_transactions", c.unbalancedTransactions());
            return out;
        });
    }

    @GetMapping("/alerts")
    @Operation(operationId = "listAlerts", summary = "Open alerts: channel views that disagree with our records")
    public Mono<Map<String, Object>> alerts() {
        return operator().then(db.sql("select id, kind, payment_id, detail, raised_at from payment_alert"
                        + " where resolved_at is null order by id desc limit 200")
                .map(row -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", row.get("id", Long.class));
                    out.put("kind", row.get("kind", String.class));
                    out.put("payment_id", row.get("payment_id", String.class));
                    out.put("detail", Sql.json(row.get("detail")));
                    out.put("raised_at", row.get("raised_at", OffsetDateTime.class).toInstant().toString());
                    return out;
                })
                .all().collectList().map(data -> Map.of("data", data)));
    }

    /** The body of POST /v1/payments/reconciliations. */
    public record ReconcileRequest(String channelAccountId, String day) {
    }

    @PostMapping("/reconciliations")
    @Operation(operationId = "reconcile", summary = "Reconcile one channel account's statement for one day (Asia/Shanghai)")
    public Mono<ResponseEntity<Map<String, Object>>> reconcile(@RequestBody JsonNode body) {
        return operator().flatMap(caller -> {
            LenientJson.Read<ReconcileRequest> read = lenient.read(body, ReconcileRequest.class);
            List<FieldViolation> rules = new ArrayList<>();
            if (read.value().channelAccountId() == null) {
                rules.add(new FieldViolation("channel_account_id", "required", "the account (mca_…) to reconcile"));
            }
            LocalDate day = null;
            try {
                day = read.value().day() == null ? null : LocalDate.parse(read.value().day());
            } catch (java.time.format.DateTimeParseException e) {
                day = null;
            }
            if (day == null) {
                rules.add(new FieldViolation("day", "invalid_format", "a day, yyyy-MM-dd"));
            }
            List<FieldViolation> all = read.merge(rules);
            if (!all.isEmpty()) {
                return Mono.error(ApiProblem.validation(all));
            }
            return reconciler.reconcile(read.value().channelAccountId(), day).flatMap(reconciler::report)
                    .map(report -> ResponseEntity.status(HttpStatus.CREATED).body(report));
        });
    }

    @GetMapping("/reconciliations/{id}")
    @Operation(operationId = "getReconciliation", summary = "A reconciliation report with every difference found")
    public Mono<Map<String, Object>> reconciliation(@PathVariable String id) {
        return operator().then(reconciler.report(id));
    }

    private Mono<Caller> operator() {
        return callers.current().filter(Caller::isOperator).switchIfEmpty(Mono.error(new ApiProblem(403,
                "insufficient_scope", "Forbidden", "This needs the scope payments:operate.")));
    }
}
