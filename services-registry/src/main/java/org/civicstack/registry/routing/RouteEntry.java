package org.civicstack.registry.routing;

import java.util.List;

import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceStatus;

/**
 * What the gateway needs to dispatch one service, as published on the change feed and in the snapshot. This JSON
 * shape ({@code snake_case}) is the contract with the gateway; the gateway keeps its own reader of it.
 */
public record RouteEntry(long version, String code, String status, int revision, String agencyId, String baseUrl,
        List<String> allowedMethods, List<String> pathPrefixes, int timeoutMs, long maxBodyBytes, int retryAttempts,
        ServiceDefinition.Access access, ServiceDefinition.RateLimits rateLimits,
        ServiceDefinition.CircuitBreaker circuitBreaker, String nameZhCn, String nameEn) {

    public static RouteEntry of(long version, String code, ServiceStatus status, int revision, String agencyId,
            ServiceDefinition d) {
        ServiceDefinition.Upstream u = d.upstream();
        return new RouteEntry(version, code, status.apiValue(), revision, agencyId, u.baseUrl(), u.allowedMethods(),
                u.pathPrefixes(), u.timeoutMs(), u.maxBodyBytes(), u.retryAttempts(), d.access(), d.rateLimits(),
                d.circuitBreaker(), d.name().zhCn(), d.name().en());
    }
}
