package org.civicstack.gateway.connection;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on the connections citizens and agencies open to the gateway ({@code civicstack.gateway.connections.*}),
 * so that slow or idle clients cannot hold the gateway's connections and memory indefinitely.
 *
 * @param headerReadTimeout a request's head (request line and headers) must arrive within this time of its first
 *        byte (default 10 s); otherwise the gateway answers 408 and closes the connection. Guards against clients
 *        that dribble a header a byte at a time (slowloris)
 * @param idleTimeout a connection with no request in progress is closed after this long (default 60 s, about what
 *        browsers and mobile HTTP stacks keep idle connections for)
 * @param maxPerClientAddress open connections allowed from one client IP address (default 1,000, high because
 *        mobile carriers put many citizens behind one address; 0 = no limit); more are closed at once
 */
@Validated
@ConfigurationProperties("civicstack.gateway.connections")
public record ConnectionProperties(
        @NotNull @DefaultValue("10s") Duration headerReadTimeout,
        @NotNull @DefaultValue("60s") Duration idleTimeout,
        @Min(0) @DefaultValue("1000") int maxPerClientAddress) {
}
