package org.civicstack.identity.assurance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.assurance.CitizenFixtures.aCitizen;
import static org.civicstack.identity.assurance.CitizenFixtures.aResidentIdNumber;
import static org.civicstack.identity.assurance.CitizenFixtures.citizenToken;
import static org.civicstack.identity.assurance.CitizenFixtures.platformToken;
import static org.civicstack.testkit.OpenApiConformance.call;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.keys.KeySeries;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.testkit.OpenApiConformance;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The citizen assurance API end to end inside identity: real PostgreSQL (attempts, bindings, level, outbox), identity's
 * own resource server and signing key; WireMock only for the two third parties, the real-name authority and the face
 * verification provider.
 */
@ServiceIntegrationTest
class AssuranceApiIT {

    static final String BASE = "/v1/identity/me/assurance";
    static final String ID_HASH_SECRET = "it-id-hash-secret-0123456789abcdefghijklmnop";
    static final WireMockServer REAL_NAME = started();
    static final WireMockServer FACE = started();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("civicstack.identity.assurance.real-name.base-url", REAL_NAME::baseUrl);
        registry.add("civicstack.identity.assurance.real-name.app-key", () -> "it-realname-key");
        registry.add("civicstack.identity.assurance.face.base-url", FACE::baseUrl);
        registry.add("civicstack.identity.assurance.face.match-threshold", () -> "80");
        registry.add("civicstack.identity.assurance.id-hash-secret", () -> ID_HASH_SECRET);
        registry.add("civicstack.identity.assurance.name-encryption-secret",
                () -> "it-name-encryption-secret-0123456789abcdefgh");
    }

    @AfterAll
    static void stopProviders() {
        REAL_NAME.stop();
        FACE.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    SigningKeyRing signingKeys;
    @Autowired
    JdbcTemplate jdbc;

    CitizenId citizen;
    String token;
    String number;

    final List<CitizenId> created = new java.util.ArrayList<>();

    /**
     * Removes what this test wrote, so that other test classes sharing the database (ServiceContractIT counts the
     * outbox) see what they expect; the citizen rows stay, unreferenced.
     */
    @AfterEach
    void removeThisTestsRows() {
        String[] ids = created.stream().map(CitizenId::toString).toArray(String[]::new);
        jdbc.update("DELETE FROM outbox_event WHERE payload->>'citizen_id' = ANY (?)", (Object) ids);
        jdbc.update("DELETE FROM verification_attempt WHERE citizen_id::text = ANY (?)", (Object) ids);
        jdbc.update("DELETE FROM identity_verification WHERE citizen_id::text = ANY (?)", (Object) ids);
    }

    private CitizenId newCitizen() {
        CitizenId id = aCitizen(accounts);
        created.add(id);
        return id;
    }

    @BeforeEach
    void setUp() {
        REAL_NAME.resetAll();
        FACE.resetAll();
        citizen = newCitizen();
        token = citizenToken(signingKeys.current(KeySeries.TOKENS), citizen);
        number = aResidentIdNumber();
    }

    @Nested
    class CurrentLevel {

        @Test
        void newCitizenIsAtLevelOneWithIdentityVerificationNext() {
            HttpResponse<String> response = get(BASE, token);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat((Integer) JsonPath.read(response.body(), "$.level")).isEqualTo(1);
            assertThat((String) JsonPath.read(response.body(), "$.acr")).isEqualTo("urn:civicstack:acr:1");
            assertThat((String) JsonPath.read(response.body(), "$.next_step.method")).isEqualTo("identity_verification");
            assertThat((String) JsonPath.read(response.body(), "$.next_step.acr")).isEqualTo("urn:civicstack:acr:2");
            assertThat((String) JsonPath.read(response.body(), "$.next_step.href")).isEqualTo(BASE + "/identity-verification");
            assertThat((Integer) JsonPath.read(response.body(), "$.next_step.attempts_remaining")).isEqualTo(5);
        }

        @Test
        void withoutATokenIs401() {
            HttpResponse<String> response = get(BASE, null);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        }

        @Test
        void aPlatformClientTokenIsRefused() {
            HttpResponse<String> response = get(BASE, platformToken(signingKeys.current(KeySeries.TOKENS)));

            assertProblem(response, 403, "citizen_token_required");
        }
    }

    @Nested
    class IdentityVerification {

        @Test
        void matchRaisesToLevelTwoAndStoresOnlyTheKeyedHashAndTheEncryptedName() throws Exception {
            authorityAnswers("consistent");

            HttpResponse<String> response = verifyIdentity("张三", number.substring(0, 17) + number.substring(17).toLowerCase());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat((Integer) JsonPath.read(response.body(), "$.level")).isEqualTo(2);
            assertThat((String) JsonPath.read(response.body(), "$.next_step.method")).isEqualTo("face_verification");
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.IDENTITY_VERIFIED);
            REAL_NAME.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify"))
                    .withRequestBody(equalToJson("{\"name\":\"张三\",\"id_number\":\"" + number + "\"}", true, true)));

            Map<String, Object> stored = jdbc.queryForMap("SELECT * FROM identity_verification WHERE citizen_id = ?",
                    citizen.value());
            assertThat((byte[]) stored.get("id_number_hash")).isEqualTo(hmac(ID_HASH_SECRET, number));
            assertThat(new String((byte[]) stored.get("name_ciphertext"), StandardCharsets.UTF_8)).doesNotContain("张三");
            assertThat(stored.get("authority_reference")).isEqualTo("ord-" + number.substring(14));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM identity_verification WHERE "
                    + "encode(id_number_hash, 'escape') LIKE ? OR encode(name_ciphertext, 'escape') LIKE ?", Integer.class,
                    "%" + number.substring(0, 17) + "%", "%张三%")).isZero();

            assertThat(attempts()).containsExactly("realname:match");
            assertThat(jdbc.queryForObject("SELECT level_reached FROM verification_attempt WHERE citizen_id = ?",
                    Integer.class, citizen.value())).isEqualTo(2);

            String event = jdbc.queryForObject("SELECT payload::text FROM outbox_event WHERE payload->>'citizen_id' = ? "
                    + "AND payload->>'kind' = 'assurance_raised'", String.class, citizen.toString());
            assertThat((String) JsonPath.read(event, "$.details.from_level")).isEqualTo("1");
            assertThat((String) JsonPath.read(event, "$.details.to_level")).isEqualTo("2");
            assertThat((String) JsonPath.read(event, "$.details.acr")).isEqualTo("urn:civicstack:acr:2");
            assertThat(event).doesNotContain(number.substring(0, 17)).doesNotContain("张三");
        }

        @Test
        void invalidNumberIs400WithItsReasonAndNeverReachesTheAuthority() {
            String badCheck = number.substring(0, 17) + (number.charAt(17) == '0' ? '1' : '0');

            HttpResponse<String> response = verifyIdentity("张三", badCheck);

            assertProblem(response, 400, "invalid_id_number");
            assertThat((String) JsonPath.read(response.body(), "$.errors[0].field")).isEqualTo("id_number");
            assertThat((String) JsonPath.read(response.body(), "$.errors[0].code")).isEqualTo("bad_check_character");
            assertThat(response.body()).doesNotContain(badCheck.substring(6, 14));
            REAL_NAME.verify(0, postRequestedFor(urlEqualTo("/v2/identity/verify")));
            assertThat(attempts()).containsExactly("realname:invalid_input");
        }

        @Test
        void legacyFifteenDigitNumberHasItsOwnReason() {
            HttpResponse<String> response = verifyIdentity("张三", "110105491231002");

            assertProblem(response, 400, "invalid_id_number");
            assertThat((String) JsonPath.read(response.body(), "$.errors[0].code")).isEqualTo("legacy_15_digit");
        }

        @Test
        void invalidNameIs400() {
            HttpResponse<String> response = verifyIdentity("<script>", number);

            assertProblem(response, 400, "invalid_name");
            REAL_NAME.verify(0, postRequestedFor(urlEqualTo("/v2/identity/verify")));
        }

        @Test
        void unknownFieldOrBrokenJsonIs400() {
            assertThat(postJson(BASE + "/identity-verification", token,
                    "{\"name\":\"张三\",\"id_number\":\"" + number + "\",\"level\":3}").statusCode()).isEqualTo(400);
            assertThat(postJson(BASE + "/identity-verification", token, "{\"name\":").statusCode()).isEqualTo(400);
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.PHONE_VERIFIED);
        }

        @Test
        void mismatchIs422IdentityMismatchRecordedAndTheLevelStays() {
            authorityAnswers("inconsistent");

            HttpResponse<String> response = verifyIdentity("李四", number);

            assertProblem(response, 422, "identity_mismatch");
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.PHONE_VERIFIED);
            assertThat(attempts()).containsExactly("realname:no_match");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM identity_verification WHERE citizen_id = ?",
                    Integer.class, citizen.value())).isZero();
        }

        @Test
        void authorityDownIs503WithRetryAfterRecordedAndNotCounted() {
            REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(aResponse().withStatus(502)));

            HttpResponse<String> response = verifyIdentity("张三", number);

            assertProblem(response, 503, "authority_unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(attempts()).containsExactly("realname:unavailable");
            assertThat((Integer) JsonPath.read(get(BASE, token).body(), "$.next_step.attempts_remaining")).isEqualTo(5);
        }

        @Test
        void aNumberVerifiedForAnotherAccountIs409AlreadyBoundWithoutAskingTheAuthority() {
            authorityAnswers("consistent");
            assertThat(verifyIdentity("张三", number).statusCode()).isEqualTo(200);
            CitizenId other = newCitizen();

            HttpResponse<String> response = postJson(BASE + "/identity-verification", citizenToken(signingKeys.current(KeySeries.TOKENS), other),
                    body("张三", number));

            assertProblem(response, 409, "already_bound");
            REAL_NAME.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify")));
            assertThat(accounts.currentLevel(other)).isEqualTo(AssuranceLevel.PHONE_VERIFIED);
            assertThat(jdbc.queryForList("SELECT outcome FROM verification_attempt WHERE citizen_id = ?", String.class,
                    other.value())).containsExactly("already_bound");
        }

        @Test
        void twoAccountsVerifyingTheSameNumberAtOnceBindItOnce() {
            REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"result\":\"consistent\"}")
                    .withFixedDelay(300)));
            CitizenId other = newCitizen();
            String otherToken = citizenToken(signingKeys.current(KeySeries.TOKENS), other);

            CompletableFuture<HttpResponse<String>> mine = CompletableFuture.supplyAsync(() -> verifyIdentity("张三", number));
            CompletableFuture<HttpResponse<String>> theirs = CompletableFuture.supplyAsync(
                    () -> postJson(BASE + "/identity-verification", otherToken, body("张三", number)));

            assertThat(List.of(mine.join().statusCode(), theirs.join().statusCode())).containsExactlyInAnyOrder(200, 409);
            HttpResponse<String> loser = mine.join().statusCode() == 409 ? mine.join() : theirs.join();
            assertProblem(loser, 409, "already_bound");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM identity_verification WHERE citizen_id IN (?, ?)",
                    Integer.class, citizen.value(), other.value())).isEqualTo(1);
            assertThat(accounts.currentLevel(citizen).level() + accounts.currentLevel(other).level()).isEqualTo(3);
        }

        @Test
        void twoConcurrentAttemptsOfOneCitizenCallTheAuthorityOnce() {
            REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(okJson("{\"result\":\"consistent\"}")
                    .withFixedDelay(300)));

            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> verifyIdentity("张三", number));
            CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> verifyIdentity("张三", number));

            assertThat(List.of(first.join().statusCode(), second.join().statusCode())).containsExactlyInAnyOrder(200, 409);
            HttpResponse<String> refused = first.join().statusCode() == 409 ? first.join() : second.join();
            assertThat((String) JsonPath.read(refused.body(), "$.code")).isIn("verification_in_progress", "already_verified");
            REAL_NAME.verify(1, postRequestedFor(urlEqualTo("/v2/identity/verify")));
        }

        @Test
        void verifyingAgainAtLevelTwoIs409AlreadyVerified() {
            authorityAnswers("consistent");
            assertThat(verifyIdentity("张三", number).statusCode()).isEqualTo(200);

            assertProblem(verifyIdentity("张三", number), 409, "already_verified");
        }

        @Test
        void theSixthAttemptInADayIs429WithRetryAfter() {
            authorityAnswers("not_found");
            for (int i = 0; i < 5; i++) {
                assertProblem(verifyIdentity("张三", aResidentIdNumber()), 422, "identity_mismatch");
            }

            HttpResponse<String> response = verifyIdentity("张三", number);

            assertProblem(response, 429, "rate_limited");
            assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())).isPositive();
            REAL_NAME.verify(5, postRequestedFor(urlEqualTo("/v2/identity/verify")));
            assertThat((Integer) JsonPath.read(get(BASE, token).body(), "$.next_step.attempts_remaining")).isZero();
        }
    }

    @Nested
    class FaceVerification {

        @Test
        void beforeLevelTwoIs403Level2Required() {
            HttpResponse<String> response = startFace(number);

            assertProblem(response, 403, "level_2_required");
            FACE.verify(0, postRequestedFor(urlEqualTo("/v2/face/init")));
        }

        @Test
        void startThenCompleteWithALiveMatchingFaceRaisesToLevelThree() {
            reachLevelTwo();
            FACE.stubFor(post("/v2/face/init").willReturn(okJson(
                    "{\"certify_id\":\"cert-" + citizen + "\",\"sdk_token\":\"sdk-1\",\"expires_in\":600}")));

            HttpResponse<String> started = startFace(number);

            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String id = JsonPath.read(started.body(), "$.verification_id");
            assertThat((String) JsonPath.read(started.body(), "$.provider_session")).isEqualTo("cert-" + citizen);
            assertThat((String) JsonPath.read(started.body(), "$.complete_href"))
                    .isEqualTo(BASE + "/face-verification/" + id + "/complete");
            FACE.verify(1, postRequestedFor(urlEqualTo("/v2/face/init")).withRequestBody(equalToJson(
                    "{\"outer_order_no\":\"" + id + "\",\"cert_name\":\"张三\",\"cert_no\":\"" + number + "\"}", true, true)));

            FACE.stubFor(post("/v2/face/describe").willReturn(okJson("{\"status\":\"pending\"}")));
            HttpResponse<String> pending = completeFace(id);
            assertProblem(pending, 409, "face_verification_pending");
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.IDENTITY_VERIFIED);

            FACE.stubFor(post("/v2/face/describe").willReturn(okJson(
                    "{\"status\":\"finished\",\"liveness_passed\":true,\"similarity\":91.2}")));
            HttpResponse<String> done = completeFace(id);

            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat((Integer) JsonPath.read(done.body(), "$.level")).isEqualTo(3);
            assertThat((String) JsonPath.read(done.body(), "$.acr")).isEqualTo("urn:civicstack:acr:3");
            assertThat(done.body()).doesNotContain("next_step");
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.FACE_VERIFIED);
            assertThat(attempts()).containsExactly("realname:match", "face:match");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'citizen_id' = ? "
                    + "AND payload->>'kind' = 'assurance_raised' AND payload->'details'->>'to_level' = '3'",
                    Integer.class, citizen.toString())).isEqualTo(1);

            assertProblem(completeFace(id), 409, "face_verification_closed");
        }

        @Test
        void aScoreBelowTheThresholdIs422FaceMismatchAndTheLevelStays() {
            reachLevelTwo();
            String id = startedFaceVerification();
            FACE.stubFor(post("/v2/face/describe").willReturn(okJson(
                    "{\"status\":\"finished\",\"liveness_passed\":true,\"similarity\":79.9}")));

            HttpResponse<String> response = completeFace(id);

            assertProblem(response, 422, "face_mismatch");
            assertThat((String) JsonPath.read(response.body(), "$.errors[0].code")).isEqualTo("below_threshold");
            assertThat(accounts.currentLevel(citizen)).isEqualTo(AssuranceLevel.IDENTITY_VERIFIED);
            assertThat(attempts()).containsExactly("realname:match", "face:no_match");
        }

        @Test
        void failedLivenessIs422WhateverTheScore() {
            reachLevelTwo();
            String id = startedFaceVerification();
            FACE.stubFor(post("/v2/face/describe").willReturn(okJson(
                    "{\"status\":\"finished\",\"liveness_passed\":false,\"similarity\":99}")));

            HttpResponse<String> response = completeFace(id);

            assertProblem(response, 422, "face_mismatch");
            assertThat((String) JsonPath.read(response.body(), "$.errors[0].code")).isEqualTo("liveness_failed");
        }

        @Test
        void anotherNumberThanTheVerifiedOneIs422() {
            reachLevelTwo();

            assertProblem(startFace(aResidentIdNumber()), 422, "id_number_mismatch");
            FACE.verify(0, postRequestedFor(urlEqualTo("/v2/face/init")));
        }

        @Test
        void anotherCitizensOrAnUnknownVerificationIs404() {
            reachLevelTwo();
            String id = startedFaceVerification();
            String stranger = citizenToken(signingKeys.current(KeySeries.TOKENS), newCitizen());

            assertProblem(postJson(BASE + "/face-verification/" + id + "/complete", stranger, ""), 404,
                    "face_verification_not_found");
            assertProblem(completeFace(UUID.randomUUID().toString()), 404, "face_verification_not_found");
            assertProblem(completeFace("not-a-uuid"), 404, "face_verification_not_found");
        }

        @Test
        void providerDownAtStartIs503AndRecorded() {
            reachLevelTwo();
            FACE.stubFor(post("/v2/face/init").willReturn(aResponse().withStatus(500)));

            assertProblem(startFace(number), 503, "face_provider_unavailable");
            assertThat(attempts()).containsExactly("realname:match", "face:unavailable");
        }
    }

    /** Real exchanges validated, request and response, against the OpenAPI document identity serves. */
    @Nested
    class OpenApiDocument {

        @Test
        void successAndRefusalsMatchTheDocument() {
            OpenApiConformance api = OpenApiConformance.ofServiceAt(port);
            authorityAnswers("consistent");

            assertThat(api.conforming(call("GET", BASE).bearer(token)).statusCode()).isEqualTo(200);
            assertThat(api.conforming(call("POST", BASE + "/identity-verification").bearer(token)
                    .json(body("张三", "11010519491231002Y"))).statusCode()).isEqualTo(400);
            assertThat(api.conforming(call("POST", BASE + "/face-verification").bearer(token)
                    .json("{\"id_number\":\"" + number + "\"}")).statusCode()).isEqualTo(403);
            assertThat(api.conforming(call("POST", BASE + "/identity-verification").bearer(token)
                    .json(body("张三", number))).statusCode()).isEqualTo(200);
            FACE.stubFor(post("/v2/face/init").willReturn(okJson("{\"certify_id\":\"c-9\",\"expires_in\":600}")));
            HttpResponse<String> started = api.conforming(call("POST", BASE + "/face-verification").bearer(token)
                    .json("{\"id_number\":\"" + number + "\"}"));
            assertThat(started.statusCode()).isEqualTo(201);
            FACE.stubFor(post("/v2/face/describe").willReturn(okJson(
                    "{\"status\":\"finished\",\"liveness_passed\":true,\"similarity\":95}")));
            String id = JsonPath.read(started.body(), "$.verification_id");
            assertThat(api.conforming(call("POST", BASE + "/face-verification/" + id + "/complete").bearer(token))
                    .statusCode()).isEqualTo(200);
            assertThat(api.conforming(call("POST", BASE + "/face-verification/" + id + "/complete").bearer(token))
                    .statusCode()).isEqualTo(409);
        }
    }

    private void reachLevelTwo() {
        authorityAnswers("consistent");
        HttpResponse<String> response = verifyIdentity("张三", number);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private String startedFaceVerification() {
        FACE.stubFor(post("/v2/face/init").willReturn(okJson("{\"certify_id\":\"c-1\",\"expires_in\":600}")));
        HttpResponse<String> started = startFace(number);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        return JsonPath.read(started.body(), "$.verification_id");
    }

    private void authorityAnswers(String result) {
        REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(okJson(
                "{\"order_no\":\"ord-" + number.substring(14) + "\",\"result\":\"" + result + "\"}")));
    }

    private List<String> attempts() {
        return jdbc.queryForList("SELECT kind || ':' || outcome FROM verification_attempt WHERE citizen_id = ? "
                + "ORDER BY created_at", String.class, citizen.value());
    }

    private HttpResponse<String> verifyIdentity(String name, String idNumber) {
        return postJson(BASE + "/identity-verification", token, body(name, idNumber));
    }

    private HttpResponse<String> startFace(String idNumber) {
        return postJson(BASE + "/face-verification", token, "{\"id_number\":\"" + idNumber + "\"}");
    }

    private HttpResponse<String> completeFace(String id) {
        return postJson(BASE + "/face-verification/" + id + "/complete", token, "");
    }

    static String body(String name, String idNumber) {
        return "{\"name\":\"" + name + "\",\"id_number\":\"" + idNumber + "\"}";
    }

    static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo(code);
    }

    private HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    private HttpResponse<String> postJson(String path, String bearer, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        return server;
    }

}
