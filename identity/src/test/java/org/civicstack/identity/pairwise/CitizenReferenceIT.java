package org.civicstack.identity.pairwise;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

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
import org.civicstack.identity.pairwise.PairwiseSubjects.AgencySubject;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pairwise subjects in the real PostgreSQL, and the resolve API for platform services over HTTP. Citizens reach level 2
 * for the resident ID number form through the real {@link IdentityVerificationService}, with WireMock as the real-name
 * authority. The batch form ({@code resolve-batch}) is tested against what the single form answers.
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
    @Autowired
    DataSource dataSource;

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

    // --- the batch form: POST /v1/identity/citizen-references/resolve-batch -------------------------------------

    @Test
    void aBatchAnswersEveryItemInOrderAsTheSingleFormWould() {
        CitizenId atHealth = newCitizen();
        CitizenId atTransport = newCitizen();
        CitizenId levelTwo = newCitizen();
        String healthSubject = pairwise.subjectFor(atHealth, HEALTH);
        String transportSubject = pairwise.subjectFor(atTransport, TRANSPORT);
        String verifiedNumber = CitizenFixtures.aResidentIdNumber();
        reachLevelTwo(levelTwo, verifiedNumber);
        String unverifiedNumber = CitizenFixtures.aResidentIdNumber();
        String token = token(CERTIFICATES, "identity:resolve");

        HttpResponse<String> response = api.conforming(resolveBatch(token, items(
                bySubject(HEALTH, healthSubject), bySubject(TRANSPORT, transportSubject),
                bySubject(HEALTH, "AAAAAAAAAAAAAAAAAAAAAA"), byNumber(verifiedNumber), byNumber(unverifiedNumber))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Map<String, Object>> data = JsonPath.read(response.body(), "$.data");
        assertThat(data).hasSize(5);
        assertThat(data.get(0)).containsOnly(Map.entry("citizen_ref", atHealth.toString()),
                Map.entry("agency_id", HEALTH.value()), Map.entry("subject", healthSubject));
        assertThat(data.get(1)).containsOnly(Map.entry("citizen_ref", atTransport.toString()),
                Map.entry("agency_id", TRANSPORT.value()), Map.entry("subject", transportSubject));
        assertThat(data.get(2)).containsOnly(Map.entry("error", "unknown_subject"));
        assertThat(data.get(3)).containsOnly(Map.entry("citizen_ref", levelTwo.toString()),
                Map.entry("assurance_level", 2));
        assertThat(data.get(4)).containsOnly(Map.entry("error", "unknown_citizen"));
        assertThat(response.body()).doesNotContain(verifiedNumber.substring(0, 17))
                .doesNotContain(unverifiedNumber.substring(0, 17));
        // the single form gives the same citizens
        assertThat(singleFormCitizenRef(token, bySubject(HEALTH, healthSubject))).isEqualTo(data.get(0).get("citizen_ref"));
        assertThat(singleFormCitizenRef(token, bySubject(TRANSPORT, transportSubject)))
                .isEqualTo(data.get(1).get("citizen_ref"));
        assertThat(singleFormCitizenRef(token, byNumber(verifiedNumber))).isEqualTo(data.get(3).get("citizen_ref"));
    }

    @Test
    void aSubjectAskedUnderAnotherAgencyIsUnknownInABatch() {
        CitizenId citizen = newCitizen();
        String transportSubject = pairwise.subjectFor(citizen, TRANSPORT);
        pairwise.subjectFor(citizen, HEALTH); // the citizen is known to both agencies, under different subjects

        HttpResponse<String> response = api.conforming(resolveBatch(token(CERTIFICATES, "identity:resolve"),
                items(bySubject(HEALTH, transportSubject), bySubject(TRANSPORT, transportSubject))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<List<Object>>read(response.body(), "$.data[*].error")).containsExactly("unknown_subject");
        assertThat((String) JsonPath.read(response.body(), "$.data[0].error")).isEqualTo("unknown_subject");
        assertThat((String) JsonPath.read(response.body(), "$.data[1].citizen_ref")).isEqualTo(citizen.toString());
    }

    @Test
    void oneInvalidItemRefusesTheWholeBatchNamingEveryViolation() {
        CitizenId citizen = newCitizen();
        String subject = pairwise.subjectFor(citizen, HEALTH);
        String number = CitizenFixtures.aResidentIdNumber();
        String badCheck = number.substring(0, 17) + (number.charAt(17) == '0' ? '1' : '0');

        // the request breaks the document on purpose; the answer must still match it
        HttpResponse<String> response = api.answeredAsDocumented(resolveBatch(token(CERTIFICATES, "identity:resolve"),
                "{\"items\":[" + String.join(",", bySubject(HEALTH, subject),
                        "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"" + subject + "\",\"resident_id_number\":\""
                                + number + "\"}",
                        "{\"agency_id\":\"" + HEALTH + "\",\"subject\":\"" + subject + "\",\"citizen_id\":\"1\"}",
                        bySubject(HEALTH, "not-a-subject"), byNumber(badCheck), "{\"agency_id\":\"health\"}")
                        + "],\"callback\":\"x\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("validation_failed");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field")).containsExactly("callback",
                "items[1].resident_id_number", "items[2].citizen_id", "items[3].subject",
                "items[4].resident_id_number", "items[5].agency_id", "items[5].subject");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].code")).containsExactly("unknown_field",
                "not_allowed", "unknown_field", "invalid_format", "invalid_format", "invalid_format", "required");
        assertThat(response.body()).doesNotContain("citizen_ref").doesNotContain(number.substring(0, 17));
    }

    @Test
    void itemsMissingNotAnArrayEmptyOrMoreThanAThousandAreRefused() {
        String token = token(CERTIFICATES, "identity:resolve");
        String thousandAndOne = IntStream.range(0, CitizenReferenceController.MAX_ITEMS + 1)
                .mapToObj(i -> bySubject(HEALTH, "AAAAAAAAAAAAAAAAAAAAAA")).collect(Collectors.joining(","));

        HttpResponse<String> missing = api.answeredAsDocumented(resolveBatch(token, "{}"));
        HttpResponse<String> notAnArray = api.answeredAsDocumented(resolveBatch(token, "{\"items\":{}}"));
        HttpResponse<String> empty = api.answeredAsDocumented(resolveBatch(token, "{\"items\":[]}"));
        HttpResponse<String> tooMany = api.answeredAsDocumented(resolveBatch(token, "{\"items\":[" + thousandAndOne + "]}"));
        HttpResponse<String> notAnObject = api.answeredAsDocumented(resolveBatch(token, "{\"items\":[\"x\"]}"));

        assertThat(violations(missing)).containsExactly("items required");
        assertThat(violations(notAnArray)).containsExactly("items invalid_type");
        assertThat(violations(empty)).containsExactly("items invalid_size");
        assertThat(violations(tooMany)).containsExactly("items too_many");
        assertThat((String) JsonPath.read(tooMany.body(), "$.errors[0].message")).contains("1000");
        assertThat(violations(notAnObject)).containsExactly("items[0] invalid_type");
    }

    @Test
    void aMalformedBodyIsTheSame400ProblemAsForTheSingleForm() {
        String token = token(CERTIFICATES, "identity:resolve");

        for (String body : List.of("{\"items\":[", "[]", "null", "")) {
            HttpResponse<String> batch = api.answeredAsDocumented(resolveBatch(token, body));
            HttpResponse<String> single = api.answeredAsDocumented(resolve(token, body));

            assertThat(batch.statusCode()).as(body + " → " + batch.body()).isEqualTo(400);
            assertThat(batch.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(single.statusCode()).as(body).isEqualTo(400);
            assertThat((String) JsonPath.read(batch.body(), "$.code")).as(body)
                    .isEqualTo(JsonPath.read(single.body(), "$.code"));
        }
    }

    @Test
    void onlyPlatformClientsHoldingTheScopeResolveABatch() {
        CitizenId citizen = newCitizen();
        String body = items(bySubject(HEALTH, pairwise.subjectFor(citizen, HEALTH)));

        HttpResponse<String> agency = api.answeredAsDocumented(resolveBatch(token(AGENCY, "certificates:verify"), body));
        HttpResponse<String> agencyWithScope = api.answeredAsDocumented(resolveBatch(agencyTokenWithResolveScope(), body));
        HttpResponse<String> platformWithoutScope = api.answeredAsDocumented(
                resolveBatch(token(GATEWAY, "registry:routing"), body));
        HttpResponse<String> anonymous = api.answeredAsDocumented(call("POST", CitizenReferenceController.BATCH_PATH)
                .json(body));

        assertThat(agency.statusCode()).as(agency.body()).isEqualTo(403);
        assertThat(agencyWithScope.statusCode()).as(agencyWithScope.body()).isEqualTo(403);
        assertThat((String) JsonPath.read(agencyWithScope.body(), "$.code")).isEqualTo("platform_clients_only");
        assertThat(platformWithoutScope.statusCode()).as(platformWithoutScope.body()).isEqualTo(403);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(List.of(agency, agencyWithScope, platformWithoutScope, anonymous))
                .allSatisfy(refused -> assertThat(refused.body()).doesNotContain(citizen.toString()));
    }

    @Test
    void aThousandSubjectsAreResolvedInOneCallAndOneStatement() {
        List<CitizenId> citizens = IntStream.range(0, 20).mapToObj(i -> newCitizen()).toList();
        List<AgencySubject> asked = new ArrayList<>();
        List<CitizenId> expected = new ArrayList<>();
        for (int agency = 0; agency < 50; agency++) {
            AgencyId id = new AgencyId("agy_resolve_bulk_" + agency);
            for (CitizenId citizen : citizens) {
                asked.add(new AgencySubject(id, pairwise.subjectFor(citizen, id)));
                expected.add(citizen);
            }
        }

        HttpResponse<String> response = api.conforming(resolveBatch(token(CERTIFICATES, "identity:resolve"),
                items(asked.stream().map(key -> bySubject(key.agency(), key.subject())).toArray(String[]::new))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.data[*].citizen_ref"))
                .containsExactlyElementsOf(expected.stream().map(CitizenId::toString).toList());
        assertThat(JsonPath.<List<String>>read(response.body(), "$.data[*].subject"))
                .containsExactlyElementsOf(asked.stream().map(AgencySubject::subject).toList());

        // the same lookup, counted: the thousand subjects are one prepared statement
        AtomicInteger statements = new AtomicInteger();
        Map<AgencySubject, CitizenId> found = new JdbcPairwiseSubjects(new JdbcTemplate(counting(statements)))
                .resolveAll(asked);
        assertThat(statements).hasValue(1);
        assertThat(found).hasSize(1000);
        assertThat(asked.stream().map(found::get).toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void theDocumentAdmitsOnlyTheThreeAnswerShapesInABatch() {
        String path = CitizenReferenceController.BATCH_PATH;
        String ref = "\"citizen_ref\":\"" + UUID.randomUUID() + "\"";

        assertThat(api.errorsFor("POST", path, 200, "application/json", "{\"data\":[{" + ref
                + ",\"agency_id\":\"agy_x\",\"subject\":\"AAAAAAAAAAAAAAAAAAAAAA\"},{" + ref
                + ",\"assurance_level\":3},{\"error\":\"unknown_subject\"},{\"error\":\"unknown_citizen\"}]}"))
                .isEmpty();
        assertThat(api.errorsFor("POST", path, 200, "application/json", "{\"data\":[{\"error\":\"unknown\"}]}"))
                .isNotEmpty();
        assertThat(api.errorsFor("POST", path, 200, "application/json",
                "{\"data\":[{" + ref + ",\"error\":\"unknown_subject\"}]}")).isNotEmpty();
        assertThat(api.errorsFor("POST", path, 200, "application/json", "{\"data\":[{" + ref
                + ",\"resident_id_number\":\"11010519491231002X\"}]}")).isNotEmpty();
    }

    /** Counts the statements prepared on connections from the real data source. */
    private DataSource counting(AtomicInteger statements) {
        return new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = super.getConnection();
                return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                                statements.incrementAndGet();
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    private String singleFormCitizenRef(String token, String body) {
        HttpResponse<String> response = api.conforming(resolve(token, body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.citizen_ref");
    }

    private static List<String> violations(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("validation_failed");
        List<String> fields = JsonPath.read(response.body(), "$.errors[*].field");
        List<String> codes = JsonPath.read(response.body(), "$.errors[*].code");
        return IntStream.range(0, fields.size()).mapToObj(i -> fields.get(i) + " " + codes.get(i)).toList();
    }

    private static String bySubject(AgencyId agency, String subject) {
        return "{\"agency_id\":\"" + agency + "\",\"subject\":\"" + subject + "\"}";
    }

    private static String byNumber(String number) {
        return "{\"resident_id_number\":\"" + number + "\"}";
    }

    private static String items(String... items) {
        return "{\"items\":[" + String.join(",", items) + "]}";
    }

    private static OpenApiConformance.Call resolveBatch(String token, String json) {
        return call("POST", CitizenReferenceController.BATCH_PATH).bearer(token).json(json);
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
