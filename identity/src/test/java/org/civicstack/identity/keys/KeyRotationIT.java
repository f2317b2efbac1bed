package org.civicstack.identity.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anAgencyClient;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing key rotation against the running identity and its PostgreSQL, with the keys' clock under the test's
 * control (no sleeps): a new key is in the JWKS before any token carries its kid, the previous key stays until
 * every token it signed has expired and is removed afterwards, concurrent rotations create one key, and the
 * operator endpoint is for operators with {@code identity:keys} only.
 */
@ServiceIntegrationTest
@Import(KeyRotationIT.KeysClock.class)
@TestPropertySource(properties = {
        "civicstack.identity.keys.publish-ahead=10m",
        "civicstack.identity.keys.max-token-lifetime=20m",
        "civicstack.identity.keys.refresh-interval=9m",
        "civicstack.identity.keys.rotation-period=1d"})
@SuppressWarnings("unchecked")
class KeyRotationIT {

    static final Duration PUBLISH_AHEAD = Duration.ofMinutes(10);
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(20);
    static final TestClients OPERATOR = anOperatorClient("it-keys-operator").withScopes("identity:keys");
    static final TestClients OPERATOR_WITHOUT_SCOPE = anOperatorClient("it-keys-operator-plain")
            .withScopes("registry:read");
    static final TestClients AGENCY = anAgencyClient("it-keys-rotation-agency").withAgencyId("agy_rotation");

    @LocalServerPort
    int port;
    @Autowired
    MutableClock clock;
    @Autowired
    SigningKeyRing ring;
    @Autowired
    KeyRotation rotation;
    @Autowired
    KeyMaintenance maintenance;
    @Autowired
    SigningKeyRepository repository;
    @Autowired
    SigningKeys signingKeys;
    @Autowired
    KeyRotationProperties properties;
    @Autowired
    TokenEvents events;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;

