package org.civicstack.registry.bulk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.registry.service.domain.ServiceCode;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one line of an import file into a {@link ServiceLine} that passed everything that needs no I/O: JSON
 * syntax, the shape (unknown fields are refused, as on every write API), Bean Validation of the whole line and the
 * row rules (code format, status and reason). Field names in problems are the JSON paths ({@code
 * definition.upstream.timeout_ms}) and codes are the constraint names in snake_case, as the platform's problem
 * handler reports them for the single-service API.
 */
@Component
public class ServiceLineReader {

    /** Result of reading one line. */
    public sealed interface Read permits Valid, Invalid {
    }

    /** The line is a row that can be applied. */
    public record Valid(ServiceLine line) implements Read {
    }

    /** The line cannot be applied; {@code code} is the service code when the line got far enough to tell. */
    public record Invalid(String code, ApiProblem problem) implements Read {
    }

    static final String MALFORMED_JSON = "malformed_json";

    private final ObjectReader lineReader;
    private final JsonMapper json;
    private final Validator validator;

    public ServiceLineReader(JsonMapper json, Validator validator) {
        this.json = json;
        this.lineReader = json.readerFor(ServiceLine.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.validator = validator;
    }

    public Read read(String text) {
        ServiceLine line;
        try {
            line = lineReader.readValue(text);
        } catch (DatabindException e) {
            return new Invalid(codeIn(text), shapeProblem(e));
        } catch (StreamReadException e) {
            return new Invalid(null, malformed("The line is not valid JSON" + column(e) + "."));
        } catch (JacksonException e) {
            return new Invalid(null, malformed("The line is not JSON this API accepts (too deep, too long or too large)."));
        }
        if (line == null) {
            return new Invalid(null, malformed("Each line must be one JSON object."));
        }
        List<FieldViolation> violations = beanViolations(validator.validate(line));
        violations.addAll(rowViolations(line));
        return violations.isEmpty() ? new Valid(line) : new Invalid(line.code(), ApiProblem.validation(violations));
    }

    private static List<FieldViolation> beanViolations(Set<ConstraintViolation<ServiceLine>> found) {
        List<FieldViolation> violations = new ArrayList<>();
        for (ConstraintViolation<ServiceLine> v : found) {
            violations.add(new FieldViolation(fieldOf(v.getPropertyPath()),
                    snakeCase(v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName()),
                    v.getMessage()));
        }
        violations.sort(Comparator.comparing(FieldViolation::field).thenComparing(FieldViolation::code));
        return violations;
    }

    private static List<FieldViolation> rowViolations(ServiceLine line) {
        List<FieldViolation> violations = new ArrayList<>();
        if (line.code() != null && !line.code().isBlank() && !ServiceCode.isValid(line.code())) {
            violations.add(new FieldViolation("code", "pattern",
                    "3-64 lower-case letters, digits and single hyphens, starting with a letter"));
        }
        if (line.publish() != null && line.status() != null) {
            violations.add(new FieldViolation("publish", "conflicts_with_status",
                    "give either publish or status, not both"));
        }
        boolean needsReason = line.targetStatus() == ServiceStatus.SUSPENDED || line.targetStatus() == ServiceStatus.RETIRED;
        if (needsReason && (line.statusReason() == null || line.statusReason().isBlank())) {
            violations.add(new FieldViolation("status_reason", "not_blank",
                    "a suspended or retired service needs the reason"));
        }
        if (!needsReason && line.statusReason() != null) {
            violations.add(new FieldViolation("status_reason", "not_applicable",
                    "only a suspended or retired service has a status reason"));
        }
        return violations;
    }

    /** Wrong shape: an unknown field or a value of the wrong type, named by its JSON path. */
    private static ApiProblem shapeProblem(DatabindException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .reduce("", String::concat);
        field = field.startsWith(".") ? field.substring(1) : field;
        if (field.isEmpty()) {
            return malformed("Each line must be one JSON object.");
        }
        FieldViolation violation = e instanceof UnrecognizedPropertyException
                ? new FieldViolation(field, "unknown_field", "unknown field")
                : new FieldViolation(field, "invalid_value", "has a value of the wrong type or format");
        return ApiProblem.validation(List.of(violation));
    }

    private static ApiProblem malformed(String detail) {
        return new ApiProblem(400, MALFORMED_JSON, "Malformed JSON", detail,
                List.of(new FieldViolation("", MALFORMED_JSON, detail)), Map.of());
    }

    /** The service code of a line that is JSON but not a valid row, so its result can name the service. */
    private String codeIn(String text) {
        try {
            JsonNode code = json.readTree(text).get("code");
            return code != null && code.isString() ? code.asString() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String column(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getColumnNr() < 0 ? ""
                : " (column " + e.getLocation().getColumnNr() + ")";
    }

    /** Like Spring's validator adapter: property names joined by '.', iterable positions as [i]. */
    static String fieldOf(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.isInIterable() && !field.isEmpty()) {
                Object index = node.getIndex() != null ? node.getIndex() : node.getKey();
                field.append('[').append(index == null ? "" : index).append(']');
            }
            String name = node.getName();
            if (name != null && node.getKind() == ElementKind.PROPERTY && !name.startsWith("<")) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(snakeCase(name));
            }
        }
        return field.toString();
    }

    /** {@code timeoutMs} → {@code timeout_ms}, {@code NotBlank} → {@code not_blank}. */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
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
