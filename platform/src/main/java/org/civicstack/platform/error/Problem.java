package org.civicstack.platform.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one RFC 9457 problem body of the platform, independent of the web stack. Both the reactive and the servlet
 * handler build one of these and write {@link #body()} as {@code application/problem+json}.
 *
 * @param headers extra response headers (e.g. {@code Retry-After}, {@code WWW-Authenticate})
 */
public record Problem(int status, String code, String title, String detail, String instance,
        List<FieldViolation> errors, Map<String, String> headers) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:civicstack:problem:";

    public Problem {
        ProblemCodes.requireValid(code);
        errors = List.copyOf(errors);
        headers = Map.copyOf(headers);
    }

    public static Problem of(ApiProblem problem, String instance) {
        return new Problem(problem.status(), problem.code(), problem.title(), problem.getMessage(), instance,
                problem.errors(), problem.headers());
    }

    public static Problem ofStatus(int status, String detail, String instance) {
        return new Problem(status, ProblemCodes.forStatus(status), ProblemCodes.titleFor(status), detail, instance,
                List.of(), Map.of());
    }

    public Problem withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Problem(status, code, title, detail, instance, errors, copy);
    }

    /** The JSON members in RFC 9457 order, plus {@code code}, {@code request_id} and, for validation, {@code errors}. */
    public Map<String, Object> body(String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + code);
        body.put("title", title);
        body.put("status", status);
        if (detail != null && !detail.isBlank()) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", code);
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        if (!errors.isEmpty()) {
            body.put("errors", errors.stream().map(Problem::violation).toList());
        }
        return body;
    }

    private static Map<String, Object> violation(FieldViolation v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("field", v.field());
        m.put("code", v.code());
        m.put("message", v.message());
        return m;
    }
}
