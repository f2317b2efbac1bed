package org.civicstack.identity.pairwise;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jwt.JWTClaimsSet;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.CitizenFixtures;
import org.civicstack.identity.assurance.verification.IdentityVerificationService;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.keys.KeySeries;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.identity.keys.TestSigner;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pairwise subjects in the real PostgreSQL, and the resolve API for platform services over HTTP. Citizens reach level 2
 * for the resident ID number form through the real {@link IdentityVerificationService}, with WireMock as the real-name
 * authority.
 */
@ServiceIntegrationTest
class CitizenReferenceIT {

    static final TestClients CERTIFICATES = aPlatformClient("it-resolve-certificates").withScopes("identity:resolve");
    static final TestClients GATEWAY = aPlatformClient("it-resolve-gateway").withScopes("registry:routing");
    static final TestClients AGENCY = anAgencyClient("it-resolve-agency").withAgencyId("agy_resolve_health")
            .withScopes("certificates:verify");
    static final AgencyId HEALTH = new AgencyId("agy_resolve_health");
    static final AgencyId TRANSPORT = new AgencyId("agy_resolve_transport");
    static final WireMockServer REAL_NAME = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        REAL_NAME.start();
    }

    @DynamicPropertySource
    static void realNameAuthority(DynamicPropertyRegistry registry) {
        registry.add("civicstack.identity.assurance.real-name.base-url", REAL_NAME::baseUrl);
        registry.add("civicstack.identity.assurance.real-name.app-key", () -> "it-realname-key");
    }

    @AfterAll
    static void stopRealNameAuthority() {
        REAL_NAME.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    PairwiseSubjects pairwise;
    @Autowired
    CitizenAccounts citizens;
    @Autowired
    IdentityVerificationService verification;
    @Autowired
    SigningKeyRing signingKeys;
    @Autowired
    JdbcTemplate jdbc;

    TokenEndpoint identity;
    OpenApiConformance api;
    final List<CitizenId> verified = new ArrayList<>();

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        api = OpenApiConformance.ofServiceAt(port);
        CERTIFICATES.register(registrar);
        GATEWAY.register(registrar);
        AGENCY.register(registrar);
        REAL_NAME.resetAll();
    }

    /** As AssuranceApiIT: other test classes sharing the database (ServiceContractIT counts the outbox) must not see these. */
    @AfterEach
    void removeTheVerifications() {
        String[] ids = verified.stream().map(CitizenId::toString).toArray(String[]::new);
        jdbc.update("DELETE FROM outbox_event WHERE payload->>'citizen_id' = ANY (?)", (Object) ids);
        jdbc.update("DELETE FROM verification_attempt WHERE citizen_id::text = ANY (?)", (Object) ids);
        jdbc.update("DELETE FROM identity_verification WHERE citizen_id::text = ANY (?)", (Object) ids);
    }

    @Test
    void aSubjectIsStableUnlinkableAndNeverTheInternalId() {
        CitizenId citizen = newCitizen();

        String health = pairwise.subjectFor(citizen, HEALTH);

        assertThat(pairwise.subjectFor(citizen, HEALTH)).isEqualTo(health);
        assertThat(pairwise.subjectFor(citizen, TRANSPORT)).isNotEqualTo(health);
        assertThat(health).matches("[A-Za-z0-9_-]{22}").doesNotContain(citizen.value().toString().substring(0, 8));
        assertThat(pairwise.subjectFor(newCitizen(), HEALTH)).as("another citizen").isNotEqualTo(health);
    }

    @Test
    void concurrentFirstUsesAgreeOnOneValue() {
        CitizenId citizen = newCitizen();
        List<CompletableFuture<String>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attempts.add(CompletableFuture.supplyAsync(() -> pairwise.subjectFor(citizen, HEALTH)));
        }

        assertThat(attempts.stream().map(CompletableFuture::join).collect(java.util.stream.Collectors.toSet()))
                .hasSize(1);
    }

    @Test
    void aPlatformServiceResolvesTheSubjectToTheCitizensReference() {
        CitizenId citizen = newCitizen();
        String subject = pairwise.subjectFor(citizen, HEALTH);

        HttpResponse<String> response = api.conforming(resolve(token(CERTIFICATES, "identity:resolve"),
                "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"" + subject + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(response.body(), "$.citizen_ref")).isEqualTo(citizen.toString());
        assertThat((String) JsonPath.read(response.body(), "$.agency_id")).isEqualTo(HEALTH.value());
    }

    @Test
    void anotherAgencysSubjectOrAnUnknownOneIsNotFound() {
        String transportSubject = pairwise.subjectFor(newCitizen(), TRANSPORT);
        String token = token(CERTIFICATES, "identity:resolve");

        for (String subject : List.of(transportSubject, "AAAAAAAAAAAAAAAAAAAAAA")) {
            HttpResponse<String> response = api.conforming(resolve(token,
                    "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"" + subject + "\"}"));
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("unknown_subject");
        }
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() {
        // the request breaks the document on purpose (an unknown field); the answer must still match it
        HttpResponse<String> response = api.answeredAsDocumented(resolve(token(CERTIFICATES, "identity:resolve"),
                "{\"agency_id\":\"health\",\"subject\":\"x\",\"citizen_id\":\"1\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("validation_failed");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("agency_id", "subject", "citizen_id");
    }

    @Test
    void withoutTheResolveScopeItIsForbiddenAndWithoutATokenUnauthorized() {
        HttpResponse<String> forbidden = api.answeredAsDocumented(resolve(token(GATEWAY, "registry:routing"),
                "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"));
        HttpResponse<String> anonymous = api.answeredAsDocumented(call("POST", CitizenReferenceController.PATH)
                .json("{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"));

        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).doesNotContain("citizen_ref");
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void aPlatformServiceResolvesAResidentIdNumberVerifiedAtLevelTwo() {
        CitizenId citizen = newCitizen();
        String number = CitizenFixtures.aResidentIdNumber();
        reachLevelTwo(citizen, number);

        HttpResponse<String> response = api.conforming(resolve(token(CERTIFICATES, "identity:resolve"),
                "{\"resident_id_number\":\"" + number + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(response.body(), "$.citizen_ref")).isEqualTo(citizen.toString());
        assertThat((Integer) JsonPath.read(response.body(), "$.assurance_level")).isEqualTo(2);
        assertThat(response.body()).doesNotContain(number.substring(0, 17)).doesNotContain("agency_id")
                .doesNotContain("subject");
    }

    @Test
    void aValidNumberNoAccountWasVerifiedWithIsNotFound() {
        newCitizen(); // a level-1 account exists, but nobody verified this number
        String number = CitizenFixtures.aResidentIdNumber();

        HttpResponse<String> response = api.conforming(resolve(token(CERTIFICATES, "identity:resolve"),
                "{\"resident_id_number\":\"" + number + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("unknown_citizen");
        assertThat(response.body()).doesNotContain(number.substring(0, 17));
    }

    @Test
    void aNumberWithAWrongCheckCharacterIsAValidationFailure() {
        String number = CitizenFixtures.aResidentIdNumber();
        String badCheck = number.substring(0, 17) + (number.charAt(17) == '0' ? '1' : '0');

        HttpResponse<String> response = api.conforming(resolve(token(CERTIFICATES, "identity:resolve"),
                "{\"resident_id_number\":\"" + badCheck + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("validation_failed");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field")).containsExactly("resident_id_number");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].code")).containsExactly("invalid_format");
        assertThat(response.body()).doesNotContain(badCheck.substring(0, 17));
    }

    @Test
    void bothFormsAtOnceOrNeitherIsAValidationFailure() {
        CitizenId citizen = newCitizen();
        String number = CitizenFixtures.aResidentIdNumber();
        String token = token(CERTIFICATES, "identity:resolve");

        HttpResponse<String> both = api.conforming(resolve(token, "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\""
                + pairwise.subjectFor(citizen, HEALTH) + "\",\"resident_id_number\":\"" + number + "\"}"));
        HttpResponse<String> neither = api.conforming(resolve(token, "{}"));

        assertThat(both.statusCode()).as(both.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(both.body(), "$.code")).isEqualTo("validation_failed");
        assertThat(JsonPath.<List<String>>read(both.body(), "$.errors[*].field")).containsExactly("resident_id_number");
        assertThat(JsonPath.<List<String>>read(both.body(), "$.errors[*].code")).containsExactly("not_allowed");
        assertThat(both.body()).doesNotContain(number.substring(0, 17)).doesNotContain("citizen_ref");
        assertThat(neither.statusCode()).as(neither.body()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(neither.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("resident_id_number", "agency_id", "subject");
    }

    @Test
    void aNonPlatformClientCannotResolveAResidentIdNumber() {
        CitizenId citizen = newCitizen();
        String number = CitizenFixtures.aResidentIdNumber();
        reachLevelTwo(citizen, number);
        String body = "{\"resident_id_number\":\"" + number + "\"}";

        // an agency client cannot hold identity:resolve at all ...
        HttpResponse<String> agency = api.answeredAsDocumented(resolve(token(AGENCY, "certificates:verify"), body));
        // ... and a token claiming the scope for a non-platform client type is refused by the controller
        HttpResponse<String> agencyWithScope = api.answeredAsDocumented(resolve(agencyTokenWithResolveScope(), body));

        assertThat(agency.statusCode()).as(agency.body()).isEqualTo(403);
        assertThat(agency.body()).doesNotContain("citizen_ref");
        assertThat(agencyWithScope.statusCode()).as(agencyWithScope.body()).isEqualTo(403);
        assertThat((String) JsonPath.read(agencyWithScope.body(), "$.code")).isEqualTo("platform_clients_only");
        assertThat(agencyWithScope.body()).doesNotContain("citizen_ref");
    }

    private void reachLevelTwo(CitizenId citizen, String number) {
        verified.add(citizen);
        REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(okJson(
                "{\"order_no\":\"ord-" + number.substring(14) + "\",\"result\":\"consistent\"}")));
        assertThat(verification.verify(citizen, "张三", number)).isEqualTo(AssuranceLevel.IDENTITY_VERIFIED);
        REAL_NAME.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify")));
    }

    private String agencyTokenWithResolveScope() {
        Instant now = Instant.now();
        return TestSigner.sign(signingKeys.current(KeySeries.TOKENS), new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .audience(List.of("civicstack"))
                .subject(AGENCY.clientId())
                .claim("client_id", AGENCY.clientId())
                .claim("client_type", "agency")
                .claim("agency_id", HEALTH.value())
                .claim("scope", "identity:resolve")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build(), "at+jwt");
    }

    private CitizenId newCitizen() {
        String number = "+86137" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(100_000_000));
        return citizens.findOrCreate(new MobileNumber(number));
    }

    private String token(TestClients client, String scope) {
        HttpResponse<String> response = identity.clientCredentials(client.clientId(), client.secret(), scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.access_token");
    }

    private static OpenApiConformance.Call resolve(String token, String json) {
        return call("POST", CitizenReferenceController.PATH).bearer(token).json(json);
    }
}
