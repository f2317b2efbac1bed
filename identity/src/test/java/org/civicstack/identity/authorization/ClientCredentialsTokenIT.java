package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.clients.RegistrationOutcome;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** The client credentials grant end to end over HTTP, against the real PostgreSQL of the test kit. */
@ServiceIntegrationTest
class ClientCredentialsTokenIT {

    static final TestClients HEALTH_AGENCY = anAgencyClient("it-token-agency-health")
            .withAgencyId("agy_health_commission")
            .withScopes("registry:read", "registry:write");
    static final TestClients OPERATOR = anOperatorClient("it-token-operator")
            .withScopes("registry:read", "registry:review");
    static final TestClients INTROSPECTOR = TestClients.aPlatformClient("it-token-introspector")
            .withScopes("identity:introspect");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    PasswordEncoder passwordEncoder;
    @Autowired
    ClientCredentialsTokens clientTokens;
    @Autowired
    org.civicstack.identity.revocation.RevocationService revocations;

    TokenEndpoint identity;

    @BeforeEach
    void registerClients() {
        identity = new TokenEndpoint(port);
        HEALTH_AGENCY.register(registrar);
        OPERATOR.register(registrar);
        INTROSPECTOR.register(registrar);
    }

    @Nested
    class WhenTheClientAuthenticatesAndAsksForItsScopes {

        @Test
        void tokenIsAJwtSignedWithAKeyFromTheJwks() throws ParseException {
            SignedJWT jwt = tokenFor(HEALTH_AGENCY, "registry:read registry:write");

            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
            assertThat(jwt.getHeader().getKeyID()).isNotBlank();
            assertThat(identity.verifies(jwt)).as("signature verifies against /oauth2/jwks").isTrue();
        }

        @Test
        void tokenCarriesIssuerAudienceSubjectScopeAndAgency() throws ParseException {
            JWTClaimsSet claims = tokenFor(HEALTH_AGENCY, "registry:write registry:read").getJWTClaimsSet();

            assertThat(claims.getIssuer()).isEqualTo("http://localhost:8080");
            assertThat(claims.getAudience()).containsExactly("civicstack");
            assertThat(claims.getSubject()).isEqualTo(HEALTH_AGENCY.clientId());
            assertThat(claims.getStringClaim("client_id")).isEqualTo(HEALTH_AGENCY.clientId());
            assertThat(claims.getStringClaim("scope")).isEqualTo("registry:read registry:write");
            assertThat(claims.getStringClaim("client_type")).isEqualTo("agency");
            assertThat(claims.getStringClaim("agency_id")).isEqualTo("agy_health_commission");
            assertThat(claims.getJWTID()).isNotBlank();
        }

        @Test
        void tokenExpiresFiveMinutesAfterIssue() throws ParseException {
            HttpResponse<String> response = identity.clientCredentials(HEALTH_AGENCY.clientId(),
                    HEALTH_AGENCY.secret(), "registry:read");
            JWTClaimsSet claims = SignedJWT.parse(JsonPath.read(response.body(), "$.access_token")).getJWTClaimsSet();

            assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                    .isEqualTo(Duration.ofMinutes(5));
            assertThat((Integer) JsonPath.read(response.body(), "$.expires_in")).isBetween(298, 300);
            assertThat((String) JsonPath.read(response.body(), "$.token_type")).isEqualTo("Bearer");
        }

        @Test
        void aNarrowerRequestGetsOnlyTheRequestedScope() throws ParseException {
            JWTClaimsSet claims = tokenFor(HEALTH_AGENCY, "registry:read").getJWTClaimsSet();

            assertThat(claims.getStringClaim("scope")).isEqualTo("registry:read");
        }

        @Test
        void operatorTokenSaysOperatorAndNamesNoAgency() throws ParseException {
            JWTClaimsSet claims = tokenFor(OPERATOR, "registry:review").getJWTClaimsSet();

            assertThat(claims.getStringClaim("client_type")).isEqualTo("operator");
            assertThat(claims.getClaim("agency_id")).isNull();
            assertThat(claims.getStringClaim("scope")).isEqualTo("registry:review");
        }

    }

    /**
     * Stored as one narrow row ({@link ClientCredentialsTokens}): introspection and revocation still know the token,
     * the database never holds it.
     */
    @Nested
    class WhenTheTokenIsStored {

