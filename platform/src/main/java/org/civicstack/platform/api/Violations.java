package org.civicstack.platform.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import org.civicstack.platform.error.FieldViolation;

/**
 * Bean Validation results as the API reports them: field names are the JSON paths
 * ({@code definition.upstream.timeout_ms}, {@code tags[0]}) and codes the constraint names in snake_case
 * ({@code not_blank}), exactly as the platform's problem handler names Spring's binding errors.
 */
public final class Violations {

    /** Problems list fields in this order, so that the same request always gets the same answer. */
    public static final Comparator<FieldViolation> ORDER =
            Comparator.comparing(FieldViolation::field).thenComparing(FieldViolation::code);

    private Violations() {
    }

    /** Every constraint violation, {@code prefix} before each field name. */
    public static List<FieldViolation> of(Set<? extends ConstraintViolation<?>> found, String prefix) {
        List<FieldViolation> violations = new ArrayList<>();
        for (ConstraintViolation<?> v : found) {
            violations.add(new FieldViolation(prefix + fieldOf(v.getPropertyPath()),
                    snakeCase(v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName()),
                    v.getMessage()));
        }
        violations.sort(ORDER);
        return violations;
    }

    /** Like Spring's validator adapter: property names joined by '.', iterable positions as [i]. */
    public static String fieldOf(Path path) {
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
    public static String snakeCase(String name) {
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
