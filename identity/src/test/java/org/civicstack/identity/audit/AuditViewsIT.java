package org.civicstack.identity.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.session.CitizenSessions;
import org.civicstack.identity.session.CitizenTokenFixture;
import org.civicstack.identity.session.CitizenTokenFixture.SignedIn;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The views over the log through the real flows: a citizen's token issued by a refresh, used at the gateway (its
 * usage records on {@code cs:gateway:usage}), exchanged for an agency assertion, replaced by the next refresh and
 * ended with the session — then its whole life in one call, what is active for the citizen and the client, and
 * the citizen's own trail with "end this session".
 */
@ServiceIntegrationTest
class AuditViewsIT {

    static final TestClients AUDITOR = anOperatorClient("it-views-auditor").withScopes("audit:read", "audit:revoke");
    static final TestClients GATEWAY = aPlatformClient("it-views-gateway").withScopes("identity:token-exchange");
    static final String HEALTH = "agy_health_commission";

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    CitizenSessions sessions;
    @Autowired
    StringRedisTemplate redis;

    TokenEndpoint identity;
    CitizenTokenFixture fixture;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        AUDITOR.register(registrar);
        GATEWAY.register(registrar);
        fixture = new CitizenTokenFixture(clients, authorizations, accounts, sessions, port);
    }

    @Test
    void aTokensWholeLifeWhatIsActiveAndTheCitizensOwnTrail() {
        SignedIn citizen = fixture.signIn();
        String sid = citizen.sid().toString();
        String citizenId = citizen.citizen().toString();
        HttpResponse<String> first = fixture.refresh(citizen.refreshToken());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String token = JsonPath.read(first.body(), "$.access_token");
        String jti = jtiOf(token);

        // the gateway exchanged it for an assertion to an agency service, used it there twice, and refused it at
        // another service (scope missing)
        HttpResponse<String> exchanged = exchange(token, "birth-registration", HEALTH);
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        use(jti, sid, citizenId, "birth-registration", HEALTH, 200, null);
        use(jti, sid, citizenId, "birth-registration", HEALTH, 200, null);
        use(jti, sid, citizenId, "permit-apply", "agy_permits", 403, "insufficient_scope");
        // the next refresh replaces it
        HttpResponse<String> second = fixture.refresh(JsonPath.read(first.body(), "$.refresh_token"));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        String next = JsonPath.read(second.body(), "$.access_token");
        String nextJti = jtiOf(next);
        awaitEntries("jti=" + jti + "&kind=token_used", 2);
        awaitEntries("jti=" + jti + "&kind=gateway_rejected", 1);
        awaitEntries("jti=" + nextJti + "&kind=token_issued", 1);
        awaitEntries("sid=" + sid + "&kind=token_exchanged", 1);

        // by agency: its exchanges, and the uses at the services it was exchanged for (checked by their agency)
        awaitEntries("agency_id=" + HEALTH + "&jti=" + jti + "&kind=token_used", 2);
        assertThat((List<String>) JsonPath.read(identity.get("/v1/identity/audit/entries?agency_id=agy_permits&jti="
                + jti, auditor()).body(), "$.data[*].entry.kind")).containsExactly("gateway_rejected");
        // uses are indexed by token; searching by citizen or session finds them through the tokens issued to it
        awaitEntries("citizen_id=" + citizenId + "&kind=token_used", 2);
        awaitEntries("sid=" + sid + "&kind=token_used", 2);
        assertThat((List<String>) JsonPath.read(identity.get("/v1/identity/audit/entries?sid=" + sid, auditor()).body(),
                "$.data[*].entry.kind")).contains("token_issued", "token_used", "gateway_rejected", "token_exchanged");

        HttpResponse<String> life = identity.get("/v1/identity/audit/tokens/" + jti, auditor());
        assertThat(life.statusCode()).as(life.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(life.body(), "$.status")).isEqualTo("active");
        assertThat((String) JsonPath.read(life.body(), "$.sid")).isEqualTo(sid);
        assertThat((String) JsonPath.read(life.body(), "$.citizen_id")).isEqualTo(citizenId);
        assertThat((String) JsonPath.read(life.body(), "$.client_id")).isEqualTo(CitizenTokenFixture.APP);
        assertThat((String) JsonPath.read(life.body(), "$.grant_type")).isEqualTo("refresh_token");
        assertThat((String) JsonPath.read(life.body(), "$.replaced_by")).isEqualTo(nextJti);
        assertThat(Duration.between(Instant.parse(JsonPath.read(life.body(), "$.issued_at")),
                Instant.parse(JsonPath.read(life.body(), "$.expires_at")))).isEqualTo(Duration.ofMinutes(5));
        List<Map<String, Object>> services = JsonPath.read(life.body(), "$.services");
        assertThat(services).extracting(s -> s.get("service") + "@" + s.get("agency_id") + ":" + s.get("uses") + "/"
                + s.get("refused")).containsExactly("birth-registration@" + HEALTH + ":2/0", "permit-apply@agy_permits:0/1");
        List<String> timeline = JsonPath.read(life.body(), "$.timeline[*].entry.kind");
        assertThat(timeline).containsSubsequence("token_issued", "token_exchanged", "gateway_rejected")
                .doesNotContain("token_used");
        assertThat(life.body()).doesNotContain(token);

        HttpResponse<String> active = identity.get("/v1/identity/audit/active?citizen_id=" + citizenId, auditor());
        assertThat(active.statusCode()).as(active.body()).isEqualTo(200);
        assertThat((List<String>) JsonPath.read(active.body(), "$.sessions[*].sid")).containsExactly(sid);
        assertThat((List<String>) JsonPath.read(active.body(), "$.tokens[*].jti")).containsExactly(nextJti, jti);
        HttpResponse<String> byClient = identity.get("/v1/identity/audit/active?client_id=" + CitizenTokenFixture.APP,
                auditor());
        assertThat((List<String>) JsonPath.read(byClient.body(), "$.tokens[*].jti")).contains(nextJti, jti);

        // the citizen's own trail: which service received their identity, at what level, and the live session
        HttpResponse<String> trail = identity.get("/v1/identity/me/activity", next);
        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        List<Map<String, Object>> items = JsonPath.read(trail.body(), "$.data");
        assertThat(items).anySatisfy(item -> {
            assertThat(item).containsEntry("type", "identity_shared").containsEntry("service", "birth-registration")
                    .containsEntry("agency_id", HEALTH).containsEntry("sid", sid).containsEntry("session_live", true);
            assertThat((String) item.get("level")).startsWith("urn:civicstack:acr:");
        });
        assertThat(trail.body()).doesNotContain("token_used").doesNotContain(jti);

        // "end this session" from there: the token's life then says revoked, and nothing is active any more
        HttpResponse<String> ended = identity.send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/v1/identity/me/sessions/" + sid)).header("Authorization", "Bearer " + next)
                .DELETE());
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
        HttpResponse<String> revoked = identity.get("/v1/identity/audit/tokens/" + jti, auditor());
        assertThat((String) JsonPath.read(revoked.body(), "$.status")).isEqualTo("revoked");
        assertThat((String) JsonPath.read(revoked.body(), "$.revoked_by.kind")).isEqualTo("session");
        assertThat((String) JsonPath.read(revoked.body(), "$.revoked_by.reason")).isEqualTo("citizen_ended");
        HttpResponse<String> none = identity.get("/v1/identity/audit/active?citizen_id=" + citizenId, auditor());
        assertThat((List<?>) JsonPath.read(none.body(), "$.sessions")).isEmpty();
        assertThat((List<?>) JsonPath.read(none.body(), "$.tokens")).isEmpty();
        awaitEntries("sid=" + sid + "&kind=session_ended", 1);
        assertThat((List<String>) JsonPath.read(identity.get("/v1/identity/audit/tokens/" + jti, auditor()).body(),
                "$.timeline[*].entry.kind")).contains("session_ended", "family_revoked");
    }

    @Test
    void badQueriesAreClearProblems() {
        String auditor = auditor();
        assertThat(identity.get("/v1/identity/audit/tokens/" + UUID.randomUUID(), auditor).statusCode())
                .isEqualTo(404);
        assertThat(identity.get("/v1/identity/audit/tokens/not-a-jti", auditor).statusCode()).isEqualTo(404);
        assertThat(identity.get("/v1/identity/audit/active", auditor).statusCode()).isEqualTo(400);
        assertThat(identity.get("/v1/identity/audit/active?citizen_id=a&client_id=b", auditor).statusCode())
                .isEqualTo(400);
        assertThat(identity.get("/v1/identity/audit/active?citizen_id=not-a-uuid", auditor).body())
                .contains("\"sessions\":[]");
        // an operator token is not a citizen's; no token is a 401
        HttpResponse<String> operator = identity.get("/v1/identity/me/activity", auditor);
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(operator.body()).contains("citizen_token_required");
        assertThat(identity.get("/v1/identity/me/activity").statusCode()).isEqualTo(401);
        SignedIn citizen = fixture.signIn();
        String token = JsonPath.read(fixture.refresh(citizen.refreshToken()).body(), "$.access_token");
        assertThat(identity.get("/v1/identity/me/activity?limit=0", token).statusCode()).isEqualTo(400);
        assertThat(identity.get("/v1/identity/me/activity?cursor=%21", token).statusCode()).isEqualTo(400);
        assertThat(identity.get("/v1/identity/audit/tokens/" + jtiOf(token), token).statusCode()).isEqualTo(403);
    }

    private void use(String jti, String sid, String citizenId, String service, String agency, int status,
            String refusal) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service", service);
        fields.put("status", Integer.toString(status));
        fields.put("latency_us", "900");
        fields.put("method", "GET");
        fields.put("request_id", "r-" + UUID.randomUUID());
        fields.put("caller", "cit:" + citizenId);
        fields.put("ts", Long.toString(System.currentTimeMillis()));
        fields.put("jti", jti);
        fields.put("sid", sid);
        fields.put("sub", citizenId);
        fields.put("client_id", CitizenTokenFixture.APP);
        fields.put("agency", agency);
        if (refusal != null) {
            fields.put("refusal", refusal);
        }
        redis.opsForStream().add("cs:gateway:usage", fields);
    }

    private HttpResponse<String> exchange(String subjectToken, String service, String agency) {
        String body = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
                + enc(subjectToken) + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:access_token")
                + "&audience=" + enc("urn:civicstack:service:" + service) + "&resource="
                + enc("urn:civicstack:agency:" + agency);
        String basic = Base64.getEncoder().encodeToString((GATEWAY.clientId() + ":" + GATEWAY.secret())
                .getBytes(StandardCharsets.UTF_8));
        return identity.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void awaitEntries(String query, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (((List<?>) JsonPath.read(identity.get("/v1/identity/audit/entries?" + query, auditor()).body(),
                "$.data")).size() < count) {
            assertThat(System.nanoTime()).as("%d entries for %s within 20 s", count, query).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private String auditorToken;

    /** One auditor token per test (each issue is an entry of its own). */
    private String auditor() {
        if (auditorToken != null) {
            return auditorToken;
        }
        HttpResponse<String> response = identity.clientCredentials(AUDITOR.clientId(), AUDITOR.secret(),
                "audit:read audit:revoke");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        auditorToken = JsonPath.read(response.body(), "$.access_token");
        return auditorToken;
    }

    private static String jtiOf(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return JsonPath.read(payload, "$.jti");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
