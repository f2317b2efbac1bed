package org.civicstack.gateway.dispatch;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.civicstack.gateway.access.AccessRequirement;
import org.civicstack.gateway.ratelimit.RateLimit;

/**
 * A service ready to dispatch to: everything from its {@link RouteEntry} parsed and compiled once, when the change
 * arrives, so the per-request work is lookups only. Holds the service's own circuit breaker and bulkhead, so one
 * slow agency cannot starve the others.
 */
public final class DispatchRoute {

    public enum Status { PUBLISHED, SUSPENDED, RETIRED }

    private final RouteEntry entry;
    private final Status status;
    private final String basePath;
    private final UpstreamOrigin origin;
    private final String forwardedPrefix;
    private final Set<String> methods;
    private final String allowHeader;
    private final String[] pathPrefixes;
    private final RateLimit perServiceLimit;
    private final RateLimit perCallerLimit;
    private final AccessRequirement access;
    /** Created on first use: most of 100,000 services are idle at any moment, and breakers are not free. */
    private volatile CircuitBreaker breaker;
    private volatile Bulkhead bulkhead;

    DispatchRoute(RouteEntry entry) {
        this.entry = entry;
        this.status = Status.valueOf(entry.status().toUpperCase(Locale.ROOT));
        URI base = URI.create(entry.baseUrl());
        this.basePath = base.getRawPath() == null || base.getRawPath().equals("/") ? "" : stripTrailingSlash(base.getRawPath());
        this.origin = UpstreamOrigin.of(base);
        this.forwardedPrefix = "/s/" + entry.code();
        this.methods = entry.allowedMethods().stream().map(m -> m.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.allowHeader = String.join(", ", entry.allowedMethods());
        this.pathPrefixes = entry.pathPrefixes().toArray(String[]::new);
        if (entry.timeoutMs() <= 0) {
            throw new IllegalArgumentException("timeout_ms must be positive: " + entry.timeoutMs());
        }
        RouteEntry.RateLimits limits = entry.rateLimits();
        this.perServiceLimit = limits == null ? null : limit(limits.perService());
        this.perCallerLimit = limits == null ? null : limit(limits.perCitizen());
        RouteEntry.Access declared = entry.access();
        this.access = declared == null ? AccessRequirement.ANONYMOUS
                : AccessRequirement.of(declared.level(), declared.minAssuranceLevel(), declared.scopes());
        if (access.citizen() && (entry.agencyId() == null || entry.agencyId().isBlank())) {
            throw new IllegalArgumentException("a citizen service needs its agency_id (the assertion's resource)");
        }
    }

    /** What callers must present (compiled from the entry's {@code access}). */
    public AccessRequirement access() {
        return access;
    }

    private static RateLimit limit(RouteEntry.Limit limit) {
        return limit == null ? null : RateLimit.perSecond(limit.requestsPerSecond(), limit.burst());
    }

    /** All callers of the service together; {@code null} = unlimited. */
    public RateLimit perServiceLimit() {
        return perServiceLimit;
    }

    /** Each caller of the service; {@code null} = unlimited. */
    public RateLimit perCallerLimit() {
        return perCallerLimit;
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    public RouteEntry entry() {
        return entry;
    }

    public String code() {
        return entry.code();
    }

    public Status status() {
        return status;
    }

    /** @param method an HTTP method name as sent (methods are case-sensitive; the registry stores them upper-case) */
    public boolean allows(String method) {
        return methods.contains(method);
    }

    public String allowHeader() {
        return allowHeader;
    }

    /** Whether {@code path} (the part after {@code /s/{code}}) is under one of the published prefixes. */
    public boolean publishes(String path) {
        for (String prefix : pathPrefixes) {
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")
                    || prefix.equals("/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request target to send upstream (origin form): the service's base path, then {@code path} (the part after
     * {@code /s/{code}}), then {@code ?rawQuery} when there is one — all as the client sent them, never re-encoded.
     */
    public String upstreamTarget(String path, String rawQuery) {
        int length = basePath.length() + path.length() + (rawQuery == null ? 0 : rawQuery.length() + 1);
        StringBuilder target = new StringBuilder(length).append(basePath).append(path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            target.append('?').append(rawQuery);
        }
        return target.toString();
    }

    /** Where the service's upstream listens. */
    public UpstreamOrigin origin() {
        return origin;
    }

    /** {@code X-Forwarded-Prefix} for the upstream: {@code /s/{code}}. */
    public String forwardedPrefix() {
        return forwardedPrefix;
    }

    /** How long one attempt may take until the upstream's response is complete. */
    public int timeoutMs() {
        return entry.timeoutMs();
    }

    /** How long opening a connection to the upstream may take: the timeout, at most 5 s. */
    public int connectTimeoutMs() {
        return Math.min(entry.timeoutMs(), 5_000);
    }

    public CircuitBreaker breaker() {
        CircuitBreaker current = breaker;
        if (current == null) {
            synchronized (this) {
                if (breaker == null) {
                    RouteEntry.CircuitBreaker cb = entry.circuitBreaker();
                    breaker = CircuitBreaker.of("svc:" + entry.code(), CircuitBreakerConfig.custom()
                            .failureRateThreshold(cb.failureRateThreshold())
                            .slowCallRateThreshold(cb.failureRateThreshold())
                            .slowCallDurationThreshold(Duration.ofMillis(cb.slowCallMs()))
                            .minimumNumberOfCalls(cb.minimumCalls())
                            .slidingWindowSize(Math.max(cb.minimumCalls(), 10))
                            .waitDurationInOpenState(Duration.ofSeconds(cb.openSeconds()))
                            .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(cb.minimumCalls(), 5)))
                            .build());
                }
                current = breaker;
            }
        }
        return current;
    }

    public Bulkhead bulkhead() {
        Bulkhead current = bulkhead;
        if (current == null) {
            synchronized (this) {
                if (bulkhead == null) {
                    bulkhead = Bulkhead.of("svc:" + entry.code(), BulkheadConfig.custom()
                            .maxConcurrentCalls(entry.circuitBreaker().maxConcurrentCalls())
                            .maxWaitDuration(Duration.ZERO)
                            .build());
                }
                current = bulkhead;
            }
        }
        return current;
    }

    /**
     * How many times a failed call may be repeated: GET, HEAD, OPTIONS and DELETE without a body only (idempotent,
     * nothing to replay), after a connection failure or a 502/503/504 answer, with a short exponential back-off.
     * POST, PATCH and PUT are never retried by the gateway.
     */
    public int retryAttempts() {
        return Math.max(0, entry.retryAttempts());
    }

    /** Seconds until an open breaker lets a trial call through, for {@code Retry-After}. */
    public long openSeconds() {
        return entry.circuitBreaker().openSeconds();
    }

    public long maxBodyBytes() {
        return entry.maxBodyBytes();
    }
}
