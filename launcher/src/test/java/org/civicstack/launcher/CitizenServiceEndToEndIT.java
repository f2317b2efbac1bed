package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.launcher.AgencyServiceEndToEndIT.definition;
import static org.civicstack.launcher.AgencyServiceEndToEndIT.exchange;
import static org.civicstack.launcher.AgencyServiceEndToEndIT.send;
import static org.civicstack.launcher.AgencyServiceEndToEndIT.token;
import static org.civicstack.launcher.AgencyServiceEndToEndIT.uri;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A citizen service on the real platform (issue #8), through the gateway only: an agency publishes a service that
 * needs assurance level 2; a level-1 citizen token gets the RFC 9470 step-up challenge and the agency sees nothing;
 * a level-2 token reaches the agency carrying {@code Authorization: Bearer <assertion>} — identity's token-exchange
 * output for that service (aud, pairwise sub, acr, act = the gateway, no sid) — and never the citizen's token.
 *
 * <p>The citizen tokens come from identity for real ({@link CitizenLogin}: the SMS login and level raise built
 * beside this test in issue #8). The agency is a loopback HTTP server on the walkthrough's permitted port.
 */
@ExtendWith(SharedPlatform.class)
@Order(SharedPlatform.ORDER)
class CitizenServiceEndToEndIT {

    static final JsonMapper json = JsonMapper.builder().build();
    /** The loopback port examples/walkthrough.env lets the gateway connect to (CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS). */
    static final int AGENCY_PORT = Integer.parseInt(SharedPlatform.walkthroughEnvironment()
            .get("CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS").split(",")[0].trim());

    record Received(String path, String authorization) {
    }

    @Test
    void aLevelTwoServiceChallengesALevelOneCitizenAndGivesTheAgencyOnlyItsAssertion() throws IOException {
        int gateway = SharedPlatform.gatewayPort();
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer agencySystem = HttpServer.create(new InetSocketAddress("127.0.0.1", AGENCY_PORT), 0);
        // the port is shared with the other walkthroughs (the payments one points a merchant's webhooks at it, and its
        // retries can land here during this test): count only what reaches this service's upstream base path
        agencySystem.createContext("/", http -> {
            if (http.getRequestURI().getPath().startsWith("/permits/")) {
                received.add(new Received(http.getRequestURI().getPath(), http.getRequestHeaders().getFirst("Authorization")));
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(200, body.length);
            http.getResponseBody().write(body);
            http.close();
        });
        agencySystem.start();
        try {
            String code = "sz-e2e-permits-" + Long.toString(System.currentTimeMillis(), 36);
            String agencyId = publishCitizenService(gateway, code);
            String path = "/s/" + code + "/appointments";

            String levelOne = CitizenLogin.accessToken(gateway, "13800138001", 1);
            HttpResponse<String> challenged = get(gateway, path, levelOne);
            assertThat(challenged.statusCode()).isEqualTo(401);
            assertThat(challenged.headers().firstValue("WWW-Authenticate")).get().asString()
                    .contains("error=\"insufficient_user_authentication\"")
                    .contains("acr_values=\"urn:civicstack:acr:2\"");
            assertThat(json.readTree(challenged.body()).path("code").asString()).isEqualTo("assurance_level_too_low");
            assertThat(received).isEmpty();

            assertThat(get(gateway, path, null).statusCode()).isEqualTo(401);

            String levelTwo = CitizenLogin.accessToken(gateway, "13800138002", 2);
            HttpResponse<String> passed = get(gateway, path, levelTwo);
            assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);

            assertThat(received).hasSize(1);
            String authorization = received.get(0).authorization();
            assertThat(authorization).startsWith("Bearer ").doesNotContain(levelTwo);
            String assertion = authorization.substring("Bearer ".length());
            assertThat(assertion).isNotEqualTo(levelTwo);
            JsonNode header = part(assertion, 0);
            JsonNode claims = part(assertion, 1);
            JsonNode citizen = part(levelTwo, 1);
            assertThat(header.path("typ").asString()).isEqualTo("at+jwt");
            assertThat(header.path("kid").asString()).isNotBlank();
            assertThat(claims.path("aud").isArray() ? claims.path("aud").get(0).asString() : claims.path("aud").asString())
                    .isEqualTo("urn:civicstack:service:" + code);
            assertThat(claims.path("iss").asString()).isEqualTo(citizen.path("iss").asString());
            assertThat(claims.path("sub").asString()).isNotBlank().isNotEqualTo(citizen.path("sub").asString());
            assertThat(claims.path("acr").asString()).isEqualTo("urn:civicstack:acr:2");
            assertThat(claims.path("act").path("sub").asString()).isEqualTo(PlatformWiring.GATEWAY_CLIENT_ID);
            assertThat(claims.has("sid")).as("no session id towards agencies").isFalse();
            assertThat(claims.path("jti").asString()).isNotBlank().isNotEqualTo(citizen.path("jti").asString());
            assertThat(claims.path("exp").asLong()).isLessThanOrEqualTo(citizen.path("exp").asLong());
            assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isLessThanOrEqualTo(120);
            assertThat(agencyId).startsWith("agy_");

            // a repeat within the assertion's life reuses it (cached per token and service)
            assertThat(get(gateway, path, levelTwo).statusCode()).isEqualTo(200);
            assertThat(received).hasSize(2);
            assertThat(received.get(1).authorization()).isEqualTo(authorization);

            // issue #9: both uses reach the token audit log — the gateway's usage stream (a batch entry per stream),
            // identity's ingest — and the auditor sees them on the token's life
            Map<String, String> env = SharedPlatform.walkthroughEnvironment();
            String auditor = token(gateway, env.get("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_6_CLIENTID"),
                    env.get("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_6_SECRET"), "audit:read");
            Instant auditDeadline = Instant.now().plusSeconds(20);
            JsonNode use;
            while ((use = serviceUse(gateway, auditor, citizen.path("jti").asString(), code)).path("uses").asLong() < 2) {
                assertThat(Instant.now()).as("uses in the audit log within 20 s: %s", use).isBefore(auditDeadline);
                AgencyServiceEndToEndIT.pause();
            }
            assertThat(use.path("uses").asLong()).isEqualTo(2);
            assertThat(use.path("refused").asLong()).isZero();
            assertThat(use.path("agency_id").asString()).isEqualTo(agencyId);

            // the citizen ends this session at identity: the gateway refuses the same (cached) token within a second
            // (issue #9: identity's revocation -> outbox -> Redis stream -> every gateway's deny-list)
            String sid = citizen.path("sid").asString();
            HttpResponse<String> ended = exchange(HttpRequest.newBuilder(uri(gateway, "/v1/identity/me/sessions/" + sid))
                    .header("Authorization", "Bearer " + levelTwo).DELETE());
            assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
            long endedAt = System.nanoTime();
            HttpResponse<String> refused;
            while ((refused = get(gateway, path, levelTwo)).statusCode() != 401) {
                assertThat(System.nanoTime() - endedAt).as("revocation reaches the gateway within 5 s")
                        .isLessThan(5_000_000_000L);
            }
            long millis = (System.nanoTime() - endedAt) / 1_000_000;
            System.out.println("revocation-latency end-to-end kind=session ms=" + millis);
            assertThat(millis).as("session end to gateway refusal").isLessThanOrEqualTo(1_000);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).get().asString().contains("invalid_token");
            assertThat(json.readTree(refused.body()).path("detail").asString()).contains("revoked");
            int reachedAgency = received.size();
            assertThat(get(gateway, path, levelTwo).statusCode()).isEqualTo(401);
            assertThat(received).hasSize(reachedAgency);
        } finally {
            agencySystem.stop(0);
        }
    }

    /** Registers an agency and a citizen service at level 2 pointing at the loopback agency, approved; its agency id. */
    static String publishCitizenService(int gateway, String code) {
        String operator = token(gateway, SharedPlatform.E2E_OPERATOR, SharedPlatform.E2E_OPERATOR_SECRET,
                "registry:review registry:read");
        String agencyToken = token(gateway, SharedPlatform.E2E_AGENCY, SharedPlatform.E2E_AGENCY_SECRET, "registry:write");
        HttpResponse<String> registered = exchange(HttpRequest.newBuilder(uri(gateway, "/v1/registry/agencies"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of(
                        "name_zh_cn", "深圳市卫生健康委员会", "name_en", "Shenzhen Health Commission",
                        "unit_type", "municipal_unit", "contact_name", "王工", "contact_email", "it@wjw.sz.gov.cn",
                        "oauth_client_id", SharedPlatform.E2E_AGENCY)))));
        // the agency end-to-end test may have registered this agency already
        assertThat(registered.statusCode()).as(registered.body()).isIn(201, 409);
        Map<String, Object> definition = new java.util.LinkedHashMap<>(definition());
        definition.put("upstream", Map.of("base_url", "http://127.0.0.1:" + AGENCY_PORT + "/permits",
                "allowed_methods", List.of("GET"), "path_prefixes", List.of("/appointments"), "timeout_ms", 3000,
                "max_body_bytes", 65536, "health_check_path", "/health", "retry_attempts", 0));
        definition.put("access", Map.of("level", "citizen", "min_assurance_level", 2, "scopes", List.of()));
        JsonNode service = send(gateway, "POST", "/v1/registry/services", agencyToken,
                Map.of("code", code, "definition", definition), 201);
        String id = service.path("id").asString();
        send(gateway, "POST", "/v1/registry/services/" + id + "/submit", agencyToken, null, 200);
        send(gateway, "POST", "/v1/registry/services/" + id + "/approve", operator, null, 200);
        Instant deadline = Instant.now().plusSeconds(30);
        while (get(gateway, "/s/" + code + "/appointments", null).statusCode() != 401) {
            assertThat(Instant.now()).as("service %s never published at the gateway", code).isBefore(deadline);
            AgencyServiceEndToEndIT.pause();
        }
        return service.path("agency_id").asString();
    }

    /** The token's uses at one service, as the auditor's token-life view gives them (missing node if none yet). */
    static JsonNode serviceUse(int gateway, String auditor, String jti, String service) {
        HttpResponse<String> life = exchange(HttpRequest.newBuilder(uri(gateway, "/v1/identity/audit/tokens/" + jti))
                .header("Authorization", "Bearer " + auditor).GET());
        if (life.statusCode() == 404) {
            return json.missingNode(); // the token_issued event not in the log yet
        }
        assertThat(life.statusCode()).as(life.body()).isEqualTo(200);
        for (JsonNode use : json.readTree(life.body()).path("services")) {
            if (service.equals(use.path("service").asString())) {
                return use;
            }
        }
        return json.missingNode();
    }

    static HttpResponse<String> get(int gateway, String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(gateway, path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return exchange(request);
    }

    static JsonNode part(String jwt, int index) {
        return json.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
