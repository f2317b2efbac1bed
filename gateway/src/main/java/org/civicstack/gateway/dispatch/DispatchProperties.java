package org.civicstack.gateway.dispatch;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Agency dispatch settings ({@code civicstack.gateway.dispatch.*}). Per-service rules (timeouts, limits, breaker)
 * come with each service's definition from the registry, not from here.
 *
 * @param connectCheckExemptions {@code host:port}s that skip the connect-time SSRF check — for tests and local
 *        development only (an upstream on loopback); logged at start so it cannot go unnoticed
 * @param maxIdleConnectionsPerOrigin idle keep-alive connections kept per upstream origin and per event loop
 *        (default 256); more are closed when they come back
 * @param idleConnectionTimeout an upstream connection unused for this long is closed (default 30 s: below the
 *        usual upstream keep-alive timeouts, so the gateway rarely picks a connection the upstream is closing)
 */
@Validated
@ConfigurationProperties("civicstack.gateway.dispatch")
public record DispatchProperties(
        @DefaultValue List<String> connectCheckExemptions,
        @Min(0) @DefaultValue("256") int maxIdleConnectionsPerOrigin,
        @NotNull @DefaultValue("30s") Duration idleConnectionTimeout) {
}
