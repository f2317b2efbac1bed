package org.civicstack.certificates.issuance;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.types.ClaimDefinition;
import org.civicstack.certificates.types.CredentialType;
import tools.jackson.databind.JsonNode;

/** Checks claim values against their type's schema and turns them into the values the credential carries. */
final class ClaimValues {

    static final int MAX_STRING = 2000;

    private ClaimValues() {
    }

    /** Every claim of {@code type}, checked; violations go to {@code read} under {@code claims.<name>}. */
    static Map<String, Object> read(JsonNode claims, CredentialType type, Body read) {
        return read(claims, type, read, "claims");
    }

    /** The same, with violations under {@code <path>.<name>} (an item of a batch: {@code credentials[3].claims}). */
    static Map<String, Object> read(JsonNode claims, CredentialType type, Body read, String path) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (claims == null || !claims.isObject()) {
            read.violation(path, "required", "the claim values are required, as an object");
            return values;
        }
        for (String name : new TreeSet<>(claims.propertyNames())) {
            if (type.claim(name).isEmpty()) {
                read.violation(path + "." + name, "unknown_claim", "is not a claim of type " + type.id());
            }
        }
        for (ClaimDefinition claim : type.claims()) {
            JsonNode value = claims.get(claim.name());
            String field = path + "." + claim.name();
            if (value == null || value.isNull()) {
                if (claim.required()) {
                    read.violation(field, "required", "is required by type " + type.id());
                }
                continue;
            }
            Object converted = switch (claim.type()) {
                case "string" -> value.isString() && !value.stringValue().isBlank()
                        && value.stringValue().length() <= MAX_STRING
                        && !Body.hasControlCharacters(value.stringValue()) ? value.stringValue() : null;
                case "integer" -> value.isIntegralNumber() && value.canConvertToLong() ? (Object) value.longValue() : null;
                case "number" -> !value.isNumber() ? null : value.isIntegralNumber()
                        ? (value.canConvertToLong() ? (Object) value.longValue() : null)
                        : (Double.isFinite(value.doubleValue()) ? (Object) value.doubleValue() : null);
                case "boolean" -> value.isBoolean() ? (Object) value.booleanValue() : null;
                case "date" -> date(value);
                default -> null;
            };
            if (converted == null) {
                read.violation(field, "invalid_value", hint(claim.type()));
            } else {
                values.put(claim.name(), converted);
            }
        }
        return values;
    }

    private static String date(JsonNode value) {
        if (!value.isString() || !value.stringValue().matches("\\d{4}-\\d{2}-\\d{2}")) {
            return null;
        }
        try {
            LocalDate.parse(value.stringValue());
            return value.stringValue();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String hint(String type) {
        return switch (type) {
            case "string" -> "must be a non-blank string of at most " + MAX_STRING + " characters, without control characters";
            case "integer" -> "must be a whole number";
            case "number" -> "must be a finite number (integers within 64 bits)";
            case "boolean" -> "must be true or false";
            case "date" -> "must be a calendar date, YYYY-MM-DD";
            default -> "has an unknown type";
        };
    }
}
