package org.civicstack.platform.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An error a client can act on, raised anywhere in a service and rendered as RFC 9457 problem+json by the one
 * problem handler of that service. Subclass it per domain failure ({@code ServiceNotFound}, {@code RefundRejected})
 * so the throw site reads like the rule it enforces.
 *
 * <p>Callers may rely on: {@link #status()} becomes the HTTP status, {@link #code()} the stable
 * {@code code} member, {@link #getMessage()} the {@code detail} member (so it must never contain secrets or
 * internals), {@link #headers()} extra response headers such as {@code Retry-After}.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldViolation> errors;
    private final Map<String, String> headers;

    public ApiProblem(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of(), Map.of());
    }

    public ApiProblem(int status, String code, String title, String detail, List<FieldViolation> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("problem status must be 4xx or 5xx: " + status);
        }
        this.status = status;
        this.code = ProblemCodes.requireValid(code);
        this.title = Objects.requireNonNull(title, "title");
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ApiProblem notFound(String code, String detail) {
        return new ApiProblem(404, code, "Not found", detail);
    }

    public static ApiProblem badRequest(String code, String detail) {
        return new ApiProblem(400, code, "Bad request", detail);
    }

    public static ApiProblem conflict(String code, String detail) {
        return new ApiProblem(409, code, "Conflict", detail);
    }

    public static ApiProblem unprocessable(String code, String detail) {
        return new ApiProblem(422, code, "Unprocessable request", detail);
    }

    public static ApiProblem validation(List<FieldViolation> errors) {
        return new ApiProblem(400, ProblemCodes.VALIDATION_FAILED, "Validation failed",
                "The request has " + errors.size() + " invalid field(s).", errors, Map.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldViolation> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
