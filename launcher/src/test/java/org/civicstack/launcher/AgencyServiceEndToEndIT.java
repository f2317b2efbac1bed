package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agency service's whole path on the real platform, through the gateway only: clients get tokens from identity,
 * an operator registers the agency, the agency registers and submits a service, the operator approves it, and two
 * gateway instances sharing one Redis start dispatching it; suspend and retire reach both of them. The upstream
 * is a public address that is never contacted: the checks here stop before forwarding (path not published, method
 * not allowed), which proves each gateway knows the service and its rules. Runs on the {@link SharedPlatform}.
 */
@ExtendWith(SharedPlatform.class)
@Order(SharedPlatform.ORDER)
class AgencyServiceEndToEndIT {

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper json = JsonMapper.builder().build();
    @Test
    void publishedServiceIsDispatchedByEveryGatewayAndChangesReachThemWithinASecond() {
        int gateway = SharedPlatform.gatewayPort();
        int secondGateway = SharedPlatform.secondGatewayPort();
        String operator = token(gateway, SharedPlatform.E2E_OPERATOR, SharedPlatform.E2E_OPERATOR_SECRET, "registry:review registry:read");
        String agencyToken = token(gateway, SharedPlatform.E2E_AGENCY, SharedPlatform.E2E_AGENCY_SECRET, "registry:write");

        JsonNode agency = send(gateway, "POST", "/v1/registry/agencies", operator, Map.of(
                "name_zh_cn", "深圳市卫生健康委员会", "name_en", "Shenzhen Health Commission", "unit_type", "municipal_unit",
                "contact_name", "王工", "contact_email", "it@wjw.sz.gov.cn", "oauth_client_id", SharedPlatform.E2E_AGENCY), 201);
        assertThat(agency.path("id").asString()).startsWith("agy_");

        JsonNode service = send(gateway, "POST", "/v1/registry/services", agencyToken, Map.of(
                "code", "sz-e2e-registration", "definition", definition()), 201);
        String id = service.path("id").asString();
        send(gateway, "POST", "/v1/registry/services/" + id + "/submit", agencyToken, null, 200);
        assertThat(status(gateway, "GET", "/s/sz-e2e-registration/admin")).isEqualTo(404);

        Instant approved = Instant.now();
        send(gateway, "POST", "/v1/registry/services/" + id + "/approve", operator, null, 200);
        Duration onFirst = waitFor(gateway, "DELETE", "/s/sz-e2e-registration/appointments/1", s -> s == 405, approved);
        Duration onSecond = waitFor(secondGateway, "DELETE", "/s/sz-e2e-registration/appointments/1", s -> s == 405, approved);
        assertThat(status(gateway, "GET", "/s/sz-e2e-registration/admin")).isEqualTo(404);
        System.out.printf("publish effective after %d ms (gateway 1) and %d ms (gateway 2)%n",
                onFirst.toMillis(), onSecond.toMillis());

        Instant suspended = Instant.now();
        send(gateway, "POST", "/v1/registry/services/" + id + "/suspend", operator, Map.of("reason", "drill"), 200);
        Duration suspendFirst = waitForProblem(gateway, "service_suspended", suspended);
        Duration suspendSecond = waitForProblem(secondGateway, "service_suspended", suspended);
        System.out.printf("suspend effective after %d ms (gateway 1) and %d ms (gateway 2)%n",
                suspendFirst.toMillis(), suspendSecond.toMillis());

        send(gateway, "POST", "/v1/registry/services/" + id + "/retire", operator, Map.of("reason", "replaced"), 200);
        waitFor(secondGateway, "GET", "/s/sz-e2e-registration/appointments", s -> s == 410, Instant.now());

        for (Duration d : List.of(onFirst, onSecond, suspendFirst, suspendSecond)) {
            // the measured times are printed above; the bound only catches a change that never arrives
            assertThat(d).as("change effective at a running gateway").isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aClientConfiguredInTheEnvironmentGetsATokenBesideTheLaunchersOwn() {
        // the e2e agency's client comes from the environment at index 5 with nothing before it in the environment
        // but the walkthrough's; the operator's from extra arguments; the gateway's is the launcher's own (issue #7, C13)
        int gateway = SharedPlatform.gatewayPort();
        String agencyToken = token(gateway, SharedPlatform.E2E_AGENCY, SharedPlatform.E2E_AGENCY_SECRET, "registry:write");

        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(agencyToken.split("\\.")[1]));
        assertThat(claims.path("client_id").asString()).isEqualTo(SharedPlatform.E2E_AGENCY);
        assertThat(claims.path("client_type").asString()).isEqualTo("agency");
        // not yet bound in identity: the registry binds it through the agency's oauth_client_id (ADR 0007)
        assertThat(claims.has("agency_id")).isFalse();
        // the launcher's own client is still registered too: with it the gateways read the routing feed, which the
        // dispatch test above relies on
    }

    @Test
    void registryRefusesAnonymousWritesAndOpensTheCatalog() {
        int gateway = SharedPlatform.gatewayPort();
        assertThat(status(gateway, "POST", "/v1/registry/services")).isEqualTo(401);
        assertThat(status(gateway, "GET", "/v1/catalog/services")).isEqualTo(200);
    }

    static Map<String, Object> definition() {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        Object[] pairs = {
                "name", Map.of("zh_cn", "预约挂号", "en", "Hospital registration"),
                "description", Map.of("zh_cn", "在线预约门诊", "en", "Book a clinic slot"),
                "category", "medical_health", "tags", List.of("挂号"), "audience", "citizen",
                "districts", List.of(), "city_wide", true,
                "upstream", Map.of("base_url", "https://101.132.0.10/his", "allowed_methods", List.of("GET", "POST"),
                        "path_prefixes", List.of("/appointments"), "timeout_ms", 3000, "max_body_bytes", 65536,
                        "health_check_path", "/health", "retry_attempts", 0),
                "access", Map.of("level", "anonymous", "min_assurance_level", 0, "scopes", List.of()),
                "rate_limits", Map.of(),
                "circuit_breaker", Map.of("failure_rate_threshold", 50, "slow_call_ms", 2000, "minimum_calls", 20,
                        "open_seconds", 30, "max_concurrent_calls", 100),
                "version", "1.0.0"};
        for (int i = 0; i < pairs.length; i += 2) {
            d.put((String) pairs[i], pairs[i + 1]);
        }
        return d;
    }

    static String token(int gateway, String clientId, String secret, String scope) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(uri(gateway, "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + scope.replace(" ", "%20"))));
        assertThat(response.statusCode()).as("token for %s: %s", clientId, response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("access_token").asString();
    }

    static JsonNode send(int gateway, String method, String path, String bearer, Object body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(gateway, path))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        HttpResponse<String> response = exchange(request);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
        return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
    }

    static int status(int gateway, String method, String path) {
        return exchange(HttpRequest.newBuilder(uri(gateway, path)).method(method, HttpRequest.BodyPublishers.noBody()))
                .statusCode();
    }

    static Duration waitFor(int gateway, String method, String path, IntPredicate done, Instant since) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!done.test(status(gateway, method, path))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(method + " " + path + " on " + gateway + " never changed");
            }
            pause();
        }
        return Duration.between(since, Instant.now());
    }

    static Duration waitForProblem(int gateway, String code, Instant since) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            HttpResponse<String> r = exchange(HttpRequest.newBuilder(uri(gateway, "/s/sz-e2e-registration/appointments")).GET());
            if (r.body().contains("\"" + code + "\"")) {
                return Duration.between(since, Instant.now());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("gateway " + gateway + " never answered " + code + "; last: " + r.body());
            }
            pause();
        }
    }

    static URI uri(int port, String path) {
        return URI.create("http://localhost:" + port + path);
    }

    static HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