    TokenEndpoint identity;
    List<StoredSigningKey> original;
    /** The key signing access tokens (EdDSA) and the one signing agency assertions (PS256) before each test. */
    String originalKid;
    String originalAssertionKid;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        OPERATOR.register(registrar);
        OPERATOR_WITHOUT_SCOPE.register(registrar);
        AGENCY.register(registrar);
        clock.set(Instant.now());
        rotation.ensureKeys(); // a database reset by another test class may have emptied the table
        original = repository.findAll();
        originalKid = ring.current(KeySeries.TOKENS).kid();
        originalAssertionKid = ring.current(KeySeries.AGENCY_ASSERTIONS).kid();
    }

    /** Other test classes share this database: put the deployment's keys back, leave no events behind. */
    @AfterEach
    void restoreTheKeys() {
        jdbc.update("DELETE FROM outbox_event WHERE payload->>'kind' = 'signing_key_rotated'");
        jdbc.update("DELETE FROM signing_key");
        original.forEach(repository::insertIfGenerationFree);
        clock.set(Instant.now());
        ring.refresh();
    }

    @Test
    void newKeyIsPublishedBeforeAnyTokenCarriesItsKidAndSignsAfterPublishAhead() throws Exception {
        String tokenBefore = agencyToken();
        HttpResponse<String> rotated = rotate(operatorToken());

        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(202);
        assertThat((Boolean) JsonPath.read(rotated.body(), "$.created")).isTrue();
        assertThat((List<String>) JsonPath.read(rotated.body(), "$.keys[*].series"))
                .containsExactly("tokens", "agency_assertions");
        assertThat((List<String>) JsonPath.read(rotated.body(), "$.keys[*].algorithm")).containsExactly("EdDSA", "PS256");
        assertThat((List<Boolean>) JsonPath.read(rotated.body(), "$.keys[*].created")).containsExactly(true, true);
        String newKid = JsonPath.read(rotated.body(), "$.keys[0].kid");
        String newAssertionKid = JsonPath.read(rotated.body(), "$.keys[1].kid");
        assertThat(newKid).isNotEqualTo(originalKid);
        assertThat(newAssertionKid).isNotEqualTo(originalAssertionKid);
        assertThat((List<String>) JsonPath.read(rotated.body(), "$.keys[*].signing_kid"))
                .containsExactly(originalKid, originalAssertionKid);
        assertThat(Instant.parse(JsonPath.read(rotated.body(), "$.keys[0].activates_at")))
                .isEqualTo(clock.instant().plus(PUBLISH_AHEAD));
        assertThat(Instant.parse(JsonPath.read(rotated.body(), "$.keys[1].activates_at")))
                .isEqualTo(clock.instant().plus(PUBLISH_AHEAD));

        assertThat(jwksKids()).as("published at once")
                .containsExactlyInAnyOrder(originalKid, newKid, originalAssertionKid, newAssertionKid);
        assertThat(kidOf(agencyToken())).as("but not signing yet").isEqualTo(originalKid);
        assertThat(ring.current(KeySeries.AGENCY_ASSERTIONS).kid()).isEqualTo(originalAssertionKid);

        clock.advance(PUBLISH_AHEAD.minusSeconds(1));
        assertThat(kidOf(agencyToken())).isEqualTo(originalKid);

        clock.advance(Duration.ofSeconds(1));
        String tokenAfter = agencyToken();
        assertThat(kidOf(tokenAfter)).isEqualTo(newKid);
        assertThat(SignedJWT.parse(tokenAfter).getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
        assertThat(identity.verifies(SignedJWT.parse(tokenAfter))).isTrue();
        assertThat(ring.current(KeySeries.AGENCY_ASSERTIONS).kid()).isEqualTo(newAssertionKid);
        assertThat(jwksKids()).containsExactlyInAnyOrder(originalKid, newKid, originalAssertionKid, newAssertionKid);
        assertThat(identity.get("/actuator", tokenBefore).statusCode()).as("a token of the old key").isEqualTo(200);
        assertThat(identity.get("/actuator", tokenAfter).statusCode()).as("a token of the new key").isEqualTo(200);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'kind' = "
                        + "'signing_key_rotated' AND payload->'details'->>'kid' = ? "
                        + "AND payload->'details'->>'previous_kid' = ? AND payload->'details'->>'trigger' = 'operator'",
                Integer.class, newKid, originalKid)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'kind' = "
                        + "'signing_key_rotated' AND payload->'details'->>'kid' = ? "
                        + "AND payload->'details'->>'series' = 'agency_assertions' "
                        + "AND payload->'details'->>'algorithm' = 'PS256'",
                Integer.class, newAssertionKid)).isEqualTo(1);
    }

    @Test
    void previousKeyStaysPublishedUntilItsLastTokenExpiredThenIsRemoved() throws Exception {
        List<KeyRotation.Outcome> rotated = rotation.rotate(KeyRotation.Trigger.OPERATOR);
        String newKid = of(rotated, KeySeries.TOKENS).key().kid();
        String newAssertionKid = of(rotated, KeySeries.AGENCY_ASSERTIONS).key().kid();
        clock.advance(PUBLISH_AHEAD);
        assertThat(ring.current(KeySeries.TOKENS).kid()).as(() -> "now " + clock.instant() + ", keys " + repository.findAll().stream()
                .map(k -> k.generation() + ":" + k.kid() + "@" + k.activatesAt()).toList()).isEqualTo(newKid);

        clock.advance(MAX_TOKEN_LIFETIME.minusSeconds(1));
        maintenance.runOnce();
        assertThat(jwksKids()).as("a token signed just before the switch is still valid")
                .containsExactlyInAnyOrder(originalKid, newKid, originalAssertionKid, newAssertionKid);
        assertThat(repository.findByKid(originalKid)).isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(jwksKids()).as("every token of the old keys has expired")
                .containsExactlyInAnyOrder(newKid, newAssertionKid);
        maintenance.runOnce();
        assertThat(repository.findByKid(originalKid)).as("and its row is deleted").isEmpty();
        assertThat(repository.findByKid(originalAssertionKid)).isEmpty();
        assertThat(kidOf(agencyToken())).isEqualTo(newKid);
    }

    @Test
    void concurrentRotationsOnSeveralInstancesCreateOneKey() throws Exception {
        int instances = 4;
        List<Callable<List<KeyRotation.Outcome>>> rotations = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            SigningKeyRing instanceRing = new SigningKeyRing(repository, signingKeys, properties.maxTokenLifetime(),
                    clock);
            KeyRotation instance = new KeyRotation(repository, signingKeys, instanceRing, events, transaction,
                    properties, clock);
            instanceRing.refresh();
            rotations.add(() -> instance.rotate(KeyRotation.Trigger.OPERATOR));
        }

        List<KeyRotation.Outcome> outcomes = concurrently(rotations).stream().flatMap(List::stream).toList();

        for (KeySeries series : KeySeries.values()) {
            List<KeyRotation.Outcome> ofSeries = outcomes.stream().filter(o -> o.series() == series).toList();
            assertThat(ofSeries).hasSize(instances);
            assertThat(ofSeries).filteredOn(KeyRotation.Outcome::created).as(series.name()).hasSize(1);
            String newKid = ofSeries.get(0).key().kid();
            assertThat(ofSeries).extracting(outcome -> outcome.key().kid()).containsOnly(newKid);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'kind' = "
                    + "'signing_key_rotated' AND payload->'details'->>'kid' = ?", Integer.class, newKid)).isEqualTo(1);
        }
        assertThat(repository.findAll()).hasSize(original.size() + 2);

        HttpResponse<String> again = rotate(operatorToken());
        assertThat(again.statusCode()).as("keys are pending: nothing new").isEqualTo(200);
        assertThat((String) JsonPath.read(again.body(), "$.keys[0].kid"))
                .isEqualTo(of(outcomes, KeySeries.TOKENS).key().kid());
        assertThat((Boolean) JsonPath.read(again.body(), "$.created")).isFalse();
        assertThat((List<Boolean>) JsonPath.read(again.body(), "$.keys[*].created")).containsExactly(false, false);
        assertThat(repository.findAll()).hasSize(original.size() + 2);
    }

    @Test
    void scheduledRotationPublishesASuccessorOncePerRotationPeriod() {
        maintenance.runOnce();
        assertThat(repository.findAll()).as("the key is younger than the rotation period").hasSize(original.size());

        StoredSigningKey newest = repository.findNewest(KeySeries.TOKENS).orElseThrow();
        StoredSigningKey newestAssertion = repository.findNewest(KeySeries.AGENCY_ASSERTIONS).orElseThrow();
        Instant later = newest.activatesAt().isAfter(newestAssertion.activatesAt()) ? newest.activatesAt()
                : newestAssertion.activatesAt();
        clock.set(later.plus(Duration.ofDays(1)));
        maintenance.runOnce();

        for (StoredSigningKey before : List.of(newest, newestAssertion)) {
            KeySeries series = KeySeries.ofAlgorithm(before.algorithm());
            StoredSigningKey successor = repository.findNewest(series).orElseThrow();
            assertThat(successor.generation()).isEqualTo(before.generation() + 1);
            assertThat(successor.algorithm()).isEqualTo(before.algorithm());
            assertThat(successor.activatesAt()).isEqualTo(clock.instant().plus(PUBLISH_AHEAD));
            assertThat(jwksKids()).contains(successor.kid());
            assertThat(jdbc.queryForObject("SELECT payload->'details'->>'trigger' FROM outbox_event WHERE "
                    + "payload->'details'->>'kid' = ?", String.class, successor.kid())).isEqualTo("scheduled");
        }
    }

    @Test
    void onlyOperatorsWithTheKeysScopeMayRotate() {
        HttpResponse<String> anonymous = rotate(null);
        HttpResponse<String> withoutScope = rotate(token(OPERATOR_WITHOUT_SCOPE, "registry:read"));
        HttpResponse<String> agency = rotate(agencyToken());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(withoutScope.statusCode()).isEqualTo(403);
        assertThat(withoutScope.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat((String) JsonPath.read(withoutScope.body(), "$.code")).isEqualTo("insufficient_scope");
        assertThat(agency.statusCode()).isEqualTo(403);
        assertThat(repository.findAll()).as("no key was created").hasSize(original.size());
    }

    @Test
    void jwksIsAJwkSetMediaTypeWithoutALatinCharset() {
        HttpResponse<String> jwks = identity.get("/oauth2/jwks");

        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.headers().firstValue("Content-Type")).hasValue("application/jwk-set+json");
        assertThat(jwks.body()).doesNotContain("\"d\"").doesNotContain("\"p\"")
                .contains(originalKid).contains(originalAssertionKid);
    }

    private HttpResponse<String> rotate(String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/v1/identity/keys/rotation")).POST(HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return identity.send(request);
    }

    private String operatorToken() {
        return token(OPERATOR, "identity:keys");
    }

    private String agencyToken() {
        return token(AGENCY, "registry:read");
    }

    private String token(TestClients client, String scope) {
        HttpResponse<String> response = identity.clientCredentials(client.clientId(), client.secret(), scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.access_token");
    }

    private static KeyRotation.Outcome of(List<KeyRotation.Outcome> outcomes, KeySeries series) {
        return outcomes.stream().filter(outcome -> outcome.series() == series).findFirst().orElseThrow();
    }

    private static String kidOf(String token) throws java.text.ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private List<String> jwksKids() {
        return identity.jwks().getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch ready = new CountDownLatch(tasks.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class KeysClock {
        @Bean
        @Primary
        MutableClock keysClock() {
            return new MutableClock(Instant.now());
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            set(now);
        }

        /** Whole microseconds, as PostgreSQL stores them. */
        void set(Instant instant) {
            now = instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
