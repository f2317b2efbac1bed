package org.civicstack.identity.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.keys.KeySeries;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.identity.keys.TestSigner;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.session.CitizenTokenFixture.SignedIn;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** {@code /v1/identity/me/sessions} with real citizen access tokens, and the resource server's {@code typ} rule. */
@ServiceIntegrationTest
class SessionsApiIT {

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
    JdbcTemplate jdbc;
    @Autowired
    SigningKeyRing signingKeys;

    CitizenTokenFixture fixture;
    OpenApiConformance api;

    @BeforeEach
    void setUp() {
        fixture = new CitizenTokenFixture(clients, authorizations, accounts, sessions, port);
        api = OpenApiConformance.ofServiceAt(port);
    }

    record Tokens(String access, String refresh) {
    }

    private Tokens tokensOf(SignedIn citizen) {
        HttpResponse<String> response = fixture.refresh(citizen.refreshToken());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new Tokens(JsonPath.read(response.body(), "$.access_token"), JsonPath.read(response.body(), "$.refresh_token"));
    }

    @Test
    void listsTheCitizensLiveSessionsAndMarksTheCurrentOne() {
        SignedIn citizen = fixture.signIn();
        Tokens tokens = tokensOf(citizen);
        UUIDs other = secondSessionOf(citizen);

        HttpResponse<String> response = api.conforming(call("GET", "/v1/identity/me/sessions").bearer(tokens.access()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> sids = JsonPath.read(response.body(), "$.sessions[*].sid");
        assertThat(sids).containsExactlyInAnyOrder(citizen.sid().toString(), other.sid());
        assertThat(JsonPath.<List<Boolean>>read(response.body(),
                "$.sessions[?(@.sid == '" + citizen.sid() + "')].current")).containsExactly(true);
        assertThat(JsonPath.<List<Boolean>>read(response.body(),
                "$.sessions[?(@.sid == '" + other.sid() + "')].current")).containsExactly(false);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.sessions[0].amr")).containsExactly("sms");
        assertThat(response.body()).doesNotContain("+86");
    }

    record UUIDs(String sid) {
    }

    private UUIDs secondSessionOf(SignedIn citizen) {
        CitizenSession second = sessions.start(citizen.citizen(), CitizenTokenFixture.APP, List.of("sms"),
                Instant.now(), "JUnit/second-device");
        return new UUIDs(second.sid().toString());
    }

    @Test
    void endingASessionRevokesItsTokens() {
        SignedIn citizen = fixture.signIn();
        Tokens tokens = tokensOf(citizen);
        SignedIn sameCitizenOtherSession = citizen; // the current session is ended through its own token
        HttpResponse<String> ended = api.conforming(call("DELETE", "/v1/identity/me/sessions/" + citizen.sid())
                .bearer(tokens.access()));

        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
        assertThat(sessions.find(sameCitizenOtherSession.sid()).orElseThrow().endReason()).isEqualTo("citizen_ended");
        assertThat(fixture.refresh(tokens.refresh()).statusCode()).isEqualTo(400);
        assertThat(jdbc.queryForList("SELECT payload->>'kind' FROM outbox_event WHERE payload->>'sid' = ?",
                String.class, citizen.sid().toString())).contains("session_ended", "family_revoked");
    }

    @Test
    void anotherCitizensSessionIsNotFound() {
        SignedIn alice = fixture.signIn();
        SignedIn bob = fixture.signIn();
        Tokens aliceTokens = tokensOf(alice);

        HttpResponse<String> response = api.conforming(call("DELETE", "/v1/identity/me/sessions/" + bob.sid())
                .bearer(aliceTokens.access()));
        HttpResponse<String> garbage = api.conforming(call("DELETE", "/v1/identity/me/sessions/not-a-sid")
                .bearer(aliceTokens.access()));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("session_not_found");
        assertThat(garbage.statusCode()).isEqualTo(404);
        assertThat(sessions.find(bob.sid()).orElseThrow().live()).isTrue();
    }

    @Test
    void anAccessTokenWithoutTypAtJwtIsRefused() throws ParseException {
        SignedIn citizen = fixture.signIn();
        Tokens tokens = tokensOf(citizen);
        SignedJWT genuine = SignedJWT.parse(tokens.access());
        String sameClaimsTypJwt = TestSigner.sign(signingKeys.current(KeySeries.TOKENS), genuine.getJWTClaimsSet(),
                "JWT");

        HttpResponse<String> accepted = get("/v1/identity/me/sessions", tokens.access());
        HttpResponse<String> refused = get("/v1/identity/me/sessions", sameClaimsTypJwt);

        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).contains("invalid_token"));
    }

    private HttpResponse<String> get(String path, String token) {
        return fixture.identity().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET());
    }
}
