package org.civicstack.gateway.dispatch;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.civicstack.gateway.access.AccessControl;
import org.civicstack.gateway.ratelimit.RedisTokenBucketRateLimiter;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.web.RequestIds;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every dispatch shares: the routing index, the rate limiter, the upstream connections, the usage recorder and
 * the platform's problem format. One per gateway; the per-connection and per-request state lives in
 * {@link DispatchConnectionHandler} and {@link DispatchExchange}.
 */
final class DispatchEngine {

    private final RoutingIndex index;
    private final RedisTokenBucketRateLimiter limiter;
    private final UsageRecorder usage;
    private final UpstreamConnector connector;
    private final JsonMapper json;
    private final AccessControl access;

    DispatchEngine(RoutingIndex index, RedisTokenBucketRateLimiter limiter, UsageRecorder usage, UpstreamConnector connector,
            JsonMapper json, AccessControl access) {
        this.access = access;
        this.index = index;
        this.limiter = limiter;
        this.usage = usage;
        this.connector = connector;
        this.json = json;
    }

    RoutingIndex index() {
        return index;
    }

    RedisTokenBucketRateLimiter limiter() {
        return limiter;
    }

    AccessControl access() {
        return access;
    }

    UsageRecorder usage() {
        return usage;
    }

    UpstreamConnector connector() {
        return connector;
    }

    /** The platform's problem+json for {@code problem}, exactly as the web stack's problem handler writes it. */
    FullHttpResponse render(ApiProblem problem, String instance, String requestId, boolean keepAlive) {
        byte[] body = json.writeValueAsString(Problem.of(problem, instance).body(requestId))
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(problem.status()), Unpooled.wrappedBuffer(body));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        headers.set(RequestIds.HEADER, requestId);
        problem.headers().forEach(headers::set);
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }
}
