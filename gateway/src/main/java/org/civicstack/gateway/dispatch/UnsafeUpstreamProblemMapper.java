package org.civicstack.gateway.dispatch;

import java.util.Optional;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemMapper;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * An upstream whose address is refused at connect time (DNS now points somewhere forbidden) is a 502 for the
 * caller — the agency's system is misconfigured — and an error in the log for operators.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UnsafeUpstreamProblemMapper implements ProblemMapper {

    private static final Logger log = LoggerFactory.getLogger(UnsafeUpstreamProblemMapper.class);

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnsafeUpstreamException unsafe) {
                log.error("Refused to connect upstream for {}: {}", instance, unsafe.reason().code());
                return Optional.of(Problem.of(new ApiProblem(502, "upstream_refused", "Bad gateway",
                        "The agency's system is at an address the platform does not connect to."), instance));
            }
        }
        return Optional.empty();
    }
}
