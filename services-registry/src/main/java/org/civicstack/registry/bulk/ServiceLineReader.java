package org.civicstack.registry.bulk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.validation.Validator;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.api.Violations;
import org.civicstack.registry.service.app.ServiceValidation;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one line of an import file into a {@link ServiceLine}: JSON syntax errors end the line at once; shape errors
 * (unknown fields, refused as on every write API, and values of the wrong type; see {@link LenientJson}), Bean
 * Validation of the whole line and the row rules (code format, status and reason) are collected, to be reported
 * with the definition's other rules. Field names in problems are the JSON paths ({@code
 * definition.upstream.timeout_ms}) and codes are the constraint names in snake_case, as the platform's problem
 * handler reports them for the single-service API.
 */
@Component
public class ServiceLineReader {

    /** Result of reading one line. */
    public sealed interface Read permits Parsed, Invalid {
    }

    /**
     * The line is a row; {@code violations} are what Bean Validation and the row rules found in it (empty when
     * none). The caller adds the checks that need I/O and reports all of them together (see
     * {@link org.civicstack.registry.service.app.ServiceValidation}).
     */
    public record Parsed(ServiceLine line, List<FieldViolation> violations) implements Read {
    }

    /** The line cannot be read as a row; {@code code} is the service code when the line got far enough to tell. */
    public record Invalid(String code, ApiProblem problem) implements Read {
    }

    static final String MALFORMED_JSON = "malformed_json";

    private final LenientJson lenient;
    private final JsonMapper json;
    private final Validator validator;

    public ServiceLineReader(LenientJson lenient, JsonMapper json, Validator validator) {
        this.lenient = lenient;
        this.json = json;
        this.validator = validator;
    }

    public Read read(String text) {
        LenientJson.Read<ServiceLine> read;
        try {
            read = lenient.read(text, ServiceLine.class);
        } catch (DatabindException e) {
            return new Invalid(codeIn(text), shapeProblem(e));
        } catch (StreamReadException e) {
            return new Invalid(null, malformed("The line is not valid JSON" + column(e) + "."));
        } catch (JacksonException e) {
            return new Invalid(null, malformed("The line is not JSON this API accepts (too deep, too long or too large)."));
        }
        ServiceLine line = read.value();
        if (line == null) {
            return new Invalid(null, malformed("Each line must be one JSON object."));
        }
        List<FieldViolation> rules = new ArrayList<>(Violations.of(validator.validate(line), ""));
        rules.addAll(rowViolations(line));
        return new Parsed(line, List.copyOf(read.merge(rules)));
    }

    private static List<FieldViolation> rowViolations(ServiceLine line) {
        List<FieldViolation> violations = new ArrayList<>();
        violations.addAll(ServiceValidation.codeRule("code", line.code()));
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
}
