package org.civicstack.registry.service.app;

import java.util.ArrayList;
import java.util.List;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.registry.agency.AgencyStore;
import org.civicstack.registry.audit.AuditLog;
import org.civicstack.registry.catalog.CatalogWriter;
import org.civicstack.registry.common.Caller;
import org.civicstack.registry.common.Ids;
import org.civicstack.registry.routing.RoutingFeed;
import org.civicstack.registry.service.domain.LifecycleEvent;
import org.civicstack.registry.service.domain.RevisionState;
import org.civicstack.registry.service.domain.ServiceCode;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceLifecycle;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.civicstack.registry.service.persistence.RevisionRow;
import org.civicstack.registry.service.persistence.ServiceRow;
import org.civicstack.registry.service.persistence.ServiceStore;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything that changes a service: agencies draft, edit and submit; operators approve, reject, suspend, resume,
 * retire and roll back. Each command is one transaction that locks the service row, moves status only through
 * {@link ServiceLifecycle}, writes the audit event (before/after), and — when routing is affected — appends to the
 * routing feed and updates the catalog.
 */
@Service
public class ServiceCommands {

    private final ServiceStore services;
    private final AgencyStore agencies;
    private final AuditLog audit;
    private final RoutingFeed routing;
    private final CatalogWriter catalog;
    private final UpstreamUrlCheck upstreamCheck;
    private final TransactionalOperator tx;
    private final JsonMapper json;

    public ServiceCommands(ServiceStore services, AgencyStore agencies, AuditLog audit, RoutingFeed routing,
            CatalogWriter catalog, UpstreamUrlCheck upstreamCheck, TransactionalOperator tx, JsonMapper json) {
        this.services = services;
        this.agencies = agencies;
        this.audit = audit;
        this.routing = routing;
        this.catalog = catalog;
        this.upstreamCheck = upstreamCheck;
        this.tx = tx;
        this.json = json;
    }

    /** Agency: a new service as draft revision 1. */
    public Mono<ServiceView> create(Caller caller, String code, ServiceDefinition definition) {
        String agencyId = caller.requireAgency();
        if (!ServiceCode.isValid(code)) {
            return Mono.error(ApiProblem.validation(List.of(new FieldViolation("code", "pattern",
                    "3-64 lower-case letters, digits and single hyphens, starting with a letter"))));
        }
        ServiceRow row = new ServiceRow(Ids.newId("svc"), code, agencyId, ServiceStatus.DRAFT, null, null, 1, null,
                null, null);
        return validate(definition, "definition.")
                .then(agencies.requireExists(agencyId))
                .then(services.insert(row))
                .then(services.insertRevision(new RevisionRow(row.id(), 1, RevisionState.DRAFT,
                        json.writeValueAsString(definition), null, caller.subject(), null)))
                .then(audit.record(caller.subject(), "service.create", "service", row.id(), null,
                        json.writeValueAsString(definition), null))
                .as(tx::transactional)
                .onErrorMap(DuplicateKeyException.class, e -> ApiProblem.conflict("service_code_taken",
                        "A service with code '" + code + "' already exists; codes are unique and never reused."))
                .then(view(row.id()));
    }

