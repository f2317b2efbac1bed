package org.civicstack.identity.pairwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Pairwise subjects in the real PostgreSQL, and the resolve API for platform services over HTTP. */
@ServiceIntegrationTest
class CitizenReferenceIT {

    static final TestClients CERTIFICATES = aPlatformClient("it-resolve-certificates").withScopes("identity:resolve");
    static final TestClients GATEWAY = aPlatformClient("it-resolve-gateway").withScopes("registry:routing");
    static final AgencyId HEALTH = new AgencyId("agy_resolve_health");
    static final AgencyId TRANSPORT = new AgencyId("agy_resolve_transport");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    PairwiseSubjects pairwise;
    @Autowired
    CitizenAccounts citizens;

    TokenEndpoint identity;
    OpenApiConformance api;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        api = OpenApiConformance.ofServiceAt(port);
        CERTIFICATES.register(registrar);
        GATEWAY.register(registrar);
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
