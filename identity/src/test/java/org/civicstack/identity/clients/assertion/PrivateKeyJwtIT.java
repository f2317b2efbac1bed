package org.civicstack.identity.clients.assertion;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.ClientJwks;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code private_key_jwt} end to end over HTTP: assertions signed with keys generated here, the agency's JWKS host
 * played by WireMock on a loopback port (allowed for that one port by the development setting, as a local run
 * would), the jti replay table in the real PostgreSQL.
 */
@ServiceIntegrationTest
class PrivateKeyJwtIT {

    static final String ISSUER = "http://localhost:8080";
    static final WireMockServer AGENCY_HOST = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    static {
        AGENCY_HOST.start();
    }

    @DynamicPropertySource
    static void agencyHostIsALoopbackUpstream(DynamicPropertyRegistry registry) {
        registry.add("civicstack.upstream-network.loopback-ports", () -> String.valueOf(AGENCY_HOST.port()));
    }

    @AfterAll
    static void stopAgencyHost() {
        AGENCY_HOST.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    ClientAssertionJtis jtis;
    @Autowired
    JdbcTemplate jdbc;

    TokenEndpoint identity;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
    }

    @Nested
    class WithAJwksUri {

        @Test
        void aValidPs256AssertionGetsAToken() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = jwksUriClient("valid", key);

            HttpResponse<String> response = token(clientId, assertion(key, clientId, ISSUER));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(SignedJWT.parse(JsonPath.<String>read(response.body(), "$.access_token")).getJWTClaimsSet()
                    .getSubject()).isEqualTo(clientId);
        }

        @Test
        void theTokenEndpointUrlIsAnAcceptedAudience() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = jwksUriClient("aud-endpoint", key);

