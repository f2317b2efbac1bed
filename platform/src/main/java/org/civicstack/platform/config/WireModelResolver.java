package org.civicstack.platform.config;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.media.Schema;

/**
 * swagger-core's model resolver, told how the services' JSON mapper writes: property names through the same
 * naming strategy ({@code spring.jackson.property-naming-strategy}) and enum constants lower-cased when
 * {@code spring.jackson.datatype.enum.write-enums-to-lowercase} is on. Without it the documents show Java names
 * ({@code nameZhCn}, {@code MUNICIPAL_UNIT}) while the wire carries {@code name_zh_cn} and {@code municipal_unit}.
 *
 * <p>swagger-core introspects with Jackson 2; Boot's mapper is Jackson 3. The two read the same
 * {@code com.fasterxml.jackson.annotation} annotations, so an explicit {@code @JsonProperty} or {@code @JsonValue}
 * wins here as it does on the wire: only enum values that are the constant's plain name are lower-cased.
 */
public class WireModelResolver extends ModelResolver {

    private final boolean lowerCaseEnums;

    WireModelResolver(ObjectMapper mapper, boolean lowerCaseEnums, boolean openapi31) {
        super(mapper);
        this.lowerCaseEnums = lowerCaseEnums;
        openapi31(openapi31);
    }

    /**
     * @param namingStrategy the value of {@code spring.jackson.property-naming-strategy}: a constant of
     *        {@code PropertyNamingStrategies} ({@code SNAKE_CASE}) or null for Java names
     */
    public static WireModelResolver of(String namingStrategy, boolean lowerCaseEnums, boolean openapi31) {
        JsonMapper.Builder mapper = JsonMapper.builder();
        if (namingStrategy != null && !namingStrategy.isBlank()) {
            mapper.propertyNamingStrategy(strategy(namingStrategy.strip()));
        }
        return new WireModelResolver(mapper.build(), lowerCaseEnums, openapi31);
    }

    static PropertyNamingStrategy strategy(String name) {
        String constant = name.substring(name.lastIndexOf('.') + 1);
        try {
            return (PropertyNamingStrategy) PropertyNamingStrategies.class.getField(constant).get(null);
        } catch (NoSuchFieldException | IllegalAccessException | ClassCastException e) {
            throw new IllegalStateException("spring.jackson.property-naming-strategy=" + name
                    + " has no counterpart the OpenAPI documents can use; use a PropertyNamingStrategies constant"
                    + " such as SNAKE_CASE", e);
        }
    }

    @Override
    protected Schema _createSchemaForEnum(Class<Enum<?>> enumClass) {
        Schema schema = super._createSchemaForEnum(enumClass);
        if (lowerCaseEnums && schema != null && schema.getEnum() != null) {
            List<String> names = java.util.Arrays.stream(enumClass.getEnumConstants()).map(Enum::name).toList();
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) schema.getEnum();
            schema.setEnum(values.stream()
                    .map(v -> v instanceof String s && names.contains(s) ? s.toLowerCase(Locale.ROOT) : v)
                    .toList());
        }
        return schema;
    }
}
