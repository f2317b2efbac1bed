package org.civicstack.gateway.dispatch;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One service's routing entry as the services registry publishes it (snapshot line or change-feed event). Unknown
 * fields are ignored: the registry may add fields before every gateway knows them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouteEntry(long version, String code, String status, int revision, String agencyId, String baseUrl,
        List<String> allowedMethods, List<String> pathPrefixes, int timeoutMs, long maxBodyBytes, int retryAttempts,
        Access access, RateLimits rateLimits, CircuitBreaker circuitBreaker, String nameZhCn, String nameEn) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Access(String level, int minAssuranceLevel, List<String> scopes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RateLimits(Limit perCitizen, Limit perService) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Limit(double requestsPerSecond, int burst) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CircuitBreaker(int failureRateThreshold, int slowCallMs, int minimumCalls, int openSeconds,
            int maxConcurrentCalls) {
    }
}
