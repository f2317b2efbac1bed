package org.civicstack.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * A request that failed because a backing store could not be reached (no free pooled connection in time, Redis
 * refused) is the service's momentary trouble, not the client's and not a bug: 503 with Retry-After, not 500.
 */
class ResourceFailureProblemTest {

    final ProblemResolver resolver = new ProblemResolver(List.of());

    @Test
    void anExhaustedConnectionPoolIs503WithRetryAfter() {
        Exception hikari = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out"));

        Problem problem = resolver.resolve(new IllegalStateException("wrapped by a filter", hikari), "/oauth2/token");

        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.headers()).containsEntry("Retry-After", "1");
        assertThat(problem.detail()).doesNotContain("Hikari").doesNotContain("JDBC");
    }

    @Test
    void anUnreachableRedisIs503() {
        Problem problem = resolver.resolve(new RedisConnectionFailureException("Unable to connect to Redis"), "/login/code");

        assertThat(problem.status()).isEqualTo(503);
    }

    @Test
    void anyOtherFailureStays500() {
        assertThat(resolver.resolve(new IllegalStateException("a bug"), "/x").status()).isEqualTo(500);
    }
}
