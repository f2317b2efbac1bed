package org.civicstack.platform.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.web.ErrorResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Maps any exception to the platform {@link Problem}: first the service's own {@link ProblemMapper}s, then
 * {@link ApiProblem}, Spring's validation and {@link ErrorResponse} exceptions, and finally a generic 500 that hides
 * the cause (which is logged with the trace id instead). Shared by the reactive and the servlet handler so both
 * stacks answer identically.
 */
public final class ProblemResolver {

    private static final Logger log = LoggerFactory.getLogger(ProblemResolver.class);

    /** How Jackson's duplicate detection words the field it found twice (tools.jackson.core.json.JsonReadContext). */
    private static final String DUPLICATE_FIELD = "Duplicate Object property \"";

    private final List<ProblemMapper> mappers;

    public ProblemResolver(List<ProblemMapper> mappers) {
        this.mappers = List.copyOf(mappers);
    }

    public Problem resolve(Throwable error, String instance) {
        for (ProblemMapper mapper : mappers) {
            Optional<Problem> mapped = mapper.map(error, instance);
            if (mapped.isPresent()) {
                return mapped.get();
            }
        }
        if (error instanceof ApiProblem problem) {
            return Problem.of(problem, instance);
        }
        if (error instanceof BindingResult binding && binding.hasErrors()) {
            return validation(binding, instance);
        }
        Throwable tooLarge = findCause(error, DataBufferLimitException.class);
        if (tooLarge != null) {
            return Problem.ofStatus(413, "The request body is larger than this endpoint accepts.", instance);
        }
        if (error instanceof HttpMessageNotReadableException) {
            // the servlet stack's unreadable body (broken JSON, unknown field); not an ErrorResponse there
            return Problem.ofStatus(400, describeBadInput(error), instance);
        }
        if (error instanceof ErrorResponse response) {
            return fromErrorResponse(response, error, instance);
        }
        Throwable resource = findResourceFailure(error);
        if (resource != null) {
            log.warn("503 on {}: a backing resource is unavailable: {}", instance, resource.toString());
            return Problem.ofStatus(503, "The service is briefly unable to reach its data store; retry shortly.",
                    instance).withHeader("Retry-After", "1");
        }
        log.error("Unhandled error on {}", instance, error);
        return Problem.ofStatus(500, "An unexpected error occurred. Quote the request id when reporting it.", instance);
    }

    private static Problem fromErrorResponse(ErrorResponse response, Throwable error, String instance) {
        int status = response.getStatusCode().value();
        String detail = switch (status) {
            case 400 -> describeBadInput(error);
            case 404 -> "Nothing is published at this path.";
            default -> response.getBody().getDetail();
        };
        if (status == 500) {
            log.error("Server error on {}", instance, error);
        } else if (status > 500) {
            log.warn("{} on {}: {}", status, instance, error.getMessage());
        }
        Problem problem = Problem.ofStatus(status, detail, instance);
        HttpHeaders headers = response.getHeaders();
        for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            problem = problem.withHeader(header.getKey(), String.join(", ", header.getValue()));
        }
        return problem;
    }

    private static Problem validation(BindingResult binding, String instance) {
        List<FieldViolation> violations = new ArrayList<>();
        binding.getFieldErrors().forEach(fe -> violations.add(new FieldViolation(
                JsonNames.snakeCase(fe.getField()), violationCode(fe.getCode()),
                fe.getDefaultMessage() == null ? "is invalid" : fe.getDefaultMessage())));
        binding.getGlobalErrors().forEach(ge -> violations.add(new FieldViolation(
                "", violationCode(ge.getCode()), ge.getDefaultMessage() == null ? "is invalid" : ge.getDefaultMessage())));
        return Problem.of(ApiProblem.validation(violations), instance);
    }

    /** Bean Validation constraint names ({@code NotBlank}) as snake_case codes ({@code not_blank}). */
    static String violationCode(String constraint) {
        if (constraint == null || constraint.isBlank()) {
            return "invalid";
        }
        String snake = JsonNames.snakeCase(constraint);
        return snake.matches("[a-z][a-z0-9_]{1,63}") ? snake : "invalid";
    }

    /** A reason a client can fix, without class names or internals. */
    static String describeBadInput(Throwable error) {
        UnrecognizedPropertyException unknown = findCause(error, UnrecognizedPropertyException.class);
        if (unknown != null) {
            return "Unknown field '" + path(unknown) + "'.";
        }
        StreamReadException syntax = findCause(error, StreamReadException.class);
        if (syntax != null) {
            String message = syntax.getOriginalMessage();
            if (message != null && message.startsWith(DUPLICATE_FIELD) && message.endsWith("\"")
                    && message.length() > DUPLICATE_FIELD.length() + 1) {
                return "Field '" + message.substring(DUPLICATE_FIELD.length(), message.length() - 1)
                        + "' appears more than once in an object" + location(syntax) + ".";
            }
            return "The body is not valid JSON" + location(syntax) + ".";
        }
        DatabindException binding = findCause(error, DatabindException.class);
        if (binding != null) {
            String path = path(binding);
            return path.isEmpty() ? "The body does not match the expected structure."
                    : "Field '" + path + "' has a value of the wrong type or format.";
        }
        if (findCause(error, DecodingException.class) != null) {
            return "The body could not be read.";
        }
        if (error instanceof ErrorResponse response && response.getBody().getDetail() != null) {
            return response.getBody().getDetail();
        }
        return "The request could not be understood.";
    }

    private static String path(DatabindException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String location(JacksonException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 0) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /**
     * Spring's "the database/Redis cannot be reached or no connection is free" exceptions (a pool's wait timed out,
     * a connection refused): the request was fine and may be retried, so 503 with {@code Retry-After}, not 500.
     * Matched by class name because not every service has spring-tx on its class path.
     */
    private static final java.util.Set<String> RESOURCE_FAILURES = java.util.Set.of(
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessResourceException",
            "org.springframework.dao.QueryTimeoutException");

    static Throwable findResourceFailure(Throwable error) {
        Throwable current = error;
        for (int depth = 0; current != null && depth < 16; depth++) {
            for (Class<?> type = current.getClass(); type != null; type = type.getSuperclass()) {
                if (RESOURCE_FAILURES.contains(type.getName())) {
                    return current;
                }
            }
            current = current.getCause();
        }
        return null;
    }

    static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
        Throwable current = error;
        for (int depth = 0; current != null && depth < 16; depth++) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        return null;
    }

    /** Small helper for naming: Java property names to the snake_case the API shows. */
    static final class JsonNames {
        private JsonNames() {
        }

        static String snakeCase(String name) {
            StringBuilder out = new StringBuilder(name.length() + 8);
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.isUpperCase(c)) {
                    if (i > 0 && name.charAt(i - 1) != '.' && name.charAt(i - 1) != '[') {
                        out.append('_');
                    }
                    out.append(Character.toLowerCase(c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }

}
