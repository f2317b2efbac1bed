package org.civicstack.registry.service.domain;

import static org.civicstack.registry.service.domain.LifecycleEvent.APPROVE;
import static org.civicstack.registry.service.domain.LifecycleEvent.REJECT;
import static org.civicstack.registry.service.domain.LifecycleEvent.RESUME;
import static org.civicstack.registry.service.domain.LifecycleEvent.RETIRE;
import static org.civicstack.registry.service.domain.LifecycleEvent.SUBMIT;
import static org.civicstack.registry.service.domain.LifecycleEvent.SUSPEND;
import static org.civicstack.registry.service.domain.ServiceStatus.DRAFT;
import static org.civicstack.registry.service.domain.ServiceStatus.PUBLISHED;
import static org.civicstack.registry.service.domain.ServiceStatus.RETIRED;
import static org.civicstack.registry.service.domain.ServiceStatus.SUBMITTED;
import static org.civicstack.registry.service.domain.ServiceStatus.SUSPENDED;

import java.util.List;
import java.util.Optional;

/**
 * The service lifecycle as data: every legal {@code FROM --event--> TO}. Nothing else changes a service's status.
 *
 * <pre>
 * draft --submit--> submitted --approve--> published <--suspend/resume--> suspended
 *                   submitted --reject---> draft
 * published/suspended --retire--> retired
 * </pre>
 *
 * A published service being revised keeps status {@code published} (the old revision serves); its new revision
 * has its own review state, see {@link RevisionState}.
 */
public final class ServiceLifecycle {

    /** One legal edge. */
    public record Transition(ServiceStatus from, LifecycleEvent event, ServiceStatus to) {
    }

    public static final List<Transition> TRANSITIONS = List.of(
            new Transition(DRAFT, SUBMIT, SUBMITTED),
            new Transition(SUBMITTED, APPROVE, PUBLISHED),
            new Transition(SUBMITTED, REJECT, DRAFT),
            new Transition(PUBLISHED, SUSPEND, SUSPENDED),
            new Transition(SUSPENDED, RESUME, PUBLISHED),
            new Transition(PUBLISHED, RETIRE, RETIRED),
            new Transition(SUSPENDED, RETIRE, RETIRED));

    private ServiceLifecycle() {
    }

    public static Optional<ServiceStatus> next(ServiceStatus from, LifecycleEvent event) {
        return TRANSITIONS.stream()
                .filter(t -> t.from() == from && t.event() == event)
                .map(Transition::to)
                .findFirst();
    }

    /** The status after {@code event}, or a {@link IllegalTransition} naming both. */
    public static ServiceStatus apply(ServiceStatus from, LifecycleEvent event) {
        return next(from, event).orElseThrow(() -> new IllegalTransition(from, event));
    }

    /** A lifecycle event that is not legal from the current status. */
    public static final class IllegalTransition extends RuntimeException {

        private final ServiceStatus from;
        private final LifecycleEvent event;

        public IllegalTransition(ServiceStatus from, LifecycleEvent event) {
            super("cannot " + event.apiValue() + " a service that is " + from.apiValue());
            this.from = from;
            this.event = event;
        }

        public ServiceStatus from() {
            return from;
        }

        public LifecycleEvent event() {
            return event;
        }
    }
}
