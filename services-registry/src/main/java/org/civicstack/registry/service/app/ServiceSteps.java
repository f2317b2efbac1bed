package org.civicstack.registry.service.app;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.registry.audit.AuditLog;
import org.civicstack.registry.catalog.CatalogWriter;
import org.civicstack.registry.common.Caller;
import org.civicstack.platform.api.Ids;
import org.civicstack.registry.routing.RoutingFeed;
import org.civicstack.registry.service.domain.LifecycleEvent;
import org.civicstack.registry.service.domain.RevisionState;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceLifecycle;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.civicstack.registry.service.persistence.RevisionRow;
import org.civicstack.registry.service.persistence.ServiceRow;
import org.civicstack.registry.service.persistence.ServiceStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What each service command does, without the transaction. Every method must run inside a transaction the caller
 * owns, on a definition that passed {@link ServiceValidation} (and so carries its canonical upstream URL): {@link ServiceCommands} opens one per API command; the bulk import opens one per row
 * and chains create, submit, approve (and suspend or retire) in it, so a row is applied whole or not at all.
 *
 * <p>Each step locks the service row, moves status only through {@link ServiceLifecycle}, writes its audit event
 * (before/after) and — when routing is affected — appends to the routing feed and updates the catalog.
 */
@Component
public class ServiceSteps {

    private final ServiceStore services;
    private final AuditLog audit;
    private final RoutingFeed routing;
    private final CatalogWriter catalog;
    private final JsonMapper json;

    public ServiceSteps(ServiceStore services, AuditLog audit, RoutingFeed routing, CatalogWriter catalog,
            JsonMapper json) {
        this.services = services;
        this.audit = audit;
        this.routing = routing;
        this.catalog = catalog;
        this.json = json;
    }

    /**
     * A new service of {@code agencyId} as draft revision 1, created by {@code actor}; returns its id. The code must
     * already be valid and the agency known. A taken code surfaces as Spring's {@code DuplicateKeyException} (map it
     * with {@link #codeTaken}); in PostgreSQL it waits for a concurrent transaction inserting the same code.
     */
    public Mono<String> create(String actor, String agencyId, String code, ServiceDefinition definition) {
        ServiceRow row = new ServiceRow(Ids.newId("svc"), code, agencyId, ServiceStatus.DRAFT, null, null, 1, null,
                null, null);
        String definitionJson = json.writeValueAsString(definition);
        return services.insert(row)
                .then(services.insertRevision(new RevisionRow(row.id(), 1, RevisionState.DRAFT, definitionJson, null,
                        actor, null)))
                .then(audit.record(actor, "service.create", "service", row.id(), null, definitionJson, null))
                .thenReturn(row.id());
    }

    /** The problem for a code that is already registered. */
    public static ApiProblem codeTaken(String code) {
        return ApiProblem.conflict("service_code_taken",
                "A service with code '" + code + "' already exists; codes are unique and never reused.");
    }

    /**
     * Change the definition. A draft is edited in place; a live service gets a new draft revision while the live
     * one keeps serving; a revision under review cannot be edited (reject it or wait).
     */
    public Mono<Void> edit(Caller caller, String serviceId, ServiceDefinition definition) {
        return services.lock(serviceId)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(service -> {
                    caller.requireOwnerOrOperator(service.agencyId());
                    if (service.status() == ServiceStatus.RETIRED) {
                        return Mono.error(ApiProblem.conflict("service_retired", "A retired service cannot change."));
                    }
                    return services.revision(serviceId, service.latestRevision())
                            .flatMap(latest -> editRevision(caller, service, latest, definition));
                });
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

    /** Send the newest draft revision for review (its agency, or an operator acting for it). */
    public Mono<Void> submit(Caller caller, String serviceId) {
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
                });
    }

    /** Approve the submitted revision; it serves from now on, and the one it replaces can be rolled back to. */
    public Mono<Void> approve(Caller caller, String serviceId) {
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
                }));
    }

    /** Send the submitted revision back to the agency, with a reason they can act on. */
    public Mono<Void> reject(Caller caller, String serviceId, String reason) {
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
                }));
    }

    /** Suspend, resume or retire — status changes that the gateway applies at once. */
    public Mono<Void> changeStatus(Caller caller, String serviceId, LifecycleEvent event, String reason) {
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
                });
    }

    /** Serve the previous approved revision again, in one call. */
    public Mono<Void> rollback(Caller caller, String serviceId) {
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
                });
    }

    private Mono<Void> publishRouting(ServiceRow service, ServiceDefinition live) {
        Mono<Void> catalogStep = service.status() == ServiceStatus.PUBLISHED
                ? catalog.show(service.id(), service.code(), service.agencyId(), live)
                : catalog.hide(service.id());
        return routing.append(service.code(), service.status(), service.liveRevision(), service.agencyId(), live)
                .then(catalogStep);
    }

    /** The stored definition of a revision. */
    public ServiceDefinition definitionOf(RevisionRow revision) {
        return json.readValue(revision.definitionJson(), ServiceDefinition.class);
    }

    private static String statusJson(ServiceStatus status, Integer revision) {
        return "{\"status\":\"" + status.apiValue() + "\",\"live_revision\":" + revision + "}";
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("service_not_found", "No such service.");
    }
}
