package org.civicstack.registry.service.app;

import java.util.ArrayList;
import java.util.List;

import org.civicstack.platform.error.FieldViolation;
import org.civicstack.registry.agency.AgencyStore;
import org.civicstack.registry.common.Caller;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.registry.service.domain.LifecycleEvent;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceLifecycle;
import org.civicstack.registry.service.persistence.ServiceStore;
import org.civicstack.platform.events.OutboxRelay;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Everything that changes a service through the API: agencies draft, edit and submit; operators approve, reject,
 * suspend, resume, retire and roll back. Each command is one transaction around the matching {@link ServiceSteps}
 * step, which locks the service row, moves status only through {@link ServiceLifecycle}, writes the audit event
 * (before/after), and — when routing is affected — appends to the routing feed and updates the catalog.
 */
@Service
public class ServiceCommands {

    private final ServiceSteps steps;
    private final ServiceValidation validation;
    private final ServiceStore services;
    private final AgencyStore agencies;
    private final TransactionalOperator tx;
    private final ObjectProvider<OutboxRelay> relay;

    public ServiceCommands(ServiceSteps steps, ServiceValidation validation, ServiceStore services, AgencyStore agencies,
            TransactionalOperator tx, ObjectProvider<OutboxRelay> relay) {
        this.steps = steps;
        this.validation = validation;
        this.services = services;
        this.agencies = agencies;
        this.tx = tx;
        this.relay = relay;
    }

    /** One transaction; once it has committed, the outbox relay is nudged so routing changes leave at once. */
    private <T> Mono<T> committed(Mono<T> step) {
        return tx.transactional(step).doOnSuccess(done -> relay.ifAvailable(OutboxRelay::nudge));
    }

    /**
     * Agency: a new service as draft revision 1. Every field error of the request is reported at once (see
     * {@link ServiceValidation}); the stored definition carries the canonical upstream URL.
     */
    public Mono<ServiceView> create(Caller caller, String code, ServiceDefinition definition) {
        return create(caller, code, definition, List.of());
    }

    /**
     * {@link #create}, with the shape errors found while reading the request ({@link LenientJson}) reported together
     * with every other error.
     */
    public Mono<ServiceView> create(Caller caller, String code, ServiceDefinition definition,
            List<FieldViolation> shapeViolations) {
        String agencyId = caller.requireAgency();
        List<FieldViolation> found = new ArrayList<>();
        if (code == null || code.isBlank()) {
            found.add(new FieldViolation("code", "not_blank", "must not be blank"));
        }
        found.addAll(ServiceValidation.codeRule("code", code));
        if (definition == null) {
            found.add(new FieldViolation("definition", "not_null", "must not be null"));
        } else {
            found.addAll(validation.constraints(definition, "definition."));
        }
        return validation.check(definition, "definition.", LenientJson.merge(shapeViolations, found))
                .flatMap(canonical -> agencies.requireExists(agencyId)
                        .then(steps.create(caller.subject(), agencyId, code, canonical))
                        .as(this::committed))
                .onErrorMap(DuplicateKeyException.class, e -> ServiceSteps.codeTaken(code))
                .flatMap(this::view);
    }

    /**
     * Agency: change the definition. A draft is edited in place; a live service gets a new draft revision while
     * the live one keeps serving; a revision under review cannot be edited (reject it or wait). Validated like
     * {@link #create}.
     */
    public Mono<ServiceView> edit(Caller caller, String serviceId, ServiceDefinition definition) {
        return edit(caller, serviceId, definition, List.of());
    }

    /** {@link #edit}, with the shape errors found while reading the request reported with every other error. */
    public Mono<ServiceView> edit(Caller caller, String serviceId, ServiceDefinition definition,
            List<FieldViolation> shapeViolations) {
        List<FieldViolation> found = definition == null
                ? List.of(new FieldViolation("", "not_null", "a definition is required"))
                : validation.constraints(definition, "");
        return validation.check(definition, "", LenientJson.merge(shapeViolations, found))
                .flatMap(canonical -> steps.edit(caller, serviceId, canonical).as(this::committed))
                .then(view(serviceId));
    }

    /** Agency: send the newest draft revision for review. */
    public Mono<ServiceView> submit(Caller caller, String serviceId) {
        return steps.submit(caller, serviceId)
                .as(this::committed)
                .then(view(serviceId));
    }

    /** Operator: approve the submitted revision; it serves from now on, and the one it replaces can be rolled back to. */
    public Mono<ServiceView> approve(Caller caller, String serviceId) {
        return steps.approve(caller, serviceId)
                .as(this::committed)
                .then(view(serviceId));
    }

    /** Operator: send the submitted revision back to the agency, with a reason they can act on. */
    public Mono<ServiceView> reject(Caller caller, String serviceId, String reason) {
        return steps.reject(caller, serviceId, reason)
                .as(this::committed)
                .then(view(serviceId));
    }

    /** Operator: suspend, resume or retire — status changes that the gateway applies at once. */
    public Mono<ServiceView> changeStatus(Caller caller, String serviceId, LifecycleEvent event, String reason) {
        return steps.changeStatus(caller, serviceId, event, reason)
                .as(this::committed)
                .then(view(serviceId));
    }

    /** Operator: serve the previous approved revision again, in one call. */
    public Mono<ServiceView> rollback(Caller caller, String serviceId) {
        return steps.rollback(caller, serviceId)
                .as(this::committed)
                .then(view(serviceId));
    }

    public Mono<ServiceView> view(String serviceId) {
        return services.find(serviceId)
                .switchIfEmpty(Mono.error(ServiceSteps.notFound()))
                .flatMap(service -> services.revision(serviceId, service.latestRevision())
                        .map(latest -> new ServiceView(service.id(), service.code(), service.agencyId(),
                                service.status().apiValue(), service.statusReason(), service.liveRevision(),
                                service.previousRevision(), service.latestRevision(), latest.state().apiValue(),
                                latest.rejectReason(), steps.definitionOf(latest), service.createdAt(), service.updatedAt())));
    }
}