        @Test
        void itIsOneNarrowRowWithTheTokensHashAndNeverTheToken() throws ParseException {
            SignedJWT jwt = tokenFor(OPERATOR, "registry:read");
            String token = jwt.serialize();

            assertThat(jdbc.queryForObject("SELECT count(*) FROM oauth2_authorization WHERE access_token_value = ?",
                    Integer.class, token)).as("not in the library's table").isZero();
            java.util.Map<String, Object> row = jdbc.queryForMap("SELECT t.*, t::text AS whole "
                    + "FROM client_credentials_token t WHERE token_hash = ?", ClientCredentialsTokens.hash(token));
            assertThat(row.get("principal_name")).isEqualTo(OPERATOR.clientId());
            assertThat(row.get("scopes")).isEqualTo("registry:read");
            assertThat(row.get("token_type")).isEqualTo("Bearer");
            assertThat(row.get("invalidated")).isEqualTo(false);
            assertThat(((java.sql.Timestamp) row.get("expires_at")).toInstant()
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .isEqualTo(jwt.getJWTClaimsSet().getExpirationTime().toInstant());
            String[] parts = token.split("\\.");
            assertThat((String) row.get("whole")).doesNotContain(parts[0], parts[1], parts[2]);
        }

        @Test
        void itsIssueIsOneEventCommittedWithTheRow() throws ParseException {
            String jti = tokenFor(OPERATOR, "registry:read").getJWTClaimsSet().getJWTID();

            assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'kind' = 'token_issued' "
                    + "AND payload->>'jti' = ? AND payload->>'client_id' = ? "
                    + "AND payload->'details'->>'grant_type' = 'client_credentials'", Integer.class, jti,
                    OPERATOR.clientId())).isEqualTo(1);
        }

        @Test
        void introspectionAnswersWithTheTokensClaims() throws ParseException {
            SignedJWT jwt = tokenFor(HEALTH_AGENCY, "registry:read registry:write");
            JWTClaimsSet claims = jwt.getJWTClaimsSet();

            String body = introspect(jwt.serialize());

            assertThat((Boolean) JsonPath.read(body, "$.active")).isTrue();
            assertThat((String) JsonPath.read(body, "$.client_id")).isEqualTo(HEALTH_AGENCY.clientId());
            assertThat((String) JsonPath.read(body, "$.sub")).isEqualTo(HEALTH_AGENCY.clientId());
            assertThat((String) JsonPath.read(body, "$.scope")).isEqualTo("registry:read registry:write");
            assertThat((String) JsonPath.read(body, "$.jti")).isEqualTo(claims.getJWTID());
            assertThat((String) JsonPath.read(body, "$.iss")).isEqualTo(claims.getIssuer());
            assertThat((List<String>) JsonPath.read(body, "$.aud")).containsExactly("civicstack");
            assertThat(((Number) JsonPath.read(body, "$.exp")).longValue())
                    .isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
            assertThat(((Number) JsonPath.read(body, "$.iat")).longValue())
                    .isEqualTo(claims.getIssueTime().toInstant().getEpochSecond());
            assertThat((String) JsonPath.read(body, "$.token_type")).isEqualTo("Bearer");
            assertThat((String) JsonPath.read(body, "$.agency_id")).isEqualTo("agy_health_commission");
        }

