package org.civicstack.identity.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.assurance.CitizenFixtures;
import org.civicstack.identity.audit.ingest.AuditIngest;
import org.civicstack.identity.audit.ingest.StreamEntries;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.clients.CitizenAppClient;
import org.civicstack.identity.clients.CitizenAppClientRegistrar;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.keys.SigningKeyRing;
import org.civicstack.identity.session.CitizenSessions;
import org.civicstack.identity.session.CitizenTokenFixture;
import org.civicstack.identity.session.CitizenTokenFixture.SignedIn;
import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.CitizenLoginDriver;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every kind the audit log stores, each driven by the real flow that emits it (the hosted login page with the SMS
 * stand-in, the token, revocation and introspection endpoints, token exchange, the citizen's own session API, the
 * assurance API against a WireMock real-name authority, the operator client and key APIs; for the gateway's kinds a
 * usage record in the gateway's format): one occurrence is one entry, found through the auditor API by what
 * identifies that occurrence, and delivering it again (as the at-least-once relay and stream consumer may) adds no
 * entry. Some kinds are also checked for the secrets they must never carry.
 * <p>
 * Own context (the SMS stand-in and a real-name authority together); the database and Redis are the JVM's shared
 * ones, so every assertion selects this test's own occurrence, never counts a kind as a whole.
 */
@ServiceIntegrationTest
class AuditEventCoverageIT {

    static final String APP = "it-coverage-app";
    static final String REDIRECT = "https://app.civicstack.test/coverage/callback";
    static final TestClients OPERATOR = anOperatorClient("it-coverage-operator")
            .withScopes("audit:read", "identity:introspect", "identity:clients", "identity:keys");
    static final TestClients GATEWAY = aPlatformClient("it-coverage-gateway").withScopes("identity:token-exchange");
    static final String HEALTH = "agy_health_commission";
    static final String USAGE_STREAM = "cs:gateway:usage";
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final WireMockServer REAL_NAME = new WireMockServer(
            WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

    static {
        REAL_NAME.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("civicstack.identity.sms.aliyun.endpoint", AliyunSmsStandIn::endpoint);
        registry.add("civicstack.identity.assurance.real-name.base-url", REAL_NAME::baseUrl);
    }

    @AfterAll
    static void stopAuthority() {
        REAL_NAME.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    CitizenAppClientRegistrar apps;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    CitizenSessions sessions;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SigningKeyRing ring;

    TokenEndpoint identity;
    CitizenTokenFixture fixture;
    /** Entries and stream entries of this test are at or after this (a little slack for the clocks' resolution). */
    Instant start;
    String auditorToken;
    /** Signing keys a test rotated in; removed afterwards so other test classes find the deployment's keys. */
    final List<String> rotatedKids = new ArrayList<>();

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        fixture = new CitizenTokenFixture(clients, authorizations, accounts, sessions, port);
        OPERATOR.register(registrar);
        GATEWAY.register(registrar);
        apps.register(CitizenAppClient.of(APP, List.of("openid", "offline_access"), List.of(REDIRECT)));
        REAL_NAME.resetAll();
        start = Instant.now().minusSeconds(2);
    }

    @AfterEach
    void removeRotatedKeys() {
        if (!rotatedKids.isEmpty()) {
            jdbc.update("DELETE FROM signing_key WHERE kid = ANY (?)", (Object) rotatedKids.toArray(String[]::new));
            ring.refresh();
        }
    }

    /** What the log stores, and the flow that makes one occurrence of it. */
    enum Kind {
        OTP_SENT(AuditEventCoverageIT::otpSent),
        LOGIN_SUCCEEDED(AuditEventCoverageIT::loginSucceeded),
        LOGIN_FAILED(AuditEventCoverageIT::loginFailed),
        ASSURANCE_RAISED(AuditEventCoverageIT::assuranceRaised),
        TOKEN_ISSUED(AuditEventCoverageIT::tokenIssued),
        TOKEN_REFRESHED(AuditEventCoverageIT::tokenRefreshed),
        REFRESH_REUSE_DETECTED(AuditEventCoverageIT::refreshReuseDetected),
        FAMILY_REVOKED(AuditEventCoverageIT::familyRevoked),
        TOKEN_REVOKED(AuditEventCoverageIT::tokenRevoked),
        TOKEN_INTROSPECTED(AuditEventCoverageIT::tokenIntrospected),
        TOKEN_EXCHANGED(AuditEventCoverageIT::tokenExchanged),
        SESSION_ENDED(AuditEventCoverageIT::sessionEnded),
        CLIENT_CHANGED(AuditEventCoverageIT::clientChanged),
        SIGNING_KEY_ROTATED(AuditEventCoverageIT::signingKeyRotated),
        TOKEN_USED(AuditEventCoverageIT::tokenUsed),
        GATEWAY_REJECTED(AuditEventCoverageIT::gatewayRejected);

        final Function<AuditEventCoverageIT, Occurrence> flow;

        Kind(Function<AuditEventCoverageIT, Occurrence> flow) {
            this.flow = flow;
        }

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One occurrence: the auditor API query that finds it (besides {@code kind}), which of the answers are this
     * occurrence, strings its entry must not contain, what else its entry says, and for a usage record its stream
     * entry.
     */
    record Occurrence(String query, Predicate<Map<String, Object>> thisOne, List<String> secrets,
            Consumer<Map<String, Object>> facts, RecordId usageRecord) {

        static Occurrence by(String query) {
            return new Occurrence(query, entry -> true, List.of(), entry -> { }, null);
        }

        Occurrence only(String detail, String value) {
            return new Occurrence(query, entry -> value.equals(String.valueOf(details(entry).get(detail))), secrets,
                    facts, usageRecord);
        }

        Occurrence withoutSecrets(String... values) {
            return new Occurrence(query, thisOne, Stream.of(values).filter(Objects::nonNull).toList(), facts,
                    usageRecord);
        }

        Occurrence saying(Consumer<Map<String, Object>> facts) {
            return new Occurrence(query, thisOne, secrets, facts, usageRecord);
        }

        Occurrence fromUsageRecord(RecordId record) {
            return new Occurrence(query, thisOne, secrets, facts, record);
        }
    }

    @Test
    void theTableHasEveryKindTheLogStores() {
        List<String> expected = new ArrayList<>(Arrays.stream(TokenEventType.values()).map(TokenEventType::wireName)
                .toList());
        expected.addAll(List.of("token_used", "gateway_rejected"));

        assertThat(Arrays.stream(Kind.values()).map(Kind::wireName)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void oneOccurrenceIsOneEntryAndDeliveringItAgainAddsNone(Kind kind) {
        Occurrence occurrence = kind.flow.apply(this);

        Map<String, Object> entry = awaitTheOnlyEntry(kind, occurrence);
        String body = storedBody(entry);
        for (String secret : occurrence.secrets()) {
            assertThat(body).as("the %s entry carries no secret", kind.wireName()).doesNotContain(secret);
        }
        occurrence.facts().accept(entry);

        if (occurrence.usageRecord() != null) {
            redeliverUsageRecord(occurrence.usageRecord());
        } else {
            redeliverTokenEvent((String) entry.get("event_id"));
        }

        assertThat(entries(kind, occurrence)).as("%s entries after a redelivery", kind.wireName())
                .extracting(e -> e.get("event_id")).containsExactly(entry.get("event_id"));
    }

    // ---- the flows, one occurrence each --------------------------------------------------------------------------

    Occurrence otpSent() {
        String mobile = aMobile();
        CitizenLoginDriver browser = browser();
        browser.authorize(APP, REDIRECT, "openid", Map.of());
        browser.openLoginPage();
        HttpResponse<String> sent = browser.sendCode(mobile);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
        return Occurrence.by("client_id=" + APP).only("challenge", challengeOf(mobile))
                .withoutSecrets(secretsOf(mobile, code))
                .saying(entry -> assertThat(details(entry)).containsEntry("channel", "sms"));
    }

    Occurrence loginSucceeded() {
        String mobile = aMobile();
        CitizenLoginDriver.Tokens tokens = browser().login(APP, REDIRECT, mobile, "openid");
        assertThat(tokens.response().statusCode()).as(tokens.response().body()).isEqualTo(200);
        String citizen = accounts.find(MobileNumber.parse(mobile).orElseThrow()).orElseThrow().toString();
        String sid = claim(tokens.accessToken(), "sid");
        return Occurrence.by("citizen_id=" + citizen)
                .withoutSecrets(secretsOf(mobile, AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow()))
                .saying(entry -> {
                    assertThat(entry).containsEntry("client_id", APP).containsEntry("sid", sid);
                    assertThat(details(entry)).containsEntry("amr", "sms");
                });
    }

    Occurrence loginFailed() {
        String mobile = aMobile();
        CitizenLoginDriver browser = browser();
        browser.authorize(APP, REDIRECT, "openid", Map.of());
        browser.openLoginPage();
        browser.sendCode(mobile);
        String right = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
        String wrong = right.equals("000000") ? "111111" : "000000";
        assertThat(browser.enterCode(wrong).statusCode()).isEqualTo(400);
        return Occurrence.by("client_id=" + APP).only("challenge", challengeOf(mobile))
                .withoutSecrets(Stream.concat(Stream.of(secretsOf(mobile, right)),
                        Stream.of("\"" + wrong + "\"", ":" + wrong)).toArray(String[]::new))
                .saying(entry -> assertThat(details(entry)).containsEntry("reason", "wrong_code"));
    }

    Occurrence assuranceRaised() {
        String mobile = aMobile();
        CitizenLoginDriver.Tokens tokens = browser().login(APP, REDIRECT, mobile, "openid");
        String citizen = claim(tokens.accessToken(), "sub");
        String number = CitizenFixtures.aResidentIdNumber();
        REAL_NAME.stubFor(post("/v2/identity/verify").willReturn(okJson(
                "{\"order_no\":\"ord-" + number.substring(14) + "\",\"result\":\"consistent\"}")));
        HttpResponse<String> verified = identity.send(HttpRequest.newBuilder(URI.create(base()
                        + "/v1/identity/me/assurance/identity-verification"))
                .header("Authorization", "Bearer " + tokens.accessToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"张三\",\"id_number\":\"" + number + "\"}",
                        StandardCharsets.UTF_8)));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        return Occurrence.by("citizen_id=" + citizen)
                .withoutSecrets(number.substring(0, 17), "张三", mobile.substring(3), tokens.accessToken())
                .saying(entry -> assertThat(details(entry)).containsEntry("from_level", "1")
                        .containsEntry("to_level", "2").containsEntry("acr", "urn:civicstack:acr:2"));
    }

    Occurrence tokenIssued() {
        String mobile = aMobile();
        CitizenLoginDriver.Tokens tokens = browser().login(APP, REDIRECT, mobile, "openid offline_access");
        assertThat(tokens.response().statusCode()).as(tokens.response().body()).isEqualTo(200);
        String citizen = claim(tokens.accessToken(), "sub");
        String sid = claim(tokens.accessToken(), "sid");
        return Occurrence.by("jti=" + claim(tokens.accessToken(), "jti"))
                .withoutSecrets(tokens.accessToken(), tokens.refreshToken(), tokens.idToken(), mobile.substring(3))
                .saying(entry -> {
                    assertThat(entry).containsEntry("client_id", APP).containsEntry("citizen_id", citizen)
                            .containsEntry("sid", sid);
                    assertThat(details(entry)).containsEntry("grant_type", "authorization_code");
                });
    }

    Occurrence tokenRefreshed() {
        SignedIn citizen = fixture.signIn();
        Refreshed refreshed = refresh(citizen.refreshToken());
        return Occurrence.by("jti=" + refreshed.jti())
                .withoutSecrets(citizen.refreshToken(), refreshed.refreshToken(), refreshed.accessToken())
                .saying(entry -> assertThat(entry).containsEntry("sid", citizen.sid().toString())
                        .containsEntry("citizen_id", citizen.citizen().toString())
                        .containsEntry("client_id", CitizenTokenFixture.APP));
    }

    Occurrence refreshReuseDetected() {
        SignedIn citizen = reusedRefreshToken();
        return Occurrence.by("sid=" + citizen.sid()).withoutSecrets(citizen.refreshToken())
                .saying(entry -> assertThat(entry).containsEntry("citizen_id", citizen.citizen().toString()));
    }

    Occurrence familyRevoked() {
        SignedIn citizen = reusedRefreshToken();
        // whoever holds the stolen token tries again: a reuse detected again, but the family was revoked already
        HttpResponse<String> again = fixture.refresh(citizen.refreshToken());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(400);
        return Occurrence.by("sid=" + citizen.sid()).withoutSecrets(citizen.refreshToken())
                .saying(entry -> assertThat(details(entry)).containsEntry("reason", "refresh_reuse"));
    }

    Occurrence tokenRevoked() {
        SignedIn citizen = fixture.signIn();
        Refreshed refreshed = refresh(citizen.refreshToken());
        HttpResponse<String> revoked = form("/oauth2/revoke", "client_id=" + CitizenTokenFixture.APP + "&token="
                + enc(refreshed.accessToken()), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        return Occurrence.by("jti=" + refreshed.jti()).withoutSecrets(refreshed.accessToken())
                .saying(entry -> {
                    assertThat(entry).containsEntry("sid", citizen.sid().toString());
                    assertThat(details(entry)).containsEntry("token_type", "access_token");
                });
    }

    Occurrence tokenIntrospected() {
        Refreshed refreshed = refresh(fixture.signIn().refreshToken());
        HttpResponse<String> introspected = form("/oauth2/introspect", "token=" + enc(refreshed.accessToken()),
                basic(OPERATOR));
        assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
        assertThat((Boolean) JsonPath.read(introspected.body(), "$.active")).isTrue();
        return Occurrence.by("jti=" + refreshed.jti()).withoutSecrets(refreshed.accessToken())
                .saying(entry -> {
                    assertThat(entry).containsEntry("client_id", OPERATOR.clientId());
                    assertThat(details(entry)).containsEntry("allowed", "true").containsEntry("active", "true");
                });
    }

    Occurrence tokenExchanged() {
        SignedIn citizen = fixture.signIn();
        Refreshed refreshed = refresh(citizen.refreshToken());
        HttpResponse<String> exchanged = form("/oauth2/token", "grant_type="
                + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
                + enc(refreshed.accessToken()) + "&subject_token_type="
                + enc("urn:ietf:params:oauth:token-type:access_token") + "&audience="
                + enc("urn:civicstack:service:birth-registration") + "&resource=" + enc("urn:civicstack:agency:" + HEALTH),
                basic(GATEWAY));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String assertion = JsonPath.read(exchanged.body(), "$.access_token");
        return Occurrence.by("jti=" + claim(assertion, "jti"))
                .withoutSecrets(refreshed.accessToken(), assertion)
                .saying(entry -> {
                    assertThat(entry).containsEntry("client_id", GATEWAY.clientId())
                            .containsEntry("sid", citizen.sid().toString());
                    assertThat(details(entry)).containsEntry("subject_jti", refreshed.jti())
                            .containsEntry("service", "birth-registration").containsEntry("agency_id", HEALTH);
                });
    }

    Occurrence sessionEnded() {
        SignedIn citizen = fixture.signIn();
        Refreshed refreshed = refresh(citizen.refreshToken());
        HttpResponse<String> ended = identity.send(HttpRequest.newBuilder(URI.create(base()
                + "/v1/identity/me/sessions/" + citizen.sid())).header("Authorization", "Bearer "
                + refreshed.accessToken()).DELETE());
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
        return Occurrence.by("sid=" + citizen.sid()).withoutSecrets(refreshed.accessToken())
                .saying(entry -> assertThat(details(entry)).containsEntry("reason", "citizen_ended"));
    }

    Occurrence clientChanged() {
        String clientId = "it-coverage-client-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String operator = operatorToken("identity:clients");
        HttpResponse<String> created = identity.send(HttpRequest.newBuilder(URI.create(base() + "/v1/identity/clients"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"" + clientId
                        + "\",\"client_type\":\"platform\",\"scopes\":[\"identity:resolve\"]}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JsonPath.read(created.body(), "$.client_secret");
        HttpResponse<String> disabled = identity.send(HttpRequest.newBuilder(URI.create(base() + "/v1/identity/clients/"
                + clientId + "/disable")).header("Authorization", "Bearer " + operator)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        return Occurrence.by("client_id=" + clientId).only("action", "disabled").withoutSecrets(secret, operator)
                .saying(entry -> assertThat(details(entry)).containsEntry("actor", OPERATOR.clientId())
                        .hasEntrySatisfying("before", before -> assertThat((String) before).contains("disabled=false")
                                .contains("identity:resolve"))
                        .hasEntrySatisfying("after", after -> assertThat((String) after).contains("disabled=true")));
    }

    Occurrence signingKeyRotated() {
        HttpResponse<String> rotated = identity.send(HttpRequest.newBuilder(URI.create(base()
                + "/v1/identity/keys/rotation")).header("Authorization", "Bearer " + operatorToken("identity:keys"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        List<String> kids = JsonPath.read(rotated.body(), "$.keys[?(@.created == true)].kid");
        rotatedKids.addAll(kids);
        assertThat(rotated.statusCode()).as("a new key in each series (none was pending): %s", rotated.body())
                .isEqualTo(202);
        String kid = JsonPath.read(rotated.body(), "$.keys[0].kid");
        String series = JsonPath.read(rotated.body(), "$.keys[0].series");
        return Occurrence.by("").only("kid", kid)
                .saying(entry -> assertThat(details(entry)).containsEntry("series", series)
                        .containsEntry("trigger", "operator").containsKey("previous_kid")
                        .containsEntry("actor", "client:" + OPERATOR.clientId()));
    }

    Occurrence tokenUsed() {
        SignedIn citizen = fixture.signIn();
        Refreshed refreshed = refresh(citizen.refreshToken());
        Map<String, String> record = usage("hospital-booking", 200, null);
        record.put("jti", refreshed.jti());
        record.put("sid", citizen.sid().toString());
        record.put("sub", citizen.citizen().toString());
        record.put("client_id", CitizenTokenFixture.APP);
        record.put("agency", HEALTH);
        RecordId id = redis.opsForStream().add(USAGE_STREAM, record);
        return Occurrence.by("jti=" + refreshed.jti()).fromUsageRecord(id).withoutSecrets(refreshed.accessToken())
                .saying(entry -> {
                    assertThat(entry).containsEntry("service", "hospital-booking").containsEntry("agency_id", HEALTH)
                            .containsEntry("citizen_id", citizen.citizen().toString()).containsEntry("source", "gateway")
                            .containsEntry("event_id", StreamEntries.usageEventId(id.getValue()).toString());
                    assertThat(details(entry)).containsEntry("status", 200).containsEntry("method", "GET");
                });
    }

    Occurrence gatewayRejected() {
        // refused before any token was verified: a missing token at a service that needs one
        Map<String, String> record = usage("coverage-permits", 401, "token_missing");
        RecordId id = redis.opsForStream().add(USAGE_STREAM, record);
        return Occurrence.by("service=coverage-permits").only("request_id", record.get("request_id"))
                .fromUsageRecord(id)
                .saying(entry -> {
                    assertThat(entry).doesNotContainKeys("jti", "sid", "citizen_id");
                    assertThat(details(entry)).containsEntry("status", 401).containsEntry("reason", "token_missing");
                });
    }

    // ---- the log, through the auditor API -----------------------------------------------------------------------

    private Map<String, Object> awaitTheOnlyEntry(Kind kind, Occurrence occurrence) {
        await(kind.wireName() + " entry for " + occurrence.query(), () -> !entries(kind, occurrence).isEmpty());
        List<Map<String, Object>> found = entries(kind, occurrence);
        assertThat(found).as("%s entries of this occurrence", kind.wireName()).hasSize(1);
        return found.get(0);
    }

    /** This occurrence's entries of {@code kind}, in log order. */
    private List<Map<String, Object>> entries(Kind kind, Occurrence occurrence) {
        String query = "/v1/identity/audit/entries?limit=500&kind=" + kind.wireName() + "&from=" + enc(start.toString())
                + (occurrence.query().isEmpty() ? "" : "&" + occurrence.query());
        HttpResponse<String> page = identity.get(query, auditor());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Map<String, Object> answer = JsonPath.read(page.body(), "$");
        assertThat(answer.get("next_cursor")).as("one page holds this test's entries").isNull();
        List<Map<String, Object>> entries = JsonPath.read(page.body(), "$.data[*].entry");
        return entries.stream().filter(occurrence.thisOne()).toList();
    }

    /** The entry's text as stored and hashed (what export and verification show). */
    private String storedBody(Map<String, Object> entry) {
        return jdbc.queryForObject("SELECT body FROM audit_log WHERE event_id = ?", String.class,
                entry.get("event_id"));
    }

    private String auditor() {
        if (auditorToken == null) {
            auditorToken = operatorToken("audit:read");
        }
        return auditorToken;
    }

    // ---- at-least-once delivery -----------------------------------------------------------------------------------

    /**
     * Publishes the event's stream entry once more, field for field, as the outbox relay does after a crash between
     * its XADD and marking the row published; returns once the log's consumer group has read and acknowledged it.
     */
    private void redeliverTokenEvent(String eventId) {
        List<MapRecord<String, Object, Object>> published = redis.opsForStream().range(TokenEvents.STREAM,
                Range.rightUnbounded(Range.Bound.inclusive(start.toEpochMilli() + "-0")));
        MapRecord<String, Object, Object> original = published.stream()
                .filter(record -> eventId.equals(record.getValue().get("event_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("event " + eventId + " is not on " + TokenEvents.STREAM));
        RecordId again = redis.opsForStream().add(TokenEvents.STREAM, original.getValue());
        awaitAcknowledged(TokenEvents.STREAM, again);
    }

    /**
     * Delivers the usage record to the log's consumer group once more (the group's position is set back to just
     * before it, as after a consumer lost what it had read), so the same stream entry, with the same derived event
     * id, is read again; returns once it has been acknowledged again. Only records after it (this test's, already
     * stored) are read again with it.
     */
    private void redeliverUsageRecord(RecordId record) {
        String before = record.getSequence() > 0 ? record.getTimestamp() + "-" + (record.getSequence() - 1)
                : (record.getTimestamp() - 1) + "-18446744073709551615";
        redis.execute((RedisCallback<Object>) connection -> connection.execute("XGROUP", bytes("SETID"),
                bytes(USAGE_STREAM), bytes(AuditIngest.GROUP), bytes(before)));
        awaitAcknowledged(USAGE_STREAM, record);
    }

    /** Until the group has delivered {@code id} (its last-delivered id is at or past it) and it is not pending. */
    private void awaitAcknowledged(String stream, RecordId id) {
        await("the audit group to read and acknowledge " + id + " on " + stream, () -> {
            StreamInfo.XInfoGroup group = redis.opsForStream().groups(stream).stream()
                    .filter(g -> AuditIngest.GROUP.equals(g.groupName())).findFirst().orElseThrow();
            return !isBefore(group.lastDeliveredId(), id.getValue())
                    && redis.opsForStream().pending(stream, AuditIngest.GROUP, Range.closed(id.getValue(), id.getValue()),
                            1).isEmpty();
        });
    }

    /** Stream entry ids {@code <ms>-<seq>} in stream order (the sequence is an unsigned 64-bit number). */
    private static boolean isBefore(String a, String b) {
        long[] x = streamId(a);
        long[] y = streamId(b);
        return x[0] < y[0] || (x[0] == y[0] && Long.compareUnsigned(x[1], y[1]) < 0);
    }

    private static long[] streamId(String id) {
        int dash = id.indexOf('-');
        return new long[] {Long.parseLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
    }

    // ---- drivers --------------------------------------------------------------------------------------------------

    record Refreshed(String accessToken, String refreshToken, String jti) {
    }

    private Refreshed refresh(String refreshToken) {
        HttpResponse<String> response = fixture.refresh(refreshToken);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String accessToken = JsonPath.read(response.body(), "$.access_token");
        return new Refreshed(accessToken, JsonPath.read(response.body(), "$.refresh_token"), claim(accessToken, "jti"));
    }

    /** A citizen whose first refresh token was presented again after it had been rotated out. */
    private SignedIn reusedRefreshToken() {
        SignedIn citizen = fixture.signIn();
        refresh(citizen.refreshToken());
        HttpResponse<String> reuse = fixture.refresh(citizen.refreshToken());
        assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(400);
        return citizen;
    }

    /** A browser of its own address (a documentation-range one), so the per-address send limit is this test's. */
    private CitizenLoginDriver browser() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new CitizenLoginDriver(base(), AliyunSmsStandIn::latestCodeFor)
                .withHeader("X-Forwarded-For", "198.18." + random.nextInt(256) + "." + random.nextInt(1, 255));
    }

    private static String aMobile() {
        return "139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** The login challenge of the number's latest code (the id the login events name it by). */
    private String challengeOf(String mobile) {
        return jdbc.queryForObject("SELECT id::text FROM login_code WHERE mobile_e164 = ? ORDER BY created_at DESC "
                + "LIMIT 1", String.class, "+86" + mobile);
    }

    /** The number in the forms it could leak in, and the code as a JSON value. */
    private static String[] secretsOf(String mobile, String code) {
        return new String[] {mobile, mobile.substring(3), "\"" + code + "\"", ":" + code};
    }

    private Map<String, String> usage(String service, int status, String refusal) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service", service);
        fields.put("status", Integer.toString(status));
        fields.put("latency_us", "750");
        fields.put("method", "GET");
        fields.put("request_id", "r-" + UUID.randomUUID());
        fields.put("caller", "c-" + UUID.randomUUID());
        fields.put("ts", Long.toString(System.currentTimeMillis()));
        if (refusal != null) {
            fields.put("refusal", refusal);
        }
        return fields;
    }

    private String operatorToken(String scope) {
        HttpResponse<String> response = identity.clientCredentials(OPERATOR.clientId(), OPERATOR.secret(), scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.access_token");
    }

    private HttpResponse<String> form(String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return identity.send(request);
    }

    private static String basic(TestClients client) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(client.clientId()) + ":" + enc(client.secret()))
                .getBytes(StandardCharsets.UTF_8));
    }

    private String base() {
        return "http://localhost:" + port;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Map<String, Object> entry) {
        Object details = entry.get("details");
        return details instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String claim(String jwt, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return JsonPath.read(payload, "$." + name);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %s", what, DEADLINE).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
