package org.civicstack.gateway.problem;

import java.net.ConnectException;
import java.util.Optional;

import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemMapper;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** An upstream that refuses connections is a 503 with {@code Retry-After}; one whose TLS fails is a 502. Never a 500. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class UpstreamProblemMapper implements ProblemMapper {

    static final String RETRY_AFTER_SECONDS = "5";

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return Optional.of(Problem.ofStatus(503, "The service behind this path is not reachable right now.",
                        instance).withHeader("Retry-After", RETRY_AFTER_SECONDS));
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return Optional.of(Problem.ofStatus(502, "The service behind this path could not be reached securely "
                        + "(TLS failed).", instance));
            }
        }
        return Optional.empty();
    }
}
