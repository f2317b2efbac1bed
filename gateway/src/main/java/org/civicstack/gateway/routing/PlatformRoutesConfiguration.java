package org.civicstack.gateway.routing;

import org.civicstack.platform.web.RequestIds;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The fixed platform routes: each service's public paths, plus {@code /openapi/{service}} for its OpenAPI document,
 * each with the service's own connect and response timeouts.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformRoutesConfiguration {

    public static final String OPENAPI_PREFIX = "/openapi/";

    @Bean
    RouteLocator platformRoutes(RouteLocatorBuilder builder, GatewayProperties properties) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        for (PlatformService service : PlatformService.values()) {
            GatewayProperties.Upstream upstream = properties.upstream(service);
            routes.route(service.id(), r -> r
                    .path(service.paths().toArray(String[]::new))
                    .metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, (int) upstream.connectTimeout().toMillis())
                    .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, upstream.responseTimeout().toMillis())
                    .uri(upstream.uri()));
            routes.route(service.id() + "-openapi", r -> r
                    .path(OPENAPI_PREFIX + service.id())
                    .filters(f -> f.setPath("/v3/api-docs"))
                    .metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, (int) upstream.connectTimeout().toMillis())
                    .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, upstream.responseTimeout().toMillis())
                    .uri(upstream.uri()));
        }
        // agency services (/s/**) never reach this route table: the dispatch handler in the HTTP server takes them
        return routes.build();
    }

    /**
     * The gateway answers every request with its own {@code X-Request-Id} (the id it also forwarded), so the one a
     * platform service echoes is dropped instead of being added as a second header.
     */
    @Bean
    HttpHeadersFilter upstreamRequestIdRemover() {
        return new HttpHeadersFilter() {
            @Override
            public HttpHeaders filter(HttpHeaders input, org.springframework.web.server.ServerWebExchange exchange) {
                if (!input.containsHeader(RequestIds.HEADER)) {
                    return input;
                }
                HttpHeaders filtered = new HttpHeaders();
                input.forEach((name, values) -> {
                    if (!name.equalsIgnoreCase(RequestIds.HEADER)) {
                        filtered.addAll(name, values);
                    }
                });
                return filtered;
            }

            @Override
            public boolean supports(Type type) {
                return type == Type.RESPONSE;
            }
        };
    }
}
