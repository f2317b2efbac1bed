package org.civicstack.platform.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.error.ProblemCodes;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a registry write request so that its shape errors do not end the request: an unknown field or a value of
 * the wrong type or format ({@code "audience": "martian"}, {@code "timeout_ms": "fast"}) becomes a
 * {@link FieldViolation} ({@code unknown_field}, {@code invalid_value}) on its JSON path, the value is left empty,
 * and reading goes on — so that these errors are reported together with every other rule of the request instead
 * of alone (Jackson stops at the first one). JSON that is not well-formed still fails at once.
 *
 * <p>A field that had a shape error must not be reported again by the rules that run on the value read (its
 * {@code not_null} after being left empty): {@link Read#merge} drops those.
 */

public class LenientJson {

    /** The value read (may be {@code null} when the document was not an object), and the shape errors found. */
    public record Read<T>(T value, List<FieldViolation> violations) {

        /**
         * The shape errors followed by {@code others}, without those of {@code others} on a field (or inside a
         * field) that already has a shape error.
         */
        public List<FieldViolation> merge(List<FieldViolation> others) {
            return LenientJson.merge(violations, others);
        }
    }

    /** {@code shape} followed by those of {@code others} that are not on (or inside) a field of {@code shape}. */
    public static List<FieldViolation> merge(List<FieldViolation> shape, List<FieldViolation> others) {
        List<FieldViolation> all = new ArrayList<>(shape);
        for (FieldViolation other : others) {
            if (shape.stream().noneMatch(s -> covers(s.field(), other.field()))) {
                all.add(other);
            }
        }
        return all;
    }

    private static boolean covers(String field, String other) {
        return field.isEmpty() || other.equals(field) || other.startsWith(field + ".") || other.startsWith(field + "[");
    }

    private final JsonMapper json;

    public LenientJson(JsonMapper json) {
        this.json = json;
    }

    /**
     * Binds an already parsed request body.
     *
     * @throws ApiProblem 400 {@code malformed_request} when the body is not a JSON object
     */
    public <T> Read<T> read(JsonNode body, Class<T> type) {
        Collector collector = new Collector();
        T value;
        try {
            value = body == null || !body.isObject() ? null : json.readerFor(type).withHandler(collector).readValue(body);
        } catch (DatabindException e) {
            value = null;
        }
        if (value == null) {
            throw ApiProblem.badRequest(ProblemCodes.MALFORMED_REQUEST, "The body must be one JSON object.");
        }
        return new Read<>(value, List.copyOf(collector.violations));
    }

    /**
     * Parses and binds {@code text} (one NDJSON line); anything after the first JSON value is refused.
     *
     * @throws tools.jackson.core.JacksonException when the text is not well-formed JSON
     */
    public <T> Read<T> read(String text, Class<T> type) {
        Collector collector = new Collector();
        T value = json.readerFor(type).withHandler(collector).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readValue(text);
        return new Read<>(value, List.copyOf(collector.violations));
    }

    /** Records each problem on its path and lets reading go on with an empty value. One per read. */
    private static final class Collector extends DeserializationProblemHandler {

        private static final Map<Class<?>, Object> PRIMITIVE_ZERO = Map.of(int.class, 0, long.class, 0L,
                double.class, 0.0d, float.class, 0.0f, short.class, (short) 0, byte.class, (byte) 0,
                boolean.class, false, char.class, '\0');

        final List<FieldViolation> violations = new ArrayList<>();

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) {
            add(valuePath(p), "unknown_field", "unknown field");
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                String failureMsg) {
            return invalid(ctxt.getParser(), targetType);
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                String failureMsg) {
            return invalid(ctxt.getParser(), targetType);
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken token,
                JsonParser p, String failureMsg) {
            if (valuePath(p).isEmpty()) {
                return NOT_HANDLED; // the body itself is not what the API takes: no field to name
            }
            Object empty = invalid(p, targetType.getRawClass());
            p.skipChildren();
            return empty;
        }

        private Object invalid(JsonParser p, Class<?> targetType) {
            add(valuePath(p), "invalid_value", "has a value of the wrong type or format");
            return PRIMITIVE_ZERO.get(targetType);
        }

        private void add(String field, String code, String message) {
            if (violations.stream().noneMatch(v -> v.field().equals(field))) {
                violations.add(new FieldViolation(field, code, message));
            }
        }

        /**
         * The JSON path of the value the parser is at, as the API names fields ({@code definition.tags[0]}): the
         * name or index it has in its enclosing object or array (when the value is itself an object or array, the
         * parser has already entered it, so its own context is skipped).
         */
        static String valuePath(JsonParser p) {
            TokenStreamContext context = p.streamReadContext();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                context = context.getParent();
            }
            return path(context);
        }

        static String path(TokenStreamContext context) {
            Deque<String> parts = new ArrayDeque<>();
            for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inArray()) {
                    parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
                } else if (c.inObject() && c.currentName() != null) {
                    parts.push("." + c.currentName());
                }
            }
            String path = String.join("", parts);
            return path.startsWith(".") ? path.substring(1) : path;
        }
    }
}
