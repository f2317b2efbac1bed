package org.civicstack.platform.error;

import java.nio.charset.StandardCharsets;

import org.civicstack.platform.web.RequestIds;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reactive stack's single error renderer: every exception that reaches the web layer, including 404 for an
 * unknown path, leaves as RFC 9457 problem+json. Ordered before Spring Boot's default error handler.
 */
public final class ReactiveProblemHandler implements WebExceptionHandler, Ordered {

    private static final MediaType PROBLEM_JSON = MediaType.parseMediaType(Problem.MEDIA_TYPE);

    private final ProblemResolver resolver;
    private final JsonMapper json;

    public ReactiveProblemHandler(ProblemResolver resolver, JsonMapper json) {
        this.resolver = resolver;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        Problem problem = resolver.resolve(error, exchange.getRequest().getPath().value());
        String requestId = exchange.getAttribute(RequestIds.ATTRIBUTE);
        byte[] bytes = json.writeValueAsString(problem.body(requestId)).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.valueOf(problem.status()));
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        problem.headers().forEach(headers::set);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    @Override
    public int getOrder() {
        return -2;
    }
}
