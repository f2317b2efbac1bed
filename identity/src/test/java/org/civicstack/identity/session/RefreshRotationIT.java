package org.civicstack.identity.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.session.CitizenTokenFixture.SignedIn;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Refresh tokens of the citizen app over HTTP against the real PostgreSQL: rotation, reuse detection revoking the
 * family, concurrent refreshes, ended sessions, the citizen token's claims and introspection/revocation rules.
 */
@ServiceIntegrationTest
class RefreshRotationIT {

    static final TestClients INTROSPECTOR = anOperatorClient("it-sessions-introspector")
            .withScopes("registry:read", "identity:introspect");
    static final TestClients NOSY_OPERATOR = anOperatorClient("it-sessions-nosy-operator")
            .withScopes("registry:read");

    @LocalServerPort
    int port;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    CitizenSessions sessions;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    com.zaxxer.hikari.HikariDataSource applicationPool;

    CitizenTokenFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new CitizenTokenFixture(clients, authorizations, accounts, sessions, port);
        INTROSPECTOR.register(registrar);
        NOSY_OPERATOR.register(registrar);
    }

    @Test
    void eachRefreshReturnsANewRefreshTokenAndACitizenAccessToken() throws ParseException {
        SignedIn citizen = fixture.signIn();

        HttpResponse<String> first = fixture.refresh(citizen.refreshToken());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String rotated = JsonPath.read(first.body(), "$.refresh_token");
        assertThat(rotated).isNotBlank().isNotEqualTo(citizen.refreshToken());

        SignedJWT token = SignedJWT.parse(JsonPath.read(first.body(), "$.access_token"));
        assertThat(token.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(token.getHeader().getKeyID()).isNotBlank();
        assertThat(fixture.identity().verifies(token)).isTrue();
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(citizen.citizen().toString());
        assertThat(claims.getAudience()).containsExactly("civicstack");
        assertThat(claims.getStringClaim("client_id")).isEqualTo(CitizenTokenFixture.APP);
        assertThat(claims.getStringClaim("client_type")).isEqualTo("citizen_app");
        assertThat(claims.getStringClaim("scope")).isEqualTo("phone");
        assertThat(claims.getStringClaim("acr")).isEqualTo("urn:civicstack:acr:1");
        assertThat(claims.getStringListClaim("amr")).containsExactly("sms");
        assertThat(claims.getLongClaim("auth_time")).isPositive();
        assertThat(claims.getStringClaim("sid")).isEqualTo(citizen.sid().toString());
        assertThat(claims.getJWTID()).isNotBlank();

        HttpResponse<String> second = fixture.refresh(rotated);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(second.body(), "$.refresh_token")).isNotEqualTo(rotated);
        assertThat(kinds(citizen)).contains("token_issued", "token_refreshed");
        assertThat(jdbc.queryForList("SELECT payload->>'jti' FROM outbox_event WHERE payload->>'sid' = ? "
                + "AND payload->>'kind' = 'token_refreshed' ORDER BY id", String.class, citizen.sid().toString()))
                .as("each refresh event names the access token it issued")
                .containsExactly(claims.getJWTID(),
                        SignedJWT.parse(JsonPath.read(second.body(), "$.access_token")).getJWTClaimsSet().getJWTID());
    }

    @Test
    void presentingARotatedOutRefreshTokenRevokesTheWholeFamily() {
        SignedIn citizen = fixture.signIn();
        HttpResponse<String> first = fixture.refresh(citizen.refreshToken());
        assertThat(first.statusCode()).isEqualTo(200);
        String accessToken = JsonPath.read(first.body(), "$.access_token");
        String current = JsonPath.read(first.body(), "$.refresh_token");
        assertThat(active(accessToken)).isTrue();

        HttpResponse<String> reuse = fixture.refresh(citizen.refreshToken());

        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(reuse.body(), "$.error")).isEqualTo("invalid_grant");
        assertThat(fixture.refresh(current).statusCode()).as("the current refresh token died with the family")
                .isEqualTo(400);
        assertThat(active(accessToken)).as("the family's access token is inactive").isFalse();
        CitizenSession session = sessions.find(citizen.sid()).orElseThrow();
        assertThat(session.live()).isFalse();
        assertThat(session.endReason()).isEqualTo("refresh_reuse");
        assertThat(kinds(citizen)).contains("refresh_reuse_detected", "family_revoked", "session_ended");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'sid' = ? "
                + "AND payload::text LIKE ?", Integer.class, citizen.sid().toString(), "%" + current + "%"))
                .as("no token string in any event").isZero();
    }

    @Test
    void ofTwoSimultaneousRefreshesWithOneTokenExactlyOneWins() throws Exception {
        SignedIn citizen = fixture.signIn();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<HttpResponse<String>>> calls = List.of(
                    CompletableFuture.supplyAsync(() -> afterLatch(start, citizen.refreshToken()), pool),
                    CompletableFuture.supplyAsync(() -> afterLatch(start, citizen.refreshToken()), pool));
            start.countDown();
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)
                    .sorted().toList();

            assertThat(statuses).containsExactly(200, 400);
            assertThat(sessions.find(citizen.sid()).orElseThrow().endReason()).isEqualTo("refresh_reuse");
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * More simultaneous refreshes (of different sessions) than identity has database connections: each starts with a
     * stored-authorization lookup, which once took two connections and stalled the whole pool (then 500s).
     */
    @Test
    void manyMoreSimultaneousRefreshesThanConnectionsAllSucceed() throws Exception {
        int callers = 3 * applicationPool.getMaximumPoolSize();
        List<SignedIn> citizens = java.util.stream.IntStream.range(0, callers).mapToObj(i -> fixture.signIn()).toList();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<CompletableFuture<HttpResponse<String>>> calls = citizens.stream()
                    .map(citizen -> CompletableFuture.supplyAsync(() -> afterLatch(start, citizen.refreshToken()), pool))
                    .toList();
            start.countDown();
            List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();

            assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
            assertThat(answers.stream().map(answer -> JsonPath.<String>read(answer.body(), "$.refresh_token")).distinct())
                    .hasSize(callers);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private HttpResponse<String> afterLatch(CountDownLatch start, String token) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return fixture.refresh(token);
    }

    @Test
    void aSessionThatEndedRefreshesNothing() {
        SignedIn citizen = fixture.signIn();
        assertThat(sessions.end(citizen.sid(), "citizen_ended")).isTrue();

        HttpResponse<String> response = fixture.refresh(citizen.refreshToken());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_grant");
    }

    @Test
    void aRefreshMarksTheSessionActiveAndARefusedOneDoesNot() {
        SignedIn citizen = fixture.signIn();
        jdbc.update("UPDATE citizen_session SET last_active_at = now() - interval '1 hour' WHERE sid = ?",
                citizen.sid());
        java.time.Instant before = sessions.find(citizen.sid()).orElseThrow().lastActiveAt();

        HttpResponse<String> refreshed = fixture.refresh(citizen.refreshToken());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        java.time.Instant afterRefresh = sessions.find(citizen.sid()).orElseThrow().lastActiveAt();
        assertThat(afterRefresh).isAfter(before.plusSeconds(3000));

        assertThat(sessions.end(citizen.sid(), "citizen_ended")).isTrue();
        jdbc.update("UPDATE citizen_session SET last_active_at = now() - interval '1 hour' WHERE sid = ?",
                citizen.sid());
        java.time.Instant ended = sessions.find(citizen.sid()).orElseThrow().lastActiveAt();
        assertThat(fixture.refresh(JsonPath.read(refreshed.body(), "$.refresh_token")).statusCode()).isEqualTo(400);
        assertThat(sessions.find(citizen.sid()).orElseThrow().lastActiveAt()).as("an ended session stays as it was")
                .isEqualTo(ended);
    }

    @Test
    void aSessionPastItsAbsoluteLifetimeIsEndedAtItsNextRefresh() {
        SignedIn citizen = fixture.signIn();
        jdbc.update("UPDATE citizen_session SET created_at = now() - interval '91 days', "
                + "last_active_at = now() - interval '1 day' WHERE sid = ?", citizen.sid());
        java.time.Instant lastActive = sessions.find(citizen.sid()).orElseThrow().lastActiveAt();

        HttpResponse<String> response = fixture.refresh(citizen.refreshToken());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.error_description")).contains("maximum lifetime");
        CitizenSession session = sessions.find(citizen.sid()).orElseThrow();
        assertThat(session.live()).isFalse();
        assertThat(session.endReason()).isEqualTo("expired");
        assertThat(session.lastActiveAt()).as("a refused refresh is no activity").isEqualTo(lastActive);
    }

    @Test
    void aRefreshAfterTheLevelRoseCarriesTheNewAcr() throws ParseException {
        SignedIn citizen = fixture.signIn();
        HttpResponse<String> before = fixture.refresh(citizen.refreshToken());
        assertThat(acr(before)).isEqualTo("urn:civicstack:acr:1");

        assertThat(accounts.raiseLevel(citizen.citizen(), AssuranceLevel.IDENTITY_VERIFIED)).isTrue();
        HttpResponse<String> after = fixture.refresh(JsonPath.read(before.body(), "$.refresh_token"));

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(acr(after)).isEqualTo("urn:civicstack:acr:2");
    }

    @Test
    void anUnknownClientIdCannotRefresh() {
        SignedIn citizen = fixture.signIn();

        HttpResponse<String> response = fixture.form("/oauth2/token", "grant_type=refresh_token&client_id="
                + "it-sessions-nobody&refresh_token=" + CitizenTokenFixture.enc(citizen.refreshToken()), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
        assertThat(sessions.find(citizen.sid()).orElseThrow().live()).as("nothing happened to the session").isTrue();
    }

    @Test
    void aConfidentialClientCannotAuthenticateWithItsClientIdAlone() {
        HttpResponse<String> response = fixture.form("/oauth2/token", "grant_type=refresh_token&client_id="
                + INTROSPECTOR.clientId() + "&refresh_token=whatever", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
    }

    @Test
    void onlyAClientWithIdentityIntrospectLearnsAnythingFromIntrospection() {
        SignedIn citizen = fixture.signIn();
        String accessToken = JsonPath.read(fixture.refresh(citizen.refreshToken()).body(), "$.access_token");

        HttpResponse<String> allowed = fixture.introspect(accessToken, INTROSPECTOR.clientId(), INTROSPECTOR.secret());
        HttpResponse<String> refused = fixture.introspect(accessToken, NOSY_OPERATOR.clientId(), NOSY_OPERATOR.secret());

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat((Boolean) JsonPath.read(allowed.body(), "$.active")).isTrue();
        assertThat((String) JsonPath.read(allowed.body(), "$.sub")).isEqualTo(citizen.citizen().toString());
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).isEqualTo("{\"active\":false}");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'kind' = 'token_introspected' "
                + "AND payload->>'client_id' = ?", Integer.class, NOSY_OPERATOR.clientId())).isPositive();
    }

    @Test
    void revokingAnUnknownTokenAnswers200() {
        fixture.citizenApp();

        HttpResponse<String> response = fixture.revokeAsApp("no-such-token-0123456789");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void theAppRevokingItsRefreshTokenEndsTheFamily() {
        SignedIn citizen = fixture.signIn();
        HttpResponse<String> refreshed = fixture.refresh(citizen.refreshToken());
        String accessToken = JsonPath.read(refreshed.body(), "$.access_token");
        String refreshToken = JsonPath.read(refreshed.body(), "$.refresh_token");

        HttpResponse<String> revoked = fixture.revokeAsApp(refreshToken);

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(fixture.refresh(refreshToken).statusCode()).isEqualTo(400);
        assertThat(active(accessToken)).isFalse();
        assertThat(sessions.find(citizen.sid()).orElseThrow().endReason()).isEqualTo("revoked");
        assertThat(kinds(citizen)).contains("token_revoked", "family_revoked", "session_ended");
    }

    @Test
    void anotherClientCannotRevokeTheAppsToken() {
        SignedIn citizen = fixture.signIn();
        String accessToken = JsonPath.read(fixture.refresh(citizen.refreshToken()).body(), "$.access_token");

        HttpResponse<String> response = fixture.form("/oauth2/revoke", "token=" + accessToken,
                CitizenTokenFixture.basic(INTROSPECTOR.clientId(), INTROSPECTOR.secret()));

        assertThat(response.statusCode()).isIn(200, 400);
        assertThat(active(accessToken)).isTrue();
    }

    private boolean active(String token) {
        HttpResponse<String> response = fixture.introspect(token, INTROSPECTOR.clientId(), INTROSPECTOR.secret());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.active");
    }

    private static String acr(HttpResponse<String> response) throws ParseException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SignedJWT.parse(JsonPath.<String>read(response.body(), "$.access_token")).getJWTClaimsSet()
                .getStringClaim("acr");
    }

    private List<String> kinds(SignedIn citizen) {
        return jdbc.queryForList("SELECT payload->>'kind' FROM outbox_event WHERE payload->>'sid' = ? ORDER BY id",
                String.class, citizen.sid().toString());
    }
}
