package org.civicstack.platform.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.civicstack.platform.error.ApiProblem;

/** Cursor pagination ({@code {"data": [...], "next_cursor": "…"}}); the cursor is an opaque encoding of a sort key. */
public record Page<T>(List<T> data, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiProblem.badRequest("invalid_limit", "limit must be between 1 and " + MAX_LIMIT + ".");
        }
        return requested;
    }

    public static String encodeCursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    public static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API returned.");
        }
    }
}
