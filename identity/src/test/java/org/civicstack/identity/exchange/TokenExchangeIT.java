package org.civicstack.identity.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.CitizenTokens;
import org.civicstack.identity.CitizenTokens.Issued;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.pairwise.PairwiseSubjects;
import org.civicstack.identity.session.CitizenSessions;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** RFC 8693 token exchange for the gateway over HTTP, against the real PostgreSQL and the real SAS beans. */
@ServiceIntegrationTest
class TokenExchangeIT {

    static final TestClients GATEWAY = aPlatformClient("it-exchange-gateway")
            .withScopes("identity:token-exchange", "registry:routing");
    static final TestClients ROUTING_ONLY = aPlatformClient("it-exchange-routing-only").withScopes("registry:routing");
    static final String HEALTH = "agy_health_commission";
    static final String TRANSPORT = "agy_transport_bureau";

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    CitizenAccounts citizens;
    @Autowired
    CitizenSessions sessions;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    JwtEncoder keys;
    @Autowired
    PairwiseSubjects pairwise;
    @Autowired
    JdbcTemplate jdbc;

    TokenEndpoint identity;
    CitizenTokens tokens;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        GATEWAY.register(registrar);
        ROUTING_ONLY.register(registrar);
        tokens = new CitizenTokens(citizens, sessions, authorizations, clients, keys, "http://localhost:8080");
    }

    @Nested
    class TheAssertion {

        @Test
        void carriesExactlyTheContractClaims() throws Exception {
            CitizenId citizen = tokens.newCitizen();
            Issued subject = tokens.issue(citizen, Duration.ofMinutes(5));

            HttpResponse<String> response = exchange(GATEWAY, subject.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat((String) JsonPath.read(response.body(), "$.issued_token_type"))
                    .isEqualTo("urn:ietf:params:oauth:token-type:jwt");
            assertThat((String) JsonPath.read(response.body(), "$.token_type")).isEqualTo("N_A");
            assertThat((Integer) JsonPath.read(response.body(), "$.expires_in")).isBetween(118, 120);
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            SignedJWT jwt = SignedJWT.parse(JsonPath.read(response.body(), "$.access_token"));
            assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
            assertThat(jwt.getHeader().getKeyID()).isNotBlank();
            assertThat(identity.verifies(jwt)).as("signed with a key from /oauth2/jwks").isTrue();

            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertThat(claims.getClaims().keySet()).containsExactlyInAnyOrder("iss", "aud", "sub", "acr", "amr",
                    "auth_time", "scope", "act", "jti", "iat", "exp");
            assertThat(claims.getIssuer()).isEqualTo("http://localhost:8080");
            String payload = new String(Base64.getUrlDecoder().decode(jwt.getParsedParts()[1].toString()),
                    StandardCharsets.UTF_8);
            assertThat((String) JsonPath.read(payload, "$.aud")).as("aud is one string")
                    .isEqualTo("urn:civicstack:service:birth-registration");
            assertThat(claims.getSubject()).isEqualTo(pairwise.subjectFor(citizen, new AgencyId(HEALTH)))
                    .isNotEqualTo(citizen.toString())
                    .doesNotContain(citizen.value().toString());
            assertThat(claims.getStringClaim("acr")).isEqualTo("urn:civicstack:acr:1");
            assertThat(claims.getStringListClaim("amr")).containsExactly("sms");
            assertThat(claims.getLongClaim("auth_time")).isEqualTo(subject.jwt().getIssuedAt().getEpochSecond() - 30);
            assertThat(claims.getStringClaim("scope")).isEqualTo("openid profile");
            assertThat(claims.getJSONObjectClaim("act")).isEqualTo(Map.of("sub", GATEWAY.clientId()));
            assertThat(claims.getJWTID()).isNotBlank().isNotEqualTo(subject.jwt().getId());
            assertThat(claims.getClaim("sid")).isNull();
            assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                    .isEqualTo(Duration.ofSeconds(120));
            assertThat(payload).doesNotContain(subject.sid().toString()).doesNotContain(citizen.value().toString());
        }

        @Test
        void neverOutlivesTheCitizenToken() throws Exception {
            Issued subject = tokens.issue(tokens.newCitizen(), Duration.ofSeconds(40));

            HttpResponse<String> response = exchange(GATEWAY, subject.token(), "urn:civicstack:service:parking-permit",
                    "urn:civicstack:agency:" + TRANSPORT);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JWTClaimsSet claims = assertion(response);
            assertThat(claims.getExpirationTime().toInstant()).isEqualTo(subject.jwt().getExpiresAt());
            assertThat((Integer) JsonPath.read(response.body(), "$.expires_in")).isLessThanOrEqualTo(40);
        }

        @Test
        void subjectIsStablePerAgencyAndDiffersBetweenAgencies() throws Exception {
            CitizenId citizen = tokens.newCitizen();
            String health = assertion(exchange(GATEWAY, tokens.issue(citizen, Duration.ofMinutes(5)).token(),
                    "urn:civicstack:service:birth-registration", "urn:civicstack:agency:" + HEALTH)).getSubject();
            String healthLater = assertion(exchange(GATEWAY, tokens.issue(citizen, Duration.ofMinutes(5)).token(),
                    "urn:civicstack:service:vaccination-record", "urn:civicstack:agency:" + HEALTH)).getSubject();
            String transport = assertion(exchange(GATEWAY, tokens.issue(citizen, Duration.ofMinutes(5)).token(),
                    "urn:civicstack:service:parking-permit", "urn:civicstack:agency:" + TRANSPORT)).getSubject();

            assertThat(healthLater).isEqualTo(health);
            assertThat(transport).isNotEqualTo(health);
            assertThat(pairwise.resolve(new AgencyId(TRANSPORT), transport)).contains(citizen);
            assertThat(pairwise.resolve(new AgencyId(HEALTH), transport)).as("another agency's subject").isEmpty();
        }

        @Test
        void isRecordedAsAnEventWithoutTheTokens() {
            Issued subject = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));

            HttpResponse<String> response = exchange(GATEWAY, subject.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH);

            assertThat(response.statusCode()).isEqualTo(200);
            String newJti = JsonPath.read(SignedJWT_payload(JsonPath.read(response.body(), "$.access_token")), "$.jti");
            List<String> payloads = jdbc.queryForList("SELECT payload::text FROM outbox_event "
                    + "WHERE stream = 'cs:identity:token-events' AND payload->>'jti' = ?", String.class, newJti);
            assertThat(payloads).hasSize(1);
            String event = payloads.get(0);
            assertThat((String) JsonPath.read(event, "$.kind")).isEqualTo("token_exchanged");
            assertThat((String) JsonPath.read(event, "$.client_id")).isEqualTo(GATEWAY.clientId());
            assertThat((String) JsonPath.read(event, "$.citizen_id")).isEqualTo(subject.citizen().toString());
            assertThat((String) JsonPath.read(event, "$.sid")).isEqualTo(subject.sid().toString());
            assertThat((String) JsonPath.read(event, "$.details.subject_jti")).isEqualTo(subject.jwt().getId());
            assertThat((String) JsonPath.read(event, "$.details.service")).isEqualTo("birth-registration");
            assertThat((String) JsonPath.read(event, "$.details.agency_id")).isEqualTo(HEALTH);
            assertThat(event).doesNotContain(subject.token()).doesNotContain((String) JsonPath.read(response.body(),
                    "$.access_token"));
        }
    }

    @Nested
    class WhenRefused {

        @Test
        void unknownSubjectTokenIsInvalidGrant() {
            assertError(exchange(GATEWAY, "not-a-token-identity-issued", "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH), 400, "invalid_grant");
        }

        @Test
        void expiredSubjectTokenIsInvalidGrant() {
            Issued expired = tokens.issue(tokens.newCitizen(), Instant.now().minusSeconds(600), Duration.ofMinutes(5));

            assertError(exchange(GATEWAY, expired.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH), 400, "invalid_grant");
        }

        @Test
        void revokedSubjectTokenIsInvalidGrant() {
            Issued revoked = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));
            tokens.revoke(revoked);

            assertError(exchange(GATEWAY, revoked.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH), 400, "invalid_grant");
        }

        @Test
        void tokenOfAnEndedSessionIsInvalidGrant() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));
            sessions.end(issued.sid(), "citizen_ended");

            assertError(exchange(GATEWAY, issued.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH), 400, "invalid_grant");
        }

        @Test
        void aClientTokenIsNotACitizenTokenSoInvalidGrant() {
            HttpResponse<String> clientToken = identity.clientCredentials(GATEWAY.clientId(), GATEWAY.secret(),
                    "registry:routing");
            assertThat(clientToken.statusCode()).isEqualTo(200);

            assertError(exchange(GATEWAY, JsonPath.read(clientToken.body(), "$.access_token"),
                    "urn:civicstack:service:birth-registration", "urn:civicstack:agency:" + HEALTH), 400,
                    "invalid_grant");
        }

        @Test
        void malformedAudienceIsInvalidTarget() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));

            for (String audience : List.of("birth-registration", "urn:civicstack:service:Birth_Registration",
                    "urn:civicstack:service:-x", "urn:civicstack:agency:" + HEALTH)) {
                assertError(exchange(GATEWAY, issued.token(), audience, "urn:civicstack:agency:" + HEALTH), 400,
                        "invalid_target");
            }
            assertError(exchange(GATEWAY, issued.token(), null, "urn:civicstack:agency:" + HEALTH), 400,
                    "invalid_target");
        }

        @Test
        void malformedOrMissingResourceIsInvalidTarget() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));

            for (String resource : List.of("urn:civicstack:agency:health", "urn:civicstack:service:birth-registration",
                    "https://agency.example/")) {
                assertError(exchange(GATEWAY, issued.token(), "urn:civicstack:service:birth-registration", resource),
                        400, "invalid_target");
            }
            assertError(exchange(GATEWAY, issued.token(), "urn:civicstack:service:birth-registration", null), 400,
                    "invalid_target");
        }

        @Test
        void clientWithoutTheExchangeScopeIsUnauthorizedClient() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));

            assertError(exchange(ROUTING_ONLY, issued.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH), 400, "unauthorized_client");
        }

        @Test
        void wrongClientSecretIsInvalidClient() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));

            assertError(exchange(GATEWAY.clientId(), "wrong-secret-0123456789abcdefghijklmnopqrstuvwxyz",
                    issued.token(), "urn:civicstack:service:birth-registration", "urn:civicstack:agency:" + HEALTH),
                    401, "invalid_client");
        }

        @Test
        void aScopeBeyondTheSubjectTokensIsInvalidScope() {
            Issued issued = tokens.issue(tokens.newCitizen(), Duration.ofMinutes(5));
            Map<String, String> form = form(issued.token(), "urn:civicstack:service:birth-registration",
                    "urn:civicstack:agency:" + HEALTH);
            form.put("scope", "openid payments:create");

            assertError(post(GATEWAY.clientId(), GATEWAY.secret(), form), 400, "invalid_scope");
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo(error);
        assertThat(response.body()).doesNotContain("access_token");
    }

    private static JWTClaimsSet assertion(HttpResponse<String> response) throws ParseException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SignedJWT.parse(JsonPath.<String>read(response.body(), "$.access_token")).getJWTClaimsSet();
    }

    private static String SignedJWT_payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> exchange(TestClients client, String subjectToken, String audience, String resource) {
        return exchange(client.clientId(), client.secret(), subjectToken, audience, resource);
    }

    private HttpResponse<String> exchange(String clientId, String secret, String subjectToken, String audience,
            String resource) {
        return post(clientId, secret, form(subjectToken, audience, resource));
    }

    private static Map<String, String> form(String subjectToken, String audience, String resource) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
        if (audience != null) {
            form.put("audience", audience);
        }
        if (resource != null) {
            form.put("resource", resource);
        }
        return form;
    }

    private HttpResponse<String> post(String clientId, String secret, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(secret))
                .getBytes(StandardCharsets.UTF_8));
        return identity.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