        @Test
        void aTokenRequestedWithADpopProofIsABearerTokenSinceNoResourceServerVerifiesProofs() throws Exception {
            com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                    com.nimbusds.jose.jwk.Curve.P_256).generate();
            SignedJWT proof = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new com.nimbusds.jose.JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build(),
                    new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", "POST")
                            .claim("htu", "http://localhost:" + port + "/oauth2/token")
                            .issueTime(new java.util.Date()).build());
            proof.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
            String basic = java.util.Base64.getEncoder().encodeToString((OPERATOR.clientId() + ":" + OPERATOR.secret())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> response = identity.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + port + "/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("DPoP", proof.serialize())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&scope=registry:read")));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat((String) JsonPath.read(response.body(), "$.token_type")).isEqualTo("Bearer");
            String token = JsonPath.read(response.body(), "$.access_token");
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getClaim("cnf")).isNull();

            String body = introspect(token);

            assertThat((Boolean) JsonPath.read(body, "$.active")).isTrue();
            assertThat((String) JsonPath.read(body, "$.token_type")).isEqualTo("Bearer");
            assertThat(identity.get("/.well-known/oauth-authorization-server").body())
                    .doesNotContain("dpop_signing_alg_values_supported");
            assertThat(identity.get("/.well-known/openid-configuration").body())
                    .doesNotContain("dpop_signing_alg_values_supported");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"", ".", "..", "...", "a.b.c", "a.b.c.d", "a..c",
                ".b.c", "a.b.", "%C3%A9.%C3%A9.%C3%A9", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "%00.%00.%00",
                "not-a-jwt-at-all"})
        void anythingElseIntrospectsAsInactiveNeverAnError(String token) {
            HttpResponse<String> response = identity.send(form("/oauth2/introspect", "token=" + token, INTROSPECTOR));

            assertThat(response.statusCode()).as(response.body()).isIn(200, 400);
            if (response.statusCode() == 200) {
                assertThat((Boolean) JsonPath.read(response.body(), "$.active")).isFalse();
            }
        }

        @Test
        void aTokenWithTheSameClaimsButAnotherSignatureIsUnknown() throws ParseException {
            String token = tokenFor(OPERATOR, "registry:read").serialize();
            int signature = token.lastIndexOf('.') + 1;
            String forged = token.substring(0, signature) + (token.charAt(signature) == 'A' ? 'B' : 'A')
                    + token.substring(signature + 1);

            assertThat((Boolean) JsonPath.read(introspect(forged), "$.active")).isFalse();
            assertThat((Boolean) JsonPath.read(introspect(token), "$.active")).isTrue();
        }

        @Test
        void theClientRevokingItsOwnTokenMakesItInactive() throws ParseException {
            TestClients client = anAgencyClient("it-token-self-revoke").withAgencyId("agy_health_commission");
            client.register(registrar);
            String token = tokenFor(client, "registry:read").serialize();

            HttpResponse<String> revoked = identity.send(form("/oauth2/revoke", "token=" + token, client));

            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            assertThat((Boolean) JsonPath.read(introspect(token), "$.active")).isFalse();
            assertThat(jdbc.queryForObject("SELECT invalidated FROM client_credentials_token WHERE token_hash = ?",
                    Boolean.class, ClientCredentialsTokens.hash(token))).isTrue();
        }

        @Test
        void revocationByClientMarksEveryLiveTokenOfThatClient() throws ParseException {
            TestClients client = anAgencyClient("it-token-client-revoked").withAgencyId("agy_health_commission");
            client.register(registrar);
            String first = tokenFor(client, "registry:read").serialize();
            String second = tokenFor(client, "registry:read").serialize();
            String other = tokenFor(OPERATOR, "registry:read").serialize();

            revocations.revoke(org.civicstack.identity.revocation.Revocation.Kind.CLIENT, client.clientId(),
                    "it-auditor", "test");

            assertThat(jdbc.queryForList("SELECT invalidated FROM client_credentials_token WHERE token_hash IN (?, ?)",
                    Boolean.class, ClientCredentialsTokens.hash(first), ClientCredentialsTokens.hash(second)))
                    .containsExactly(true, true);
            assertThat((Boolean) JsonPath.read(introspect(first), "$.active")).isFalse();
            assertThat((Boolean) JsonPath.read(introspect(other), "$.active")).as("another client's").isTrue();
        }

        @Test
        void thePurgeDeletesOnlyRowsPastTheirLifetime() throws ParseException {
            String expired = tokenFor(OPERATOR, "registry:read").serialize();
            String live = tokenFor(OPERATOR, "registry:read").serialize();
            jdbc.update("UPDATE client_credentials_token SET expires_at = now() - interval '1 second' "
                    + "WHERE token_hash = ?", ClientCredentialsTokens.hash(expired));

            assertThat(clientTokens.purgeExpired()).isPositive();

            assertThat(jdbc.queryForList("SELECT token_hash FROM client_credentials_token WHERE token_hash IN (?, ?)",
                    byte[].class, ClientCredentialsTokens.hash(expired), ClientCredentialsTokens.hash(live)))
                    .containsExactly(ClientCredentialsTokens.hash(live));
            assertThat((Boolean) JsonPath.read(introspect(expired), "$.active")).isFalse();
            assertThat((Boolean) JsonPath.read(introspect(live), "$.active")).isTrue();
        }

        private String introspect(String token) {
            HttpResponse<String> response = identity.send(form("/oauth2/introspect", "token=" + token, INTROSPECTOR));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }

        private java.net.http.HttpRequest.Builder form(String path, String body, TestClients client) {
            String basic = java.util.Base64.getEncoder().encodeToString((client.clientId() + ":" + client.secret())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        }
    }

    @Nested
    class WhenTheRequestIsRefused {

        @Test
        void wrongSecretIsInvalidClient() {
            HttpResponse<String> response = identity.clientCredentials(HEALTH_AGENCY.clientId(),
                    "not-the-secret-0123456789abcdefghijklmnop", "registry:read");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"civicstack\"");
        }

        @Test
        void unknownClientIsInvalidClient() {
            HttpResponse<String> response = identity.clientCredentials("it-token-nobody",
                    HEALTH_AGENCY.secret(), "registry:read");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
        }

        @Test
        void scopeTheClientDoesNotHaveIsInvalidScope() {
            HttpResponse<String> response = identity.clientCredentials(HEALTH_AGENCY.clientId(),
                    HEALTH_AGENCY.secret(), "registry:read registry:review");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_scope");
            assertThat(response.body()).doesNotContain("access_token");
        }

        @Test
        void noClientAuthenticationIsInvalidClient() {
            HttpResponse<String> response = identity.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + port + "/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&client_id=" + HEALTH_AGENCY.clientId())));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"civicstack\"");
        }
    }

    @Test
    void aClientRegisteredWithoutAPlatformClientTypeGetsNoToken() {
        String secret = "raw-client-secret-0123456789abcdefghijklmn";
        if (clients.findByClientId("it-token-raw") == null) {
            clients.save(RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId("it-token-raw")
                    .clientSecret(passwordEncoder.encode(secret))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .scope("registry:read")
                    .build());
        }

        HttpResponse<String> response = identity.clientCredentials("it-token-raw", secret, "registry:read");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("unauthorized_client");
    }

    @Test
    void secretIsStoredOnlyAsASaltedSha256Hash() {
        assertThat(storedSecret(HEALTH_AGENCY)).startsWith("{sha256-salted}").doesNotContain(HEALTH_AGENCY.secret());
    }

    @Test
    void aBcryptHashStoredBeforeIsUpgradedOnTheClientsNextSuccessfulAuthentication() {
        TestClients legacy = anAgencyClient("it-token-legacy-bcrypt").withAgencyId("agy_legacy");
        legacy.register(registrar);
        storeAsBcrypt(legacy);

        HttpResponse<String> first = identity.clientCredentials(legacy.clientId(), legacy.secret(), "registry:read");
        String upgraded = storedSecret(legacy);
        HttpResponse<String> second = identity.clientCredentials(legacy.clientId(), legacy.secret(), "registry:read");
        HttpResponse<String> wrong = identity.clientCredentials(legacy.clientId(), legacy.secret() + "x", null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(upgraded).startsWith("{sha256-salted}");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void aBcryptHashStoredBeforeIsUpgradedWhenTheClientIsRegisteredAgain() {
        TestClients legacy = anAgencyClient("it-token-legacy-bootstrap").withAgencyId("agy_legacy");
        legacy.register(registrar);
        storeAsBcrypt(legacy);

        assertThat(legacy.register(registrar)).isEqualTo(RegistrationOutcome.UPDATED);
        assertThat(storedSecret(legacy)).startsWith("{sha256-salted}");
        assertThat(legacy.register(registrar)).as("then nothing to do").isEqualTo(RegistrationOutcome.UNCHANGED);
    }

    private void storeAsBcrypt(TestClients client) {
        jdbc.update("UPDATE oauth2_registered_client SET client_secret = ? WHERE client_id = ?",
                "{bcrypt}" + new BCryptPasswordEncoder().encode(client.secret()), client.clientId());
        assertThat(storedSecret(client)).startsWith("{bcrypt}");
    }

    private String storedSecret(TestClients client) {
        return jdbc.queryForObject("SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?",
                String.class, client.clientId());
    }

    @Test
    void jwksServesOnlyPublicKeys() {
        HttpResponse<String> response = identity.get("/oauth2/jwks");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> privateExponents = JsonPath.read(response.body(), "$.keys[*].d");
        assertThat(privateExponents).isEmpty();
        assertThat(identity.jwks().getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    }

    private SignedJWT tokenFor(TestClients client, String scope) throws ParseException {
        HttpResponse<String> response = identity.clientCredentials(client.clientId(), client.secret(), scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SignedJWT.parse(JsonPath.<String>read(response.body(), "$.access_token"));
    }
}
