package org.civicstack.gateway.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.dispatch.AgencyDispatchIT.pollUntil;
import static org.civicstack.gateway.dispatch.AgencyDispatchIT.streamContains;
import static org.civicstack.gateway.dispatch.RouteFixtures.aRoute;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import org.civicstack.gateway.access.CitizenTokens;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestClients;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Citizen services through the gateway: tokens verified against identity's JWKS, the step-up and scope challenges,
 * and the upstream assertion from the token exchange replacing the citizen's token. Identity's JWKS and token
 * endpoints are played by WireMock from their HTTP contracts, with a key this test signs with (the real identity
 * is exercised by the launcher's end-to-end test); the agency is WireMock; Redis is real.
 */
@ServiceIntegrationTest
class CitizenAccessIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final WireMockServer identity = new WireMockServer(options().dynamicPort());
    static final WireMockServer agency = new WireMockServer(options().dynamicPort());
    static final RSAKey KEY = CitizenTokens.newKey("gw-it-1");
    static final RSAKey ROTATED = CitizenTokens.newKey("gw-it-2");

    static {
        identity.start();
        agency.start();
        stubIdentity(new JWKSet(KEY.toPublicJWK()));
        List<Map<String, Object>> routes = List.of(
                aRoute(1, "sz-permits", agency.baseUrl() + "/permits").with("agency_id", "agy_00000000000000000042")
                        .with("access", Map.of("level", "citizen", "min_assurance_level", 2, "scopes", List.of()))
                        .build(),
                aRoute(2, "sz-scoped", agency.baseUrl() + "/permits")
                        .with("access", Map.of("level", "citizen", "min_assurance_level", 1,
                                "scopes", List.of("permits:apply")))
                        .build(),
                aRoute(3, "sz-open", agency.baseUrl() + "/permits").build(),
                aRoute(4, "sz-down", agency.baseUrl() + "/permits")
                        .with("access", Map.of("level", "citizen", "min_assurance_level", 1, "scopes", List.of()))
                        .build(),
                aRoute(5, "sz-garbled", agency.baseUrl() + "/permits")
                        .with("access", Map.of("level", "citizen", "min_assurance_level", 1, "scopes", List.of()))
                        .build());
        StringBuilder ndjson = new StringBuilder("{\"version\":5,\"routes\":5}\n");
        routes.forEach(r -> ndjson.append(JSON.writeValueAsString(r)).append('\n'));
        identity.stubFor(get(urlEqualTo("/v1/registry/routing/snapshot"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson").withBody(ndjson.toString())));
    }

    static void stubIdentity(JWKSet keys) {
        identity.stubFor(get(urlEqualTo("/oauth2/jwks"))
                .willReturn(okJson(keys.toString())));
        identity.stubFor(post(urlEqualTo("/oauth2/token")).atPriority(5)
                .willReturn(okJson("{\"access_token\":\"gw-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        identity.stubFor(post(urlEqualTo("/oauth2/token")).atPriority(1)
                .withRequestBody(containing("grant_type=" + form(EXCHANGE)))
                .withRequestBody(containing("audience=" + form("urn:civicstack:service:sz-down")))
                .willReturn(aResponse().withStatus(503).withBody("down")));
        // an assertion that is no compact JWS: a header line break (an injected header upstream), then a space
        identity.stubFor(post(urlEqualTo("/oauth2/token")).atPriority(1)
                .withRequestBody(containing("grant_type=" + form(EXCHANGE)))
                .withRequestBody(containing("audience=" + form("urn:civicstack:service:sz-garbled")))
                .willReturn(okJson("{\"access_token\":\"eyJ.e30.sig\\r\\nX-Injected: yes\",\"issued_token_type\":"
                        + "\"urn:ietf:params:oauth:token-type:jwt\",\"token_type\":\"N_A\",\"expires_in\":120}")));
        identity.stubFor(post(urlEqualTo("/oauth2/token")).atPriority(2)
                .withRequestBody(containing("grant_type=" + form(EXCHANGE)))
                .willReturn(okJson("{\"access_token\":\"upstream-assertion-1\",\"issued_token_type\":"
                        + "\"urn:ietf:params:oauth:token-type:jwt\",\"token_type\":\"N_A\",\"expires_in\":120}")));
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("civicstack.gateway.upstreams.services-registry.uri", identity::baseUrl);
        registry.add("civicstack.gateway.upstreams.identity.uri", identity::baseUrl);
        registry.add("civicstack.gateway.routing.token-uri", () -> identity.baseUrl() + "/oauth2/token");
        registry.add("civicstack.gateway.routing.client-secret", () -> "test-secret");
        registry.add("civicstack.gateway.access.issuer", () -> CitizenTokens.ISSUER);
        registry.add("civicstack.gateway.access.unknown-kid-refresh-interval", () -> "0s");
        registry.add("civicstack.gateway.dispatch.connect-check-exemptions", () -> "localhost:" + agency.port());
        TestInfrastructure.flushRedis();
    }

    @AfterAll
    static void stop() {
        identity.stop();
        agency.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    RoutingIndex index;

    WebTestClient client;

    @BeforeEach
    void setUp() {
        agency.resetAll();
        agency.stubFor(get(urlPathEqualTo("/permits/appointments")).willReturn(okJson("{\"ok\":true}")));
        client = TestClients.webTestClient("http://localhost:" + port);
        pollUntil(index::isLoaded, Duration.ofSeconds(20));
    }

    static String token(int level) {
        return CitizenTokens.token(KEY, System.currentTimeMillis(), level);
    }

    @Test
    void noTokenOnACitizenServiceIsAChallenge() {
        client.get().uri("/s/sz-permits/appointments").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"civicstack\"")
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.code").isEqualTo("token_missing");
        assertThat(agency.getAllServeEvents()).isEmpty();
    }

    @Test
    void aForgedTokenIsInvalidToken() {
        String forged = CitizenTokens.token(CitizenTokens.newKey("gw-it-1"), System.currentTimeMillis(), 3);
        client.get().uri("/s/sz-permits/appointments").header("Authorization", "Bearer " + forged).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value("WWW-Authenticate", v -> assertThat(v).contains("error=\"invalid_token\""))
                .expectBody().jsonPath("$.code").isEqualTo("token_invalid");
        assertThat(agency.getAllServeEvents()).isEmpty();
    }

    @Test
    void aLevelTooLowGetsTheStepUpChallenge() {
        String requestId = "step-up-" + UUID.randomUUID();
        client.get().uri("/s/sz-permits/appointments").header("Authorization", "Bearer " + token(1))
                .header("X-Request-Id", requestId).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value("WWW-Authenticate", v -> assertThat(v)
                        .contains("error=\"insufficient_user_authentication\"")
                        .contains("acr_values=\"urn:civicstack:acr:2\""))
                .expectBody().jsonPath("$.code").isEqualTo("assurance_level_too_low");
        assertThat(agency.getAllServeEvents()).isEmpty();
        // the usage record says the gateway refused it, and which (verified) token, for the audit log
        pollUntil(() -> streamContains(requestId), Duration.ofSeconds(5));
        assertThat(AgencyDispatchIT.usageRecordWith(requestId))
                .containsEntry(AgencyDispatchIT.STREAM_OF_RECORD, UsageRecorder.STREAM)
                .containsEntry("refusal", "assurance_level_too_low")
                .containsEntry("status", "401").containsEntry("agency", "agy_00000000000000000042")
                .containsKey("jti").containsKey("sid");
    }

    @Test
    void aMissingScopeIsForbidden() {
        client.get().uri("/s/sz-scoped/appointments").header("Authorization", "Bearer " + token(3)).exchange()
                .expectStatus().isForbidden()
                .expectHeader().valueEquals("WWW-Authenticate",
                        "Bearer realm=\"civicstack\", error=\"insufficient_scope\", scope=\"permits:apply\"")
                .expectBody().jsonPath("$.code").isEqualTo("insufficient_scope");
    }

    @Test
    void theAgencyGetsTheAssertionNeverTheCitizensTokenAndOneExchangeServesRepeats() {
        String citizenToken = token(2);
        String requestId = "citizen-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            client.get().uri("/s/sz-permits/appointments").header("Authorization", "Bearer " + citizenToken)
                    .header("X-Request-Id", requestId).exchange()
                    .expectStatus().isOk();
        }

        agency.verify(3, getRequestedFor(urlPathEqualTo("/permits/appointments"))
                .withHeader("Authorization", equalTo("Bearer upstream-assertion-1")));
        assertThat(agency.getAllServeEvents()).allSatisfy(event -> assertThat(event.getRequest().getHeaders().all()
                .toString()).doesNotContain(citizenToken));
        identity.verify(1, postRequestedFor(urlEqualTo("/oauth2/token"))
                .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials("civicstack-gateway", "test-secret"))
                .withRequestBody(containing("subject_token=" + citizenToken))
                .withRequestBody(containing("subject_token_type=" + form("urn:ietf:params:oauth:token-type:access_token")))
                .withRequestBody(containing("audience=" + form("urn:civicstack:service:sz-permits")))
                .withRequestBody(containing("resource=" + form("urn:civicstack:agency:agy_00000000000000000042"))));
        // the usage record names the citizen by sub (not the token) and the service's agency, for the audit log
        pollUntil(() -> streamContains(requestId), Duration.ofSeconds(5));
        assertThat(AgencyDispatchIT.usageRecordWith(requestId))
                .containsEntry(AgencyDispatchIT.STREAM_OF_RECORD, UsageRecorder.STREAM)
                .containsEntry("agency", "agy_00000000000000000042")
                .containsKey("jti").containsKey("sub").doesNotContainKey("refusal")
                .doesNotContainValue(citizenToken);
    }

    @Test
    void aBodySentWithTheHeadWhileTheExchangeIsPendingReachesTheAgencyWhole() {
        agency.stubFor(post(urlPathEqualTo("/permits/appointments")).willReturn(okJson("{\"booked\":true}")));
        String body = "{\"slot\":\"2026-12-03T09:00\",\"dept\":\"儿科\"}";

        // a fresh token: its assertion is not cached, so the request waits for the exchange with its body read
        client.post().uri("/s/sz-permits/appointments").header("Authorization", "Bearer " + token(2))
                .header("Content-Type", "application/json").bodyValue(body).exchange()
                .expectStatus().isOk();

        agency.verify(postRequestedFor(urlPathEqualTo("/permits/appointments"))
                .withHeader("Authorization", equalTo("Bearer upstream-assertion-1"))
                .withRequestBody(equalTo(body)));
    }

    @Test
    void identityFailingIsA503AndNothingReachesTheAgency() {
        client.get().uri("/s/sz-down/appointments").header("Authorization", "Bearer " + token(2)).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.code").isEqualTo("identity_unavailable");
        assertThat(agency.getAllServeEvents()).isEmpty();
    }

    @Test
    void anAssertionThatIsNoCompactJwsIsA503AndNothingReachesTheAgency() {
        client.get().uri("/s/sz-garbled/appointments").header("Authorization", "Bearer " + token(2)).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.code").isEqualTo("identity_unavailable");
        assertThat(agency.getAllServeEvents()).isEmpty();
    }

    @Test
    void anonymousServicesStillDropTheAuthorizationHeader() {
        client.get().uri("/s/sz-open/appointments").header("Authorization", "Bearer " + token(3)).exchange()
                .expectStatus().isOk();
        agency.verify(getRequestedFor(urlPathEqualTo("/permits/appointments"))
                .withHeader("Authorization", WireMock.absent()));
    }

    @Test
    void aTokenSignedWithANewlyPublishedKeyIsAcceptedAfterARefresh() {
        stubIdentity(new JWKSet(List.of(KEY.toPublicJWK(), ROTATED.toPublicJWK())));
        JWTClaimsSet claims = CitizenTokens.claims(System.currentTimeMillis(), 2).build();

        client.get().uri("/s/sz-permits/appointments")
                .header("Authorization", "Bearer " + CitizenTokens.sign(ROTATED, claims)).exchange()
                .expectStatus().isOk();
    }
}
