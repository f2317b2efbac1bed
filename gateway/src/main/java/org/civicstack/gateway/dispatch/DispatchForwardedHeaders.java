package org.civicstack.gateway.dispatch;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Standard forwarding headers for agency upstreams, set from what the gateway itself observed (never from what the
 * client claimed, which {@link AgencyDispatchFilter} strips). Runs last among the request header filters, after
 * Spring Cloud Gateway's own forwarded-header handling.
 */
public final class DispatchForwardedHeaders implements HttpHeadersFilter, Ordered {

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (route == null || !route.getId().startsWith(DispatchRoute.ROUTE_ID_PREFIX)) {
            return input;
        }
        ServerHttpRequest request = exchange.getRequest();
        String client = request.getRemoteAddress() == null || request.getRemoteAddress().getAddress() == null
                ? "unknown" : request.getRemoteAddress().getAddress().getHostAddress();
        String forwardedFor = client.contains(":") ? "[" + client + "]" : client;
        String proto = request.getURI().getScheme();
        String host = request.getHeaders().getFirst(HttpHeaders.HOST);
        HttpHeaders out = new HttpHeaders();
        out.putAll(input);
        out.set("X-Forwarded-For", client);
        out.set("X-Forwarded-Proto", proto);
        out.set("X-Forwarded-Prefix", AgencyDispatchFilter.PREFIX + route.getId().substring(DispatchRoute.ROUTE_ID_PREFIX.length()));
        if (host != null) {
            out.set("X-Forwarded-Host", host);
        }
        out.set("Forwarded", "for=\"" + forwardedFor + "\";proto=" + proto + (host != null ? ";host=\"" + host + "\"" : ""));
        return out;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
