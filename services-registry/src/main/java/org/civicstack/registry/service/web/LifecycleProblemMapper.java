package org.civicstack.registry.service.web;

import java.util.Optional;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemMapper;
import org.civicstack.registry.service.domain.ServiceLifecycle;
import org.springframework.stereotype.Component;

/** An event that is not legal from the current status is a 409 that says so. */
@Component
public class LifecycleProblemMapper implements ProblemMapper {

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        if (error instanceof ServiceLifecycle.IllegalTransition t) {
            return Optional.of(Problem.of(ApiProblem.conflict("illegal_transition", t.getMessage() + "."), instance));
        }
        return Optional.empty();
    }
}
