package org.civicstack.certificates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.civicstack.testkit.MutableClock;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestClients;
import org.civicstack.testkit.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Shared set-up of the certificates integration tests: one Spring context on the shared PostgreSQL and Redis, tokens
 * signed like identity's, a stand-in for identity's token and citizen-reference endpoints (the real identity answers
 * them in the end-to-end tests), and a clock tests can move forward (expiry).
 */
@ServiceIntegrationTest
public abstract class CertificatesTestSupport {

    public static final String DATABASE = "civicstack_certificates";
    public static final String BASE = "http://localhost:8080";
    public static final TestTokens tokens = new TestTokens();
    public static final WireMockServer identity = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new BatchResolveStandIn()));
    /** The services registry's public catalog, for agency names (the real one answers in the end-to-end tests). */
    public static final WireMockServer registry = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        registry.start();
        identity.start();
        identity.stubFor(post(urlEqualTo("/oauth2/token"))
                .withBasicAuth("civicstack-certificates", "test-secret")
                .willReturn(okJson("{\"access_token\":\"identity-test-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"unknown_subject\"}")));
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve-batch"))
                .withHeader("Authorization", equalTo("Bearer identity-test-token"))
                .willReturn(okJson("{}").withTransformers("resolve-batch")));
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClockConfiguration {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
        registry.add("civicstack.certificates.public-base-url", () -> BASE);
        registry.add("civicstack.certificates.identity.token-uri", () -> identity.baseUrl() + "/oauth2/token");
        registry.add("civicstack.certificates.identity.base-url", identity::baseUrl);
        registry.add("civicstack.certificates.identity.client-secret", () -> "test-secret");
        registry.add("civicstack.certificates.seed-types", () -> "true");
        registry.add("civicstack.certificates.registry-base-url", CertificatesTestSupport.registry::baseUrl);
        registry.add("civicstack.upstream-network.allow-public-internet", () -> "true");
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected MutableClock clock;

    protected WebTestClient client;

    @BeforeEach
    void connect() {
        client = TestClients.webTestClient("http://localhost:" + port, Duration.ofSeconds(30));
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A citizen known to an agency under a subject of its own, with their app token. */
    public record Citizen(String subject, String ref, String token) {
    }

    /** A new pairwise subject in identity's form (16 random bytes, base64url: 22 characters). */
    public static String aSubject() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static Citizen aCitizen(String agencyId) {
        String subject = aSubject();
        String ref = UUID.randomUUID().toString();
        knowAs(agencyId, subject, ref);
        return new Citizen(subject, ref, citizenToken(ref));
    }

    /** Identity tells {@code agencyId}'s subject {@code subject} is citizen {@code ref}. */
    public static void knowAs(String agencyId, String subject, String ref) {
        BatchResolveStandIn.knowAs(agencyId, subject, ref);
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer identity-test-token"))
                .withRequestBody(matchingJsonPath("$.agency_id", equalTo(agencyId)))
                .withRequestBody(matchingJsonPath("$.subject", equalTo(subject)))
                .willReturn(okJson("{\"citizen_ref\":\"" + ref + "\",\"agency_id\":\"" + agencyId + "\",\"subject\":\""
                        + subject + "\"}")));
    }

    /** Identity has verified citizen {@code ref} (level 2) with this resident ID number. */
    public static void verifiedWith(String residentIdNumber, String ref) {
        BatchResolveStandIn.verifiedWith(residentIdNumber, ref);
        identity.stubFor(post(urlEqualTo("/v1/identity/citizen-references/resolve")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer identity-test-token"))
                .withRequestBody(matchingJsonPath("$.resident_id_number", equalTo(residentIdNumber)))
                .willReturn(okJson("{\"citizen_ref\":\"" + ref + "\",\"assurance_level\":2}")));
    }

    public static String citizenToken(String ref) {
        return tokens.token(ref, Map.of("client_type", "citizen_app", "client_id", "civicstack-app", "scope", "openid",
                "acr", "1"));
    }

    public record Agency(String id, String token) {
    }

    /** The registry names the agency. */
    public static void named(String agencyId, String zh, String en) {
        registry.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/catalog/agencies/" + agencyId))
                .willReturn(okJson("{\"id\":\"" + agencyId + "\",\"name_zh_cn\":\"" + zh + "\",\"name_en\":\"" + en
                        + "\",\"unit_type\":\"municipal_unit\"}")));
    }

    /** A new agency's token with every agency certificates scope. */
    public static Agency anAgency() {
        String id = "agy_test_" + UUID.randomUUID().toString().substring(0, 8);
        return new Agency(id, tokens.agency("client-" + id, id, "certificates:types", "certificates:issue",
                "certificates:verify"));
    }

    /** An agency token for a fixed agency id (the seeded issuers). */
    public static Agency agency(String id) {
        return new Agency(id, tokens.agency("client-" + id, id, "certificates:types", "certificates:issue",
                "certificates:verify"));
    }
}