    /**
     * Agency: change the definition. A draft is edited in place; a live service gets a new draft revision while
     * the live one keeps serving; a revision under review cannot be edited (reject it or wait).
     */
    public Mono<ServiceView> edit(Caller caller, String serviceId, ServiceDefinition definition) {
        return validate(definition, "")
                .then(services.lock(serviceId))
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> {
                    caller.requireOwnerOrOperator(service.agencyId());
                    if (service.status() == ServiceStatus.RETIRED) {
                        return Mono.error(ApiProblem.conflict("service_retired", "A retired service cannot change."));
                    }
                    return services.revision(serviceId, service.latestRevision())
                            .flatMap(latest -> editRevision(caller, service, latest, definition));
                })
                .as(tx::transactional)
                .then(view(serviceId));
    }

    private Mono<Void> editRevision(Caller caller, ServiceRow service, RevisionRow latest, ServiceDefinition d) {
        String newJson = json.writeValueAsString(d);
        return switch (latest.state()) {
            case DRAFT -> services.updateRevision(latest.withDefinition(newJson, caller.subject()))
                    .then(audit.record(caller.subject(), "service.edit", "service", service.id(),
                            latest.definitionJson(), newJson, null));
            case SUBMITTED -> Mono.error(ApiProblem.conflict("revision_under_review",
                    "Revision " + latest.revision() + " is under review; it can change again once approved or rejected."));
            case APPROVED, SUPERSEDED -> {
                int next = service.latestRevision() + 1;
                yield services.insertRevision(new RevisionRow(service.id(), next, RevisionState.DRAFT, newJson, null,
                                caller.subject(), null))
                        .then(services.update(service.withRevisions(service.liveRevision(), service.previousRevision(), next)))
                        .then(audit.record(caller.subject(), "service.revise", "service", service.id(),
                                latest.definitionJson(), newJson, null));
            }
        };
    }

    /** Agency: send the newest draft revision for review. */
    public Mono<ServiceView> submit(Caller caller, String serviceId) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> {
                    caller.requireOwnerOrOperator(service.agencyId());
                    return services.revision(serviceId, service.latestRevision()).flatMap(latest -> {
                        if (latest.state() != RevisionState.DRAFT) {
                            return Mono.error(ApiProblem.conflict("nothing_to_submit",
                                    "The newest revision is " + latest.state().apiValue() + ", not a draft."));
                        }
                        ServiceStatus status = service.status() == ServiceStatus.DRAFT
                                ? ServiceLifecycle.apply(service.status(), LifecycleEvent.SUBMIT) : service.status();
                        return services.updateRevision(latest.withState(RevisionState.SUBMITTED, null))
                                .then(services.update(service.withStatus(status, null)))
                                .then(audit.record(caller.subject(), "service.submit", "service", serviceId,
                                        statusJson(service.status(), latest.revision()),
                                        statusJson(status, latest.revision()), null));
                    });
                })
                .as(tx::transactional)
                .then(view(serviceId));
    }

    /** Operator: approve the submitted revision; it serves from now on, and the one it replaces can be rolled back to. */
    public Mono<ServiceView> approve(Caller caller, String serviceId) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> services.revision(serviceId, service.latestRevision()).flatMap(latest -> {
                    if (latest.state() != RevisionState.SUBMITTED) {
                        return Mono.error(ApiProblem.conflict("nothing_to_approve",
                                "The newest revision is " + latest.state().apiValue() + ", not submitted."));
                    }
                    ServiceStatus status = service.status() == ServiceStatus.SUBMITTED
                            ? ServiceLifecycle.apply(service.status(), LifecycleEvent.APPROVE) : service.status();
                    ServiceRow updated = service.withStatus(status, null)
                            .withRevisions(latest.revision(), service.liveRevision(), service.latestRevision());
                    Mono<Void> supersede = service.liveRevision() == null ? Mono.empty()
                            : services.revision(serviceId, service.liveRevision())
                                    .flatMap(old -> services.updateRevision(old.withState(RevisionState.SUPERSEDED, null)));
                    return supersede
                            .then(services.updateRevision(latest.withState(RevisionState.APPROVED, null)))
                            .then(services.update(updated))
                            .then(publishRouting(updated, definitionOf(latest)))
                            .then(audit.record(caller.subject(), "service.approve", "service", serviceId,
                                    statusJson(service.status(), service.liveRevision()),
                                    statusJson(status, latest.revision()), null));
                }))
                .as(tx::transactional)
                .then(view(serviceId));
    }

    /** Operator: send the submitted revision back to the agency, with a reason they can act on. */
    public Mono<ServiceView> reject(Caller caller, String serviceId, String reason) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> services.revision(serviceId, service.latestRevision()).flatMap(latest -> {
                    if (latest.state() != RevisionState.SUBMITTED) {
                        return Mono.error(ApiProblem.conflict("nothing_to_reject",
                                "The newest revision is " + latest.state().apiValue() + ", not submitted."));
                    }
                    ServiceStatus status = service.status() == ServiceStatus.SUBMITTED
                            ? ServiceLifecycle.apply(service.status(), LifecycleEvent.REJECT) : service.status();
                    return services.updateRevision(latest.withState(RevisionState.DRAFT, reason))
                            .then(services.update(service.withStatus(status, service.statusReason())))
                            .then(audit.record(caller.subject(), "service.reject", "service", serviceId,
                                    statusJson(service.status(), latest.revision()), statusJson(status, latest.revision()),
                                    reason));
                }))
                .as(tx::transactional)
                .then(view(serviceId));
    }

    /** Operator: suspend, resume or retire — status changes that the gateway applies at once. */
    public Mono<ServiceView> changeStatus(Caller caller, String serviceId, LifecycleEvent event, String reason) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> {
                    ServiceStatus next = ServiceLifecycle.apply(service.status(), event);
                    ServiceRow updated = service.withStatus(next, reason);
                    return services.revision(serviceId, service.liveRevision())
                            .flatMap(live -> services.update(updated)
                                    .then(publishRouting(updated, definitionOf(live))))
                            .then(audit.record(caller.subject(), "service." + event.apiValue(), "service", serviceId,
                                    statusJson(service.status(), service.liveRevision()),
                                    statusJson(next, service.liveRevision()), reason));
                })
                .as(tx::transactional)
                .then(view(serviceId));
    }

    /** Operator: serve the previous approved revision again, in one call. */
    public Mono<ServiceView> rollback(Caller caller, String serviceId) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> {
                    if (service.previousRevision() == null || !service.status().isRouted()
                            || service.status() == ServiceStatus.RETIRED) {
                        return Mono.error(ApiProblem.conflict("nothing_to_roll_back",
                                "There is no earlier approved revision to return to."));
                    }
                    int back = service.previousRevision();
                    int from = service.liveRevision();
                    ServiceRow updated = service.withRevisions(back, from, service.latestRevision());
                    return services.revision(serviceId, from)
                            .flatMap(current -> services.updateRevision(current.withState(RevisionState.SUPERSEDED, null)))
                            .then(services.revision(serviceId, back))
                            .flatMap(previous -> services.updateRevision(previous.withState(RevisionState.APPROVED, null))
                                    .then(services.update(updated))
                                    .then(publishRouting(updated, definitionOf(previous))))
                            .then(audit.record(caller.subject(), "service.rollback", "service", serviceId,
                                    statusJson(service.status(), from), statusJson(service.status(), back), null));
                })
                .as(tx::transactional)
                .then(view(serviceId));
    }

    private Mono<Void> publishRouting(ServiceRow service, ServiceDefinition live) {
        Mono<Void> catalogStep = service.status() == ServiceStatus.PUBLISHED
                ? catalog.show(service.id(), service.code(), service.agencyId(), live)
                : catalog.hide(service.id());
        return routing.append(service.code(), service.status(), service.liveRevision(), service.agencyId(), live)
                .then(catalogStep);
    }

    public Mono<ServiceView> view(String serviceId) {
        return services.find(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> services.revision(serviceId, service.latestRevision())
                        .map(latest -> new ServiceView(service.id(), service.code(), service.agencyId(),
                                service.status().apiValue(), service.statusReason(), service.liveRevision(),
                                service.previousRevision(), service.latestRevision(), latest.state().apiValue(),
                                latest.rejectReason(), definitionOf(latest), service.createdAt(), service.updatedAt())));
    }

    /** Rules beyond Bean Validation; {@code fieldPrefix} places field names as the request shows them. */
    private Mono<Void> validate(ServiceDefinition definition, String fieldPrefix) {
        List<FieldViolation> violations = new ArrayList<>();
        for (String[] v : definition.crossFieldViolations()) {
            violations.add(new FieldViolation(fieldPrefix + v[0], v[1], v[2]));
        }
        if (!violations.isEmpty()) {
            return Mono.error(ApiProblem.validation(violations));
        }
        return upstreamCheck.check(fieldPrefix + "upstream.base_url", definition.upstream().baseUrl());
    }

    private ServiceDefinition definitionOf(RevisionRow revision) {
        return json.readValue(revision.definitionJson(), ServiceDefinition.class);
    }

    private String statusJson(ServiceStatus status, Integer revision) {
        return "{\"status\":\"" + status.apiValue() + "\",\"live_revision\":" + revision + "}";
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("service_not_found", "No such service.");
    }
}
