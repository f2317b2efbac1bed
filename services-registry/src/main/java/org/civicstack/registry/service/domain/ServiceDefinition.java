package org.civicstack.registry.service.domain;

import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * Everything an agency declares about one service, as one revision. The {@code code} and owning agency are not
 * here: they belong to the service and never change. Bean Validation annotations are the API contract; rules that
 * span fields are in {@link #crossFieldViolations()}.
 *
 * @param name citizen-facing name in zh-CN and en
 * @param description citizen-facing description in zh-CN and en
 * @param category catalog category slug, e.g. {@code medical_health}
 * @param tags search tags (either language)
 * @param audience who the service is for
 * @param districts district slugs where it can be handled (empty with {@code cityWide})
 * @param cityWide 全城通办: can be handled in any district
 * @param upstream where and how the gateway forwards calls
 * @param access who may call it
 * @param rateLimits per-citizen and per-service limits
 * @param circuitBreaker when the gateway stops calling a failing upstream
 * @param version the agency's own label for this revision, e.g. {@code 2.3.0}
 */
public record ServiceDefinition(
        @NotNull @Valid LocalizedText name,
        @NotNull @Valid LocalizedText description,
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{1,47}") String category,
        @NotNull @Size(max = 20) List<@NotBlank @Size(max = 40) String> tags,
        @NotNull Audience audience,
        @NotNull @Size(max = 11) List<@Pattern(regexp = "[a-z][a-z0-9_]{1,39}") String> districts,
        boolean cityWide,
        @NotNull @Valid Upstream upstream,
        @NotNull @Valid Access access,
        @NotNull @Valid RateLimits rateLimits,
        @NotNull @Valid CircuitBreaker circuitBreaker,
        @NotBlank @Size(max = 32) String version) {

    /** The eleven districts and new areas of the city (glossary reference data). */
    public static final Set<String> DISTRICTS = Set.of("futian", "luohu", "nanshan", "yantian", "baoan", "longgang",
            "longhua", "pingshan", "guangming", "dapeng", "shenshan");

    public enum Audience { CITIZEN, ENTERPRISE }

    /** Text a citizen sees, in both languages the app offers. */
    public record LocalizedText(@NotBlank @Size(max = 200) String zhCn, @NotBlank @Size(max = 200) String en) {
    }

    /**
     * @param baseUrl agency endpoint all calls go to (checked against the upstream network policy)
     * @param allowedMethods HTTP methods the gateway forwards; others get 405
     * @param pathPrefixes paths under the base URL the gateway forwards, each starting with '/'; others get 404
     * @param timeoutMs how long the gateway waits for a response before answering 504
     * @param maxBodyBytes largest request body the gateway forwards; larger gets 413
     * @param healthCheckPath path the platform polls to see the upstream is alive
     * @param retryAttempts extra attempts for idempotent calls without a body (GET, HEAD, OPTIONS, DELETE) on connect
     *        failure or 502/503/504; never for POST/PUT/PATCH or any call with a body
     */
    public record Upstream(
            @NotBlank @Size(max = 2048) String baseUrl,
            @NotEmpty @Size(max = 7) List<@Pattern(regexp = "GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS") String> allowedMethods,
            @NotEmpty @Size(max = 32) List<@Pattern(regexp = "/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}") String> pathPrefixes,
            @Min(100) @Max(60_000) int timeoutMs,
            @Min(0) @Max(50 * 1024 * 1024) long maxBodyBytes,
            @Pattern(regexp = "/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}") String healthCheckPath,
            @Min(0) @Max(3) int retryAttempts) {

        public Upstream withBaseUrl(String url) {
            return new Upstream(url, allowedMethods, pathPrefixes, timeoutMs, maxBodyBytes, healthCheckPath,
                    retryAttempts);
        }
    }

    /**
     * @param level {@code anonymous}, or {@code citizen} with a minimum assurance level
     * @param minAssuranceLevel 1 phone verified, 2 identity verified (real-name), 3 face verified
     * @param scopes OAuth scopes the caller's token must carry
     */
    public record Access(@NotNull AccessLevel level, @Min(0) @Max(3) int minAssuranceLevel,
            @NotNull @Size(max = 10) List<@Pattern(regexp = "[a-z][a-z0-9_:.-]{1,63}") String> scopes) {
    }

    public enum AccessLevel { ANONYMOUS, CITIZEN }

    /** Absent limits mean unlimited at that level. */
    public record RateLimits(@Valid Limit perCitizen, @Valid Limit perService) {
    }

    /** A token bucket: {@code requestsPerSecond} refill, {@code burst} capacity. */
    public record Limit(@Positive @Max(100_000) double requestsPerSecond, @Min(1) @Max(1_000_000) int burst) {
    }

    /**
     * @param failureRateThreshold percentage of failed calls that opens the breaker
     * @param slowCallMs calls slower than this count as slow (and as failures for the rate)
     * @param minimumCalls calls in the window before the rate is judged
     * @param openSeconds how long the breaker stays open before trying again
     * @param maxConcurrentCalls bulkhead: calls in flight to this upstream at most
     */
    public record CircuitBreaker(@Min(1) @Max(100) int failureRateThreshold, @Min(10) @Max(60_000) int slowCallMs,
            @Min(1) @Max(10_000) int minimumCalls, @Min(1) @Max(3_600) int openSeconds,
            @Min(1) @Max(10_000) int maxConcurrentCalls) {
    }

    /** The same definition with another upstream base URL (the canonical form of the one given). */
    public ServiceDefinition withBaseUrl(String url) {
        return new ServiceDefinition(name, description, category, tags, audience, districts, cityWide,
                upstream.withBaseUrl(url), access, rateLimits, circuitBreaker, version);
    }

    /**
     * Rules that involve several fields; each entry is {field, code, message, the other fields the rule reads
     * (comma-separated)}. Safe on a definition that failed
     * Bean Validation (missing parts are skipped: Bean Validation reports them), so that every violation of a
     * request can be reported at once.
     */
    public List<String[]> crossFieldViolations() {
        List<String[]> violations = new java.util.ArrayList<>();
        if (access != null && access.level() == AccessLevel.CITIZEN && access.minAssuranceLevel() < 1) {
            violations.add(new String[] {"access.min_assurance_level", "min",
                    "a citizen service needs assurance level 1, 2 or 3", "access.level"});
        }
        if (access != null && access.level() == AccessLevel.ANONYMOUS
                && (access.minAssuranceLevel() != 0 || (access.scopes() != null && !access.scopes().isEmpty()))) {
            violations.add(new String[] {"access", "anonymous_with_requirements",
                    "an anonymous service cannot require an assurance level or scopes", ""});
        }
        if (districts != null) {
            if (cityWide && !districts.isEmpty()) {
                violations.add(new String[] {"districts", "city_wide_with_districts",
                        "a city-wide service is handled in every district; leave districts empty", "city_wide"});
            }
            if (!cityWide && districts.isEmpty()) {
                violations.add(new String[] {"districts", "not_empty", "name the districts, or mark the service city-wide",
                        "city_wide"});
            }
            for (int i = 0; i < districts.size(); i++) {
                if (districts.get(i) != null && !DISTRICTS.contains(districts.get(i))) {
                    violations.add(new String[] {"districts[" + i + "]", "unknown_district",
                            "unknown district '" + districts.get(i) + "'; one of " + new java.util.TreeSet<>(DISTRICTS), ""});
                }
            }
        }
        if (upstream != null && upstream.allowedMethods() != null
                && upstream.allowedMethods().stream().distinct().count() != upstream.allowedMethods().size()) {
            violations.add(new String[] {"upstream.allowed_methods", "duplicate", "each method once", ""});
        }
        return violations;
    }
}
