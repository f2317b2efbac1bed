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
import org.civicstack.gateway.ratelimit.RateLimit;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * A service ready to dispatch to: everything from its {@link RouteEntry} parsed and compiled once, when the change
 * arrives, so the per-request work is lookups only. Holds the service's own circuit breaker and bulkhead, so one
 * slow agency cannot starve the others.
 */
public final class DispatchRoute {

    public enum Status { PUBLISHED, SUSPENDED, RETIRED }

    /** Gateway route ids of dispatched services: {@code svc:<code>}. */
    public static final String ROUTE_ID_PREFIX = "svc:";

    private final RouteEntry entry;
    private final Status status;
    private final URI baseUri;
    private final String basePath;
    private final Set<HttpMethod> methods;
    private final String allowHeader;
    private final String[] pathPrefixes;
    private final Route gatewayRoute;
    private final RateLimit perServiceLimit;
    private final RateLimit perCallerLimit;
    /** Created on first use: most of 100,000 services are idle at any moment, and breakers are not free. */
    private volatile CircuitBreaker breaker;
    private volatile GatewayFilter retry;
    private volatile Bulkhead bulkhead;

    DispatchRoute(RouteEntry entry) {
        this.entry = entry;
        this.status = Status.valueOf(entry.status().toUpperCase(Locale.ROOT));
        URI base = URI.create(entry.baseUrl());
        this.basePath = base.getRawPath() == null || base.getRawPath().equals("/") ? "" : stripTrailingSlash(base.getRawPath());
        this.baseUri = base;
        this.methods = entry.allowedMethods().stream().map(HttpMethod::valueOf).collect(Collectors.toUnmodifiableSet());
        this.allowHeader = String.join(", ", entry.allowedMethods());
        this.pathPrefixes = entry.pathPrefixes().toArray(String[]::new);
        this.gatewayRoute = Route.async()
                .id(ROUTE_ID_PREFIX + entry.code())
                .uri(URI.create(base.getScheme() + "://" + base.getRawAuthority()))
                .predicate(exchange -> true)
                .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, (long) entry.timeoutMs())
                .metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, Math.min(entry.timeoutMs(), 5_000))
                .build();
        RouteEntry.RateLimits limits = entry.rateLimits();
        this.perServiceLimit = limits == null ? null : limit(limits.perService());
        this.perCallerLimit = limits == null ? null : limit(limits.perCitizen());
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

    public boolean allows(HttpMethod method) {
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

    /** The upstream URL for {@code path} and raw query, under the service's base URL. */
    public URI upstreamUri(String path, String rawQuery) {
        StringBuilder uri = new StringBuilder(baseUri.getScheme()).append("://").append(baseUri.getRawAuthority())
                .append(basePath).append(path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            uri.append('?').append(rawQuery);
        }
        return URI.create(uri.toString());
    }

    public String upstreamHost() {
        return baseUri.getHost();
    }

    public Route gatewayRoute() {
        return gatewayRoute;
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
     * The retry step for this service, or {@code null} when it has no retries: GET, HEAD, OPTIONS and DELETE only
     * (they carry no body to replay and are idempotent), on connection failures and 502/503/504 answers, with a
     * short exponential back-off. POST, PATCH and PUT are never retried by the gateway.
     */
    public GatewayFilter retry() {
        if (entry.retryAttempts() <= 0) {
            return null;
        }
        GatewayFilter current = retry;
        if (current == null) {
            synchronized (this) {
                if (retry == null) {
                    RetryGatewayFilterFactory.RetryConfig config = new RetryGatewayFilterFactory.RetryConfig()
                            .setRetries(entry.retryAttempts())
                            .setMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.DELETE)
                            .setSeries()
                            .setStatuses(HttpStatus.BAD_GATEWAY, HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.GATEWAY_TIMEOUT)
                            .setExceptions(java.io.IOException.class)
                            .setBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 2, false);
                    retry = new RetryGatewayFilterFactory().apply(config);
                }
                current = retry;
            }
        }
        return current;
    }

    /** Seconds until an open breaker lets a trial call through, for {@code Retry-After}. */
    public long openSeconds() {
        return entry.circuitBreaker().openSeconds();
    }

    public long maxBodyBytes() {
        return entry.maxBodyBytes();
    }


}
