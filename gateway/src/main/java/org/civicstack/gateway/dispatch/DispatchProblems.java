package org.civicstack.gateway.dispatch;

import java.util.List;
import java.util.Map;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.web.Languages;
import org.civicstack.platform.web.Languages.Language;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** The problems agency dispatch answers with; citizen-facing ones in the caller's language (zh-CN or en). */
final class DispatchProblems {

    private DispatchProblems() {
    }

    static ApiProblem unknownService() {
        return ApiProblem.notFound("service_not_found", "No service is published under this code.");
    }

    static ApiProblem suspended(ServerHttpRequest request, DispatchRoute route) {
        return new ApiProblem(404, "service_suspended", "Service suspended", localized(request,
                "「" + route.entry().nameZhCn() + "」暂停服务，请稍后再试。",
                "\"" + route.entry().nameEn() + "\" is temporarily unavailable. Please try again later."));
    }

    static ApiProblem retired(ServerHttpRequest request, DispatchRoute route) {
        return new ApiProblem(410, "service_retired", "Service retired", localized(request,
                "「" + route.entry().nameZhCn() + "」已停止提供。",
                "\"" + route.entry().nameEn() + "\" is no longer offered."));
    }

    static ApiProblem methodNotAllowed(DispatchRoute route) {
        return new ApiProblem(405, "method_not_allowed", "Method not allowed",
                "This service accepts " + route.allowHeader() + ".", List.of(), Map.of("Allow", route.allowHeader()));
    }

    static ApiProblem pathNotPublished() {
        return ApiProblem.notFound("path_not_published", "This service publishes nothing at this path.");
    }

    static ApiProblem tooLarge(long max) {
        return new ApiProblem(413, "payload_too_large", "Payload too large",
                "This service accepts request bodies up to " + max + " bytes.");
    }

    static ApiProblem breakerOpen(DispatchRoute route) {
        return new ApiProblem(503, "service_unavailable", "Service unavailable",
                "The agency's system is failing; calls are paused for a short while.", List.of(),
                Map.of("Retry-After", String.valueOf(route.openSeconds())));
    }

    static ApiProblem busy() {
        return new ApiProblem(503, "service_busy", "Service busy",
                "The agency's system has too many requests in progress.", List.of(), Map.of("Retry-After", "1"));
    }

    static ApiProblem notReady() {
        return new ApiProblem(503, "routing_not_ready", "Service unavailable",
                "The gateway is still loading the service directory.", List.of(), Map.of("Retry-After", "5"));
    }

    private static String localized(ServerHttpRequest request, String zh, String en) {
        return Languages.preferred(request.getHeaders().getFirst("Accept-Language"), Language.EN) == Language.ZH_CN
                ? zh : en;
    }
}
