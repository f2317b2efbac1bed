package org.civicstack.platform.api;

import io.r2dbc.postgresql.codec.Json;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** Binding helpers for nullable values and jsonb, so statements read as one chain. */
public final class Sql {

    private Sql() {
    }

    public static GenericExecuteSpec bind(GenericExecuteSpec spec, String name, Object value, Class<?> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    public static GenericExecuteSpec bindJson(GenericExecuteSpec spec, String name, String json) {
        return json == null ? spec.bindNull(name, Json.class) : spec.bind(name, Json.of(json));
    }

    public static String json(Object column) {
        if (column == null) {
            return null;
        }
        return column instanceof Json j ? j.asString() : column.toString();
    }
}