            assertThat(token(clientId, assertion(key, clientId, ISSUER + "/oauth2/token")).statusCode()).isEqualTo(200);
        }

        @Test
        void anUnknownKidTriggersOneRefetchAndNoMore() throws Exception {
            RSAKey first = rsaKey("k1");
            RSAKey rotated = rsaKey("k2");
            String clientId = jwksUriClient("rotation", first);
            String path = jwksPath("rotation");
            assertThat(token(clientId, assertion(first, clientId, ISSUER)).statusCode()).isEqualTo(200);
            AGENCY_HOST.verify(1, getRequestedFor(urlEqualTo(path)));

            publish("rotation", first, rotated);
            assertThat(token(clientId, assertion(rotated, clientId, ISSUER)).statusCode())
                    .as("the new kid is fetched at once").isEqualTo(200);
            AGENCY_HOST.verify(2, getRequestedFor(urlEqualTo(path)));

            RSAKey unknown = rsaKey("k3");
            assertInvalidClient(token(clientId, assertion(unknown, clientId, ISSUER)));
            assertInvalidClient(token(clientId, assertion(rsaKey("k4"), clientId, ISSUER)));
            AGENCY_HOST.verify(2, getRequestedFor(urlEqualTo(path)));
        }

        @Test
        void aRedirectIsNotFollowed() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = "it-pkj-redirect";
            AGENCY_HOST.stubFor(get(urlEqualTo(jwksPath("redirect"))).willReturn(aResponse().withStatus(302)
                    .withHeader("Location", "http://127.0.0.1:" + AGENCY_HOST.port() + "/elsewhere/jwks.json")));
            AGENCY_HOST.stubFor(get(urlEqualTo("/elsewhere/jwks.json")).willReturn(aResponse().withStatus(200)
                    .withBody(new JWKSet(key.toPublicJWK()).toString())));
            register(clientId, TestClients.anAgencyClient(clientId).withSecret(null)
                    .withJwkSetUri(agencyUrl(jwksPath("redirect"))));

            assertInvalidClient(token(clientId, assertion(key, clientId, ISSUER)));
            AGENCY_HOST.verify(0, getRequestedFor(urlEqualTo("/elsewhere/jwks.json")));
        }

        @Test
        void anOversizedJwkSetIsRefused() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = "it-pkj-oversized";
            List<JWK> many = new ArrayList<>();
            many.add(key.toPublicJWK());
            for (int i = 0; i < 200; i++) {
                many.add(new RSAKey.Builder(key.toPublicJWK()).keyID("filler-" + i).build());
            }
            AGENCY_HOST.stubFor(get(urlEqualTo(jwksPath("oversized"))).willReturn(aResponse().withStatus(200)
                    .withBody(new JWKSet(many).toString())));
            register(clientId, TestClients.anAgencyClient(clientId).withSecret(null)
                    .withJwkSetUri(agencyUrl(jwksPath("oversized"))));

            assertInvalidClient(token(clientId, assertion(key, clientId, ISSUER)));
        }
    }

    @Nested
    class WithInlineKeys {

        @Test
        void anEs256AssertionGetsAToken() throws Exception {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            String clientId = inlineClient("es256", key);

            assertThat(token(clientId, assertion(key, clientId, ISSUER)).statusCode()).isEqualTo(200);
        }

        @Test
        void aSetWithAPrivateKeyIsRefusedAtRegistration() throws Exception {
            RSAKey key = rsaKey("k1");

            assertThatThrownBy(() -> ClientJwks.parse(new JWKSet(key).toString(false)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public keys only");
        }
    }

    @Nested
    class WhenTheAssertionIsRefused {

        @Test
        void aReplayedJtiIsInvalidClient() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("replay", key);
            String assertion = assertion(key, clientId, ISSUER);

            assertThat(token(clientId, assertion).statusCode()).isEqualTo(200);
            assertInvalidClient(token(clientId, assertion));
        }

        @Test
        void ofConcurrentReplaysExactlyOneWins() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("race", key);
            String assertion = assertion(key, clientId, ISSUER);

            List<CompletableFuture<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> token(clientId, assertion).statusCode()));
            }
            List<Integer> statuses = attempts.stream().map(CompletableFuture::join).toList();

            assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
            assertThat(statuses).filteredOn(status -> status == 401).hasSize(5);
        }

        @Test
        void anExpiredAssertionIsInvalidClient() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("expired", key);
            Instant past = Instant.now().minus(Duration.ofMinutes(10));

            assertInvalidClient(token(clientId, sign(key, JWSAlgorithm.PS256, claims(clientId, ISSUER)
                    .issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60))).build())));
        }

        @Test
        void anExpTooFarAheadOrMissingIsInvalidClient() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("long-lived", key);

            assertInvalidClient(token(clientId, sign(key, JWSAlgorithm.PS256, claims(clientId, ISSUER)
                    .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(30)))).build())));
            assertInvalidClient(token(clientId, sign(key, JWSAlgorithm.PS256, claims(clientId, ISSUER)
                    .expirationTime(null).build())));
        }

        @Test
        void aWrongAudienceIsInvalidClient() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("wrong-aud", key);

            assertInvalidClient(token(clientId, assertion(key, clientId, "https://some-other-server.example")));
        }

        @Test
        void anotherClientsIssuerIsInvalidClient() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("wrong-iss", key);

            assertInvalidClient(token(clientId, sign(key, JWSAlgorithm.PS256, claims("it-pkj-someone-else", ISSUER)
                    .build())));
        }

        @Test
        void rs256IsRefused() throws Exception {
            RSAKey key = rsaKey("k1");
            String clientId = inlineClient("rs256", key);

            assertInvalidClient(token(clientId, sign(key, JWSAlgorithm.RS256, claims(clientId, ISSUER).build())));
        }

        @Test
        void aKeyTheClientDidNotRegisterIsInvalidClient() throws Exception {
            String clientId = inlineClient("foreign-key", rsaKey("k1"));

            assertInvalidClient(token(clientId, assertion(rsaKey("k1"), clientId, ISSUER)));
        }

        @Test
        void expiredJtisArePurged() {
            jtis.firstUse("it-pkj-purge", "old-jti", Instant.now().minus(Duration.ofHours(1)));
            jtis.firstUse("it-pkj-purge", "live-jti", Instant.now().plus(Duration.ofMinutes(4)));

            jtis.purgeExpired();

            assertThat(jdbc.queryForList("SELECT jti FROM client_assertion_jti WHERE client_id = 'it-pkj-purge'",
                    String.class)).containsExactly("live-jti");
        }
    }

    @Nested
    class RegisteringAJwksUri {

        @Test
        void theMetadataAddressIsRefused() {
            assertThatThrownBy(() -> TestClients.anAgencyClient("it-pkj-metadata").withSecret(null)
                    .withJwkSetUri("http://169.254.169.254/latest/jwks").register(registrar))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused by the network policy")
                    .hasMessageContaining("metadata");
        }

        @Test
        void aPrivateAddressOutsideTheAllowedNetworksIsRefused() {
            assertThatThrownBy(() -> TestClients.anAgencyClient("it-pkj-private").withSecret(null)
                    .withJwkSetUri("https://10.1.2.3/jwks.json").register(registrar))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside the networks upstreams may use");
        }

        @Test
        void loopbackOnAnotherPortIsRefused() {
            int other = AGENCY_HOST.port() == 65000 ? 65001 : 65000;
            assertThatThrownBy(() -> TestClients.anAgencyClient("it-pkj-loopback").withSecret(null)
                    .withJwkSetUri("http://127.0.0.1:" + other + "/jwks.json").register(registrar))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused by the network policy");
        }
    }

    // --- helpers

    private static RSAKey rsaKey(String kid) throws Exception {
        return new RSAKeyGenerator(2048).keyID(kid).generate();
    }

    private static String jwksPath(String name) {
        return "/agencies/" + name + "/jwks.json";
    }

    private static String agencyUrl(String path) {
        return "http://127.0.0.1:" + AGENCY_HOST.port() + path;
    }

    private static void publish(String name, JWK... keys) {
        List<JWK> publicKeys = java.util.Arrays.stream(keys).map(JWK::toPublicJWK).toList();
        AGENCY_HOST.stubFor(get(urlEqualTo(jwksPath(name))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/jwk-set+json").withBody(new JWKSet(publicKeys).toString())));
    }

    private String jwksUriClient(String name, JWK key) {
        String clientId = "it-pkj-uri-" + name;
        publish(name, key);
        register(clientId, TestClients.anAgencyClient(clientId).withSecret(null).withJwkSetUri(agencyUrl(jwksPath(name))));
        return clientId;
    }

    private String inlineClient(String name, JWK key) {
        String clientId = "it-pkj-inline-" + name;
        registrar.register(TestClients.anAgencyClient(clientId).withSecret(null).build()
                .withJwks(ClientJwks.parse(new JWKSet(key.toPublicJWK()).toString())), null);
        return clientId;
    }

    private void register(String clientId, TestClients client) {
        client.register(registrar);
    }

    private static JWTClaimsSet.Builder claims(String clientId, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)));
    }

    private static String assertion(JWK key, String clientId, String audience) throws Exception {
        return sign(key, key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.PS256,
                claims(clientId, audience).build());
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
        JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private HttpResponse<String> token(String clientId, String assertion) {
        Map<String, String> form = Map.of("grant_type", "client_credentials", "scope", "registry:read",
                "client_id", clientId,
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return identity.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat((String) JsonPath.read(response.body(), "$.error")).isEqualTo("invalid_client");
    }
}
