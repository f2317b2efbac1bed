package org.civicstack.gateway.dispatch;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.civicstack.gateway.ratelimit.RedisTokenBucketRateLimiter;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.platform.web.RequestIds;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Dispatch of {@code /s/{serviceCode}/**} to agency upstreams. Not one gateway route per service: the code is looked
 * up in the {@link RoutingIndex} (a hash lookup), then this filter applies the service's own rules — status,
 * method and path allow-lists, body limit, circuit breaker and bulkhead, header hygiene — and points the request at
 * the upstream with the service's timeouts. Runs after {@link RouteToRequestUrlFilter} on the single dispatch route.
 */
public final class AgencyDispatchFilter implements GlobalFilter, Ordered {

    public static final String PREFIX = "/s/";
    public static final String ROUTE_ID = "agency-dispatch";

    /** Never passed upstream: the platform's credentials and anything a client could use to impersonate us. */
    static final Set<String> STRIPPED = Set.of(HttpHeaders.AUTHORIZATION, HttpHeaders.COOKIE, HttpHeaders.PROXY_AUTHORIZATION,
            "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Proto",
            "X-Forwarded-Prefix", "X-Real-IP");
    static final String INTERNAL_PREFIX = "x-civicstack-";

    private final RoutingIndex index;
    private final RedisTokenBucketRateLimiter limiter;
    private final UsageRecorder usage;

    public AgencyDispatchFilter(RoutingIndex index, RedisTokenBucketRateLimiter limiter, UsageRecorder usage) {
        this.index = index;
        this.limiter = limiter;
        this.usage = usage;
    }

    @Override
    public int getOrder() {
        return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        org.springframework.cloud.gateway.route.Route matched = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (matched == null || !ROUTE_ID.equals(matched.getId())) {
            return chain.filter(exchange);
        }
        if (!index.isLoaded()) {
            return Mono.error(DispatchProblems.notReady());
        }
        ServerHttpRequest request = exchange.getRequest();
        String fullPath = request.getPath().pathWithinApplication().value();
        int slash = fullPath.indexOf('/', PREFIX.length());
        String code = slash < 0 ? fullPath.substring(PREFIX.length()) : fullPath.substring(PREFIX.length(), slash);
        String rest = slash < 0 ? "/" : fullPath.substring(slash);
        DispatchRoute route = index.find(code);
        if (route == null) {
            return Mono.error(DispatchProblems.unknownService());
        }
        switch (route.status()) {
            case SUSPENDED -> {
                return Mono.error(DispatchProblems.suspended(request, route));
            }
            case RETIRED -> {
                return Mono.error(DispatchProblems.retired(request, route));
            }
            default -> {
            }
        }
        if (!route.allows(request.getMethod())) {
            return Mono.error(DispatchProblems.methodNotAllowed(route));
        }
        if (!route.publishes(rest)) {
            return Mono.error(DispatchProblems.pathNotPublished());
        }
        long declared = request.getHeaders().getContentLength();
        if (declared > route.maxBodyBytes()) {
            return Mono.error(DispatchProblems.tooLarge(route.maxBodyBytes()));
        }
        Optional<String> caller = callerOf(request);
        long started = System.nanoTime();
        return limiter.acquireOrReject(route.code(), route.perServiceLimit(), caller, route.perCallerLimit())
                .then(Mono.defer(() -> forward(exchange, chain, route, request, rest)))
                .doOnEach(signal -> {
                    if (signal.isOnComplete() || signal.isOnError()) {
                        int status = signal.isOnError() ? statusOf(signal.getThrowable())
                                : exchange.getResponse().getStatusCode() == null ? 200
                                : exchange.getResponse().getStatusCode().value();
                        usage.record(new UsageRecorder.Usage(route.code(), status, (System.nanoTime() - started) / 1_000,
                                request.getMethod().name(), exchange.getAttribute(RequestIds.ATTRIBUTE),
                                caller.orElse(null), System.currentTimeMillis()));
                    }
                });
    }

    /** The status the problem handler will answer with for an error raised here or upstream. */
    static int statusOf(Throwable error) {
        if (error instanceof org.civicstack.platform.error.ApiProblem problem) {
            return problem.status();
        }
        if (error instanceof org.springframework.web.ErrorResponse response) {
            return response.getStatusCode().value();
        }
        return 502;
    }

    /**
     * Whose per-caller bucket a request uses. Until the gateway authenticates citizens (the identity issue), the
     * caller is the client address; it is hashed so no address is stored in Redis key names.
     */
    static Optional<String> callerOf(ServerHttpRequest request) {
        if (request.getRemoteAddress() == null || request.getRemoteAddress().getAddress() == null) {
            return Optional.empty();
        }
        byte[] address = request.getRemoteAddress().getAddress().getAddress();
        return Optional.of("ip-" + Integer.toHexString(java.util.Arrays.hashCode(address)));
    }

    private Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, DispatchRoute route,
            ServerHttpRequest request, String rest) {
        CircuitBreaker breaker = route.breaker();
        if (!breaker.tryAcquirePermission()) {
            return Mono.error(DispatchProblems.breakerOpen(route));
        }
        if (!route.bulkhead().tryAcquirePermission()) {
            breaker.releasePermission();
            return Mono.error(DispatchProblems.busy());
        }
        URI upstream = route.upstreamUri(rest, request.getURI().getRawQuery());
        ServerWebExchange forwarded = exchange.mutate().request(upstreamRequest(request, route)).build();
        forwarded.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, upstream);
        forwarded.getAttributes().put(GATEWAY_ROUTE_ATTR, route.gatewayRoute());
        long start = System.nanoTime();
        GatewayFilter retry = route.retry();
        Mono<Void> call = retry == null ? chain.filter(forwarded) : retry.filter(forwarded, chain);
        return call
                .doOnSuccess(done -> {
                    var status = forwarded.getResponse().getStatusCode();
                    long elapsed = System.nanoTime() - start;
                    if (status != null && status.is5xxServerError()) {
                        breaker.onError(elapsed, TimeUnit.NANOSECONDS, new UpstreamServerError(status.value()));
                    } else {
                        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                    }
                })
                .doOnError(error -> breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error))
                .doOnCancel(breaker::releasePermission)
                .doFinally(signal -> route.bulkhead().onComplete());
    }

    private static ServerHttpRequest upstreamRequest(ServerHttpRequest request, DispatchRoute route) {
        ServerHttpRequest cleaned = request.mutate().headers(headers -> {
            STRIPPED.forEach(headers::remove);
            List.copyOf(headers.headerNames()).stream()
                    .filter(name -> name.regionMatches(true, 0, INTERNAL_PREFIX, 0, INTERNAL_PREFIX.length()))
                    .forEach(headers::remove);
        }).build();
        long max = route.maxBodyBytes();
        return new ServerHttpRequestDecorator(cleaned) {
            @Override
            public Flux<DataBuffer> getBody() {
                return limit(super.getBody(), max);
            }
        };
    }

    /** Counts bytes as they stream; a body that grows past {@code max} fails with a 413 (chunked uploads). */
    static Flux<DataBuffer> limit(Flux<DataBuffer> body, long max) {
        long[] seen = {0};
        return body.handle((buffer, sink) -> {
            seen[0] += buffer.readableByteCount();
            if (seen[0] > max) {
                DataBufferUtils.release(buffer);
                sink.error(new DataBufferLimitException("request body exceeds " + max + " bytes"));
            } else {
                sink.next(buffer);
            }
        });
    }

    /** A 5xx answer from an upstream counts as a failure for its breaker. */
    static final class UpstreamServerError extends RuntimeException {
        UpstreamServerError(int status) {
            super("upstream answered " + status, null, false, false);
        }
    }

}
