package org.civicstack.gateway.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Routing entries as the registry publishes them (snake_case JSON), for tests. */
final class RouteFixtures {

    private final Map<String, Object> entry = new LinkedHashMap<>();

    private RouteFixtures(long version, String code, String baseUrl) {
        entry.put("version", version);
        entry.put("code", code);
        entry.put("status", "published");
        entry.put("revision", 1);
        entry.put("agency_id", "agy_00000000000000000001");
        entry.put("base_url", baseUrl);
        entry.put("allowed_methods", List.of("GET", "POST"));
        entry.put("path_prefixes", List.of("/appointments"));
        entry.put("timeout_ms", 1000);
        entry.put("max_body_bytes", 1024);
        entry.put("retry_attempts", 0);
        entry.put("access", Map.of("level", "anonymous", "min_assurance_level", 0, "scopes", List.of()));
        entry.put("rate_limits", Map.of());
        entry.put("circuit_breaker", Map.of("failure_rate_threshold", 50, "slow_call_ms", 5000, "minimum_calls", 4,
                "open_seconds", 30, "max_concurrent_calls", 50));
        entry.put("name_zh_cn", "预约挂号");
        entry.put("name_en", "Hospital registration");
    }

    static RouteFixtures aRoute(long version, String code, String baseUrl) {
        return new RouteFixtures(version, code, baseUrl);
    }

    RouteFixtures with(String field, Object value) {
        entry.put(field, value);
        return this;
    }

    Map<String, Object> build() {
        return new LinkedHashMap<>(entry);
    }
}
