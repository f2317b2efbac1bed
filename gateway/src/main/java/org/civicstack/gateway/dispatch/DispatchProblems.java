package org.civicstack.gateway.dispatch;

import java.util.List;
import java.util.Map;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.web.Languages;
import org.civicstack.platform.web.Languages.Language;

/** The problems agency dispatch answers with; citizen-facing ones in the caller's language (zh-CN or en). */
final class DispatchProblems {

    private DispatchProblems() {
    }

    static ApiProblem unknownService() {
        return ApiProblem.notFound("service_not_found", "No service is published under this code.");
    }

    static ApiProblem suspended(String acceptLanguage, DispatchRoute route) {
        return new ApiProblem(404, "service_suspended", "Service suspended", localized(acceptLanguage,
                "「" + route.entry().nameZhCn() + "」暂停服务，请稍后再试。",
                "\"" + route.entry().nameEn() + "\" is temporarily unavailable. Please try again later."));
    }

    static ApiProblem retired(String acceptLanguage, DispatchRoute route) {
        return new ApiProblem(410, "service_retired", "Service retired", localized(acceptLanguage,
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

    static ApiProblem pathNotAcceptable() {
        return ApiProblem.badRequest("path_not_acceptable",
                "The path contains dot segments or encoded separators, which the gateway does not forward.");
    }

    static ApiProblem upstreamTimeout(DispatchRoute route) {
        return new ApiProblem(504, ProblemCodes.GATEWAY_TIMEOUT, "Gateway timeout",
                "The agency's system did not answer within " + route.timeoutMs() + " ms.");
    }

    static ApiProblem upstreamRefused() {
        return new ApiProblem(502, "upstream_refused", "Bad gateway",
                "The agency's system is at an address the platform does not connect to.");
    }

    static ApiProblem upstreamBroken() {
        return new ApiProblem(502, ProblemCodes.BAD_GATEWAY, "Bad gateway",
                "The agency's system closed the connection or answered with something that is not HTTP.");
    }

    private static String localized(String acceptLanguage, String zh, String en) {
        return Languages.preferred(acceptLanguage, Language.EN) == Language.ZH_CN ? zh : en;
    }
}
