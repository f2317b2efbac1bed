package org.civicstack.certificates.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import tools.jackson.databind.JsonNode;

/**
 * Reads a JSON request body field by field, collecting every violation (JSON paths as field names, snake_case codes,
 * api-conventions.md) instead of stopping at the first, then {@link #check()} answers 400 {@code validation_failed}
 * with all of them. Unknown fields are violations too: a misspelt optional field must not be silently ignored.
 */
public final class Body {

    public static final Set<String> LANGUAGES = Set.of("zh-CN", "en");

    private final List<FieldViolation> violations = new ArrayList<>();

    public static Body reading() {
        return new Body();
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    public void violation(String field, String code, String message) {
        violations.add(new FieldViolation(field, code, message));
    }

    /** Throws the collected violations, if any. */
    public void check() {
        if (!violations.isEmpty()) {
            violations.sort(org.civicstack.platform.api.Violations.ORDER);
            throw ApiProblem.validation(List.copyOf(violations));
        }
    }

    /** {@code node} must be an object with only {@code allowed} fields; false (and a violation) otherwise. */
    public boolean object(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            violation(path.isEmpty() ? "body" : path, "invalid_type", "must be a JSON object");
            return false;
        }
        for (String name : new TreeSet<>(node.propertyNames())) {
            if (!allowed.contains(name)) {
                violation(join(path, name), "unknown_field", "is not a field of this request");
            }
        }
        return true;
    }

    public String string(JsonNode parent, String path, String name, boolean required, Pattern format, String formatHint) {
        JsonNode value = parent.get(name);
        String field = join(path, name);
        if (value == null || value.isNull()) {
            if (required) {
                violation(field, "required", "is required");
            }
            return null;
        }
        if (!value.isString()) {
            violation(field, "invalid_type", "must be a string");
            return null;
        }
        String text = value.stringValue();
        if (hasControlCharacters(text)) {
            violation(field, "invalid_characters", "must not contain control characters");
            return null;
        }
        if (format != null && !format.matcher(text).matches()) {
            violation(field, "invalid_format", formatHint);
            return null;
        }
        return text;
    }

    public Integer integer(JsonNode parent, String path, String name, boolean required, int min, int max) {
        JsonNode value = parent.get(name);
        String field = join(path, name);
        if (value == null || value.isNull()) {
            if (required) {
                violation(field, "required", "is required");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            violation(field, "out_of_range", "must be a whole number from " + min + " to " + max);
            return null;
        }
        return value.intValue();
    }

    public Boolean bool(JsonNode parent, String path, String name) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            violation(join(path, name), "invalid_type", "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    /** {@code {"zh-CN": "…", "en": "…"}}, both languages required, each 1-{@code maxLength} characters. */
    public Map<String, String> localized(JsonNode parent, String path, String name, boolean required, int maxLength) {
        JsonNode value = parent.get(name);
        String field = join(path, name);
        if (value == null || value.isNull()) {
            if (required) {
                violation(field, "required", "is required ({\"zh-CN\": …, \"en\": …})");
            }
            return null;
        }
        if (!object(value, field, LANGUAGES)) {
            return null;
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (String language : List.of("zh-CN", "en")) {
            String text = string(value, field, language, true, null, null);
            if (text != null) {
                if (text.isBlank() || text.length() > maxLength) {
                    violation(join(field, language), "invalid_length", "must be 1-" + maxLength + " characters");
                } else {
                    texts.put(language, text);
                }
            }
        }
        return texts.size() == 2 ? texts : null;
    }

    /** A list of strings, each matching {@code format}, no duplicates. */
    public List<String> strings(JsonNode parent, String path, String name, boolean required, Pattern format,
            int maxItems) {
        JsonNode value = parent.get(name);
        String field = join(path, name);
        if (value == null || value.isNull()) {
            if (required) {
                violation(field, "required", "is required");
            }
            return null;
        }
        if (!value.isArray() || value.size() == 0 || value.size() > maxItems) {
            violation(field, "invalid_type", "must be a list of 1-" + maxItems + " strings");
            return null;
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isString() || !format.matcher(item.stringValue()).matches()) {
                violation(field + "[" + i + "]", "invalid_format", "is not a valid name");
            } else if (items.contains(item.stringValue())) {
                violation(field + "[" + i + "]", "duplicate", "is listed twice");
            } else {
                items.add(item.stringValue());
            }
        }
        return items;
    }

    /** C0 controls (NUL included: PostgreSQL text and jsonb cannot hold it) and DEL; tab and line breaks allowed. */
    public static boolean hasControlCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
