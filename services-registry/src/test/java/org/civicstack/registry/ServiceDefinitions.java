package org.civicstack.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fixture builder for service definitions as an agency sends them (snake_case JSON). */
public final class ServiceDefinitions {

    private final Map<String, Object> definition = new LinkedHashMap<>();
    private final Map<String, Object> upstream = new LinkedHashMap<>();
    private final Map<String, Object> access = new LinkedHashMap<>();

    private ServiceDefinitions() {
        definition.put("name", Map.of("zh_cn", "市人民医院预约挂号", "en", "People's Hospital registration"));
        definition.put("description", Map.of("zh_cn", "在线预约门诊挂号", "en", "Book an outpatient clinic slot online"));
        definition.put("category", "medical_health");
        definition.put("tags", List.of("挂号", "hospital"));
        definition.put("audience", "citizen");
        definition.put("districts", List.of());
        definition.put("city_wide", true);
        upstream.put("base_url", "https://101.132.0.10/his");
        upstream.put("allowed_methods", List.of("GET", "POST"));
        upstream.put("path_prefixes", List.of("/appointments", "/departments"));
        upstream.put("timeout_ms", 3000);
        upstream.put("max_body_bytes", 65536);
        upstream.put("health_check_path", "/health");
        upstream.put("retry_attempts", 1);
        definition.put("upstream", upstream);
        access.put("level", "citizen");
        access.put("min_assurance_level", 2);
        access.put("scopes", List.of());
        definition.put("access", access);
        definition.put("rate_limits", Map.of("per_citizen", Map.of("requests_per_second", 2, "burst", 10),
                "per_service", Map.of("requests_per_second", 500, "burst", 1000)));
        definition.put("circuit_breaker", Map.of("failure_rate_threshold", 50, "slow_call_ms", 2000,
                "minimum_calls", 20, "open_seconds", 30, "max_concurrent_calls", 200));
        definition.put("version", "1.0.0");
    }

    public static ServiceDefinitions aServiceDefinition() {
        return new ServiceDefinitions();
    }

    public ServiceDefinitions named(String zhCn, String en) {
        definition.put("name", Map.of("zh_cn", zhCn, "en", en));
        return this;
    }

    public ServiceDefinitions described(String zhCn, String en, String... tags) {
        definition.put("description", Map.of("zh_cn", zhCn, "en", en));
        definition.put("tags", List.of(tags));
        return this;
    }

    public ServiceDefinitions inCategory(String category) {
        definition.put("category", category);
        return this;
    }

    public ServiceDefinitions inDistricts(String... districts) {
        definition.put("districts", List.of(districts));
        definition.put("city_wide", false);
        return this;
    }

    public ServiceDefinitions withBaseUrl(String url) {
        upstream.put("base_url", url);
        return this;
    }

    public ServiceDefinitions withTimeoutMs(int ms) {
        upstream.put("timeout_ms", ms);
        return this;
    }

    public ServiceDefinitions withVersion(String version) {
        definition.put("version", version);
        return this;
    }

    public ServiceDefinitions with(String field, Object value) {
        definition.put(field, value);
        return this;
    }

    public Map<String, Object> build() {
        Map<String, Object> copy = new LinkedHashMap<>(definition);
        copy.put("upstream", new LinkedHashMap<>(upstream));
        copy.put("access", new LinkedHashMap<>(access));
        return copy;
    }

}
