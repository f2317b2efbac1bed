package org.civicstack.registry.bulk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.registry.agency.AgencyStore;
import org.civicstack.registry.audit.AuditLog;
import org.civicstack.registry.bulk.NdjsonUploadSpool.NumberedLine;
import org.civicstack.registry.common.Caller;
import org.civicstack.platform.api.Ids;
import org.civicstack.registry.service.app.ServiceSteps;
import org.civicstack.registry.service.app.ServiceValidation;
import org.civicstack.registry.service.domain.LifecycleEvent;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operator: imports services from NDJSON lines, each line on its own. A line is read and validated (JSON, then Bean
 * Validation, row rules, cross-field rules and the SSRF check of its upstream, all reported together — before any
 * transaction; the upstream URL is stored in its canonical form), then applied in one
 * transaction of its own: the agency must exist, the service is created for it and taken to the requested status
 * through the same steps the API uses (create, submit, approve, and suspend or retire), with their audit events plus
 * one {@code service.bulk_import} event. A row that fails anywhere leaves nothing behind and does not stop the others.
 *
 * <p>An existing code is a conflict ({@code service_code_taken}), never an update: an import creates services, it
 * does not revise them (revisions go through the agency's review flow). So a file can be run again after fixing its
 * failed rows; rows already imported answer {@code service_code_taken} and change nothing.
 */
@Service
public class BulkServiceImporter {

    /** Audit action of the one event each imported row writes. */
    public static final String AUDIT_ACTION = "service.bulk_import";

    private static final Logger log = LoggerFactory.getLogger(BulkServiceImporter.class);

    private final ServiceLineReader reader;
    private final ServiceSteps steps;
    private final ServiceValidation validation;
    private final AgencyStore agencies;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final BulkProperties properties;

    public BulkServiceImporter(ServiceLineReader reader, ServiceSteps steps, ServiceValidation validation,
            AgencyStore agencies, AuditLog audit, TransactionalOperator tx, JsonMapper json, BulkProperties properties) {
        this.reader = reader;
        this.steps = steps;
        this.validation = validation;
        this.agencies = agencies;
        this.audit = audit;
        this.tx = tx;
        this.json = json;
        this.properties = properties;
    }

    /**
     * One NDJSON result line per non-blank input line, in input order, then the summary line. Rows run
     * {@link BulkProperties#concurrency()} at a time.
     */
    public Flux<String> importLines(Caller operator, Flux<NumberedLine> lines, long startedNanos) {
        String importId = Ids.newId("imp");
        BulkSummary.Tally tally = new BulkSummary.Tally();
        SameCodeInOrder sameCode = new SameCodeInOrder();
        return lines
                .filter(line -> !line.text().isBlank())
                .flatMapSequential(line -> importLine(operator, importId, line, sameCode), properties.concurrency())
                .doOnNext(tally::add)
                .map(this::ndjson)
                .concatWith(Mono.fromSupplier(() -> ndjson(new BulkSummary.Line(
                        tally.summary(importId, Duration.ofNanos(System.nanoTime() - startedNanos).toMillis())))));
    }

    /** Called in file order (the mapper of {@code flatMapSequential}); the returned row runs concurrently. */
    private Mono<BulkRowResult> importLine(Caller operator, String importId, NumberedLine line, SameCodeInOrder sameCode) {
        ServiceLineReader.Read read;
        try {
            read = reader.read(line.text());
        } catch (RuntimeException e) {
            return Mono.just(unexpected(importId, line, null, e));
        }
        if (read instanceof ServiceLineReader.Invalid invalid) {
            return Mono.just(BulkRowResult.failed(line.number(), invalid.code(), invalid.problem()));
        }
        ServiceLineReader.Parsed parsed = (ServiceLineReader.Parsed) read;
        ServiceLine row = parsed.line();
        Mono<BulkRowResult> result = validation.check(row.definition(), "definition.", parsed.violations())
                .flatMap(canonical -> apply(operator, importId, line.number(), row.withDefinition(canonical)))
                .map(serviceId -> BulkRowResult.imported(line.number(), row.code(), row.targetStatus(), serviceId))
                .onErrorResume(ApiProblem.class, problem -> Mono.just(BulkRowResult.failed(line.number(), row.code(), problem)))
                .onErrorResume(e -> !(e instanceof ApiProblem), e -> Mono.just(unexpected(importId, line, row, e)));
        return sameCode.after(row.code(), result);
    }

    /**
     * Rows run concurrently, but two rows of one file with the same code must not race for it: the earlier line
     * has to win (and the later one answer {@code service_code_taken}), or take the code only if the earlier one
     * failed. So a row waits for the earlier row with its code to finish. Earlier rows are always already running,
     * so this cannot deadlock. Used from the mapper (one thread at a time) and from finishing rows, hence concurrent.
     */
    static final class SameCodeInOrder {

        private final Map<String, Mono<Void>> lastByCode = new ConcurrentHashMap<>();

        <T> Mono<T> after(String code, Mono<T> row) {
            Sinks.Empty<Void> done = Sinks.empty();
            Mono<Void> finished = done.asMono();
            Mono<Void> earlier = lastByCode.put(code, finished);
            Mono<T> gated = earlier == null ? row : earlier.then(row);
            return gated.doFinally(signal -> {
                lastByCode.remove(code, finished);
                done.tryEmitEmpty();
            });
        }
    }

    /** The row's one transaction; returns the new service's id. */
    private Mono<String> apply(Caller operator, String importId, int lineNumber, ServiceLine row) {
        return agencies.find(row.agencyId())
                .switchIfEmpty(Mono.error(agencyNotFound(row.agencyId())))
                .then(steps.create(operator.subject(), row.agencyId(), row.code(), row.definition()))
                .flatMap(serviceId -> advance(operator, serviceId, row)
                        .then(audit.record(operator.subject(), AUDIT_ACTION, "service", serviceId, null,
                                auditJson(importId, lineNumber, row), null))
                        .thenReturn(serviceId))
                .as(tx::transactional)
                .onErrorMap(DuplicateKeyException.class, e -> codeTaken(row.code()));
    }

    /** From a fresh draft to the row's status, through the lifecycle steps the API uses. */
    private Mono<Void> advance(Caller operator, String serviceId, ServiceLine row) {
        ServiceStatus target = row.targetStatus();
        if (target == ServiceStatus.DRAFT) {
            return Mono.empty();
        }
        Mono<Void> submitted = steps.submit(operator, serviceId);
        if (target == ServiceStatus.SUBMITTED) {
            return submitted;
        }
        Mono<Void> published = submitted.then(steps.approve(operator, serviceId));
        return switch (target) {
            case SUSPENDED -> published.then(steps.changeStatus(operator, serviceId, LifecycleEvent.SUSPEND, row.statusReason()));
            case RETIRED -> published.then(steps.changeStatus(operator, serviceId, LifecycleEvent.RETIRE, row.statusReason()));
            default -> published;
        };
    }

    private String auditJson(String importId, int lineNumber, ServiceLine row) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("import_id", importId);
        after.put("line", lineNumber);
        after.put("agency_id", row.agencyId());
        after.put("code", row.code());
        after.put("status", row.targetStatus().apiValue());
        return json.writeValueAsString(after);
    }

    private BulkRowResult unexpected(String importId, NumberedLine line, ServiceLine row, Throwable e) {
        log.error("Bulk import {} line {} failed unexpectedly", importId, line.number(), e);
        return BulkRowResult.failed(line.number(), row == null ? null : row.code(), new ApiProblem(500, ProblemCodes.INTERNAL_ERROR,
                "Internal error", "The row could not be applied because of an internal error; it was not applied. "
                        + "Quote import " + importId + " when reporting it."));
    }

    private String ndjson(Object line) {
        return json.writeValueAsString(line) + "\n";
    }

    private static ApiProblem agencyNotFound(String agencyId) {
        String detail = "No agency '" + agencyId + "' is registered; register it before importing its services.";
        return new ApiProblem(422, "agency_not_found", "Unprocessable request", detail,
                List.of(new FieldViolation("agency_id", "agency_not_found", detail)), Map.of());
    }

    private static ApiProblem codeTaken(String code) {
        ApiProblem taken = ServiceSteps.codeTaken(code);
        return new ApiProblem(taken.status(), taken.code(), taken.title(), taken.getMessage(),
                List.of(new FieldViolation("code", taken.code(), taken.getMessage())), Map.of());
    }
}
