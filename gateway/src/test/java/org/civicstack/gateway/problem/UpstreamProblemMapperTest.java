package org.civicstack.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import javax.net.ssl.SSLHandshakeException;

import org.civicstack.platform.error.Problem;
import org.junit.jupiter.api.Test;

class UpstreamProblemMapperTest {

    private final UpstreamProblemMapper mapper = new UpstreamProblemMapper();

    @Test
    void refusedConnectionIsServiceUnavailableWithRetryAfter() {
        Problem problem = mapper.map(new RuntimeException(new ConnectException("refused")), "/s/x").orElseThrow();
        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.headers()).containsEntry("Retry-After", "5");
    }

    @Test
    void failedTlsHandshakeIsBadGateway() {
        Problem problem = mapper.map(new IllegalStateException(new SSLHandshakeException("PKIX path")), "/s/x").orElseThrow();
        assertThat(problem.status()).isEqualTo(502);
        assertThat(problem.code()).isEqualTo("bad_gateway");
    }

    @Test
    void otherErrorsAreLeftToTheGenericMapping() {
        assertThat(mapper.map(new IllegalStateException("x"), "/s/x")).isEmpty();
    }
}
