package org.civicstack.platform.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** Binding and reading helpers for nullable values, jsonb and timestamps, so statements read as one chain. */
public final class Sql {

    private Sql() {
    }

    public static GenericExecuteSpec bind(GenericExecuteSpec spec, String name, Object value, Class<?> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    public static GenericExecuteSpec bindJson(GenericExecuteSpec spec, String name, String json) {
        return json == null ? spec.bindNull(name, Json.class) : spec.bind(name, Json.of(json));
    }

    /**
     * Whether PostgreSQL ended the transaction for a conflict that a retry of the whole transaction resolves: a
     * deadlock (40P01) or a serialization failure (40001), anywhere in the cause chain.
     */
    public static boolean transientConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.r2dbc.spi.R2dbcException r2dbc
                    && ("40P01".equals(r2dbc.getSqlState()) || "40001".equals(r2dbc.getSqlState()))) {
                return true;
            }
        }
        return false;
    }

    /** A {@code timestamptz} column as an instant, {@code null} when the column is. */
    public static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** An instant as the {@code timestamptz} value R2DBC binds, in UTC. */
    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static String json(Object column) {
        if (column == null) {
            return null;
        }
        return column instanceof Json j ? j.asString() : column.toString();
    }
}
