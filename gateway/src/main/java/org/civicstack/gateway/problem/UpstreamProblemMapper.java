package org.civicstack.gateway.problem;

import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.error.ProblemMapper;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** An upstream that refuses connections is a 503 with {@code Retry-After}; one whose TLS fails is a 502. Never a 500. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class UpstreamProblemMapper implements ProblemMapper {

    static final String RETRY_AFTER_SECONDS = "5";

    /** An upstream that cannot be connected to: 503 with {@code Retry-After}. Platform routes and agency dispatch. */
    public static ApiProblem unreachable() {
        return new ApiProblem(503, ProblemCodes.SERVICE_UNAVAILABLE, ProblemCodes.titleFor(503),
                "The service behind this path is not reachable right now.", List.of(),
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    /** An upstream whose TLS handshake fails: 502. Platform routes and agency dispatch. */
    public static ApiProblem tlsFailed() {
        return new ApiProblem(502, ProblemCodes.BAD_GATEWAY, ProblemCodes.titleFor(502),
                "The service behind this path could not be reached securely (TLS failed).");
    }

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return Optional.of(Problem.of(unreachable(), instance));
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return Optional.of(Problem.of(tlsFailed(), instance));
            }
        }
        return Optional.empty();
    }
}
