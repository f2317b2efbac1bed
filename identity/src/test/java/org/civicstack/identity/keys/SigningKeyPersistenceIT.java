package org.civicstack.identity.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.identity.TestClients.anAgencyClient;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.IdentityApplication;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.keys.KeyEncryptionCipher.KeyDecryptionException;
import org.civicstack.platform.security.jose.Ed25519;
import org.civicstack.testkit.InfrastructureInitializer;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The signing keys live in PostgreSQL: sealed at rest, one first key per deployment, the same after a restart. */
@ServiceIntegrationTest
class SigningKeyPersistenceIT {

    static final TestClients AGENCY = anAgencyClient("it-keys-agency").withAgencyId("agy_keys");

    @Autowired
    SigningKeys signingKeys;
    @Autowired
    SigningKeyRing ring;
    @Autowired
    KeyRotation keyRotation;
    @Autowired
    SigningKeyRepository repository;
    @Autowired
    TokenEvents events;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    KeyRotationProperties rotationProperties;
    @Autowired
    KeyEncryptionCipher cipher;
    @Autowired
    PlatformClientRegistrar registrar;
    @Autowired
    JdbcTemplate jdbc;

    @Nested
    class AtRest {

        /** The key signing access tokens (Ed25519) and the one signing agency assertions (RSA). */
        StoredSigningKey stored;
        StoredSigningKey storedRsa;

        @BeforeEach
        void theActiveKeys() {
            keyRotation.ensureKeys(); // a database reset by another test class may have emptied the table
            stored = repository.findByKid(ring.current(KeySeries.TOKENS).kid()).orElseThrow();
            storedRsa = repository.findByKid(ring.current(KeySeries.AGENCY_ASSERTIONS).kid()).orElseThrow();
        }

        @Test
        void privateKeysAreNeitherPemNorParseableDer() {
            for (StoredSigningKey key : List.of(stored, storedRsa)) {
                byte[] ciphertext = key.privateKey().ciphertext();
                String asText = new String(ciphertext, StandardCharsets.ISO_8859_1);

                assertThat(asText).doesNotContain("-----BEGIN").doesNotContain("PRIVATE KEY");
                for (String algorithm : List.of("RSA", "Ed25519")) {
                    assertThatThrownBy(() -> KeyFactory.getInstance(algorithm)
                            .generatePrivate(new PKCS8EncodedKeySpec(ciphertext)))
                            .isInstanceOf(InvalidKeySpecException.class);
                }
            }
        }

        @Test
        void rowsHoldNoPrivateKeyMaterialInTheClear() {
            for (StoredSigningKey key : List.of(stored, storedRsa)) {
                String row = jdbc.queryForObject("SELECT s::text FROM signing_key s WHERE kid = ?", String.class,
                        key.kid());
                assertThat(row).doesNotContain("BEGIN").doesNotContain("PRIVATE");
                assertThat(key.privateKey().scheme()).isEqualTo(KeyEncryptionCipher.SCHEME);
            }
            String edJwk = jdbc.queryForObject("SELECT public_jwk::text FROM signing_key WHERE kid = ?",
                    String.class, stored.kid());
            String rsaJwk = jdbc.queryForObject("SELECT public_jwk::text FROM signing_key WHERE kid = ?",
                    String.class, storedRsa.kid());
            assertThat(edJwk).contains("\"crv\": \"Ed25519\"").contains("\"x\"").doesNotContain("\"d\"");
            assertThat(rsaJwk).contains("\"n\"").doesNotContain("\"d\"").doesNotContain("\"p\"");
        }

        @Test
        void anotherSecretCannotOpenThem() {
            KeyEncryptionCipher other = new KeyEncryptionCipher("some-other-secret-0123456789-abcdefghij");

            for (StoredSigningKey key : List.of(stored, storedRsa)) {
                assertThatThrownBy(() -> other.open(key.privateKey(), key.kid()))
                        .isInstanceOf(KeyDecryptionException.class)
                        .hasMessageContaining("civicstack.identity.key-encryption-secret");
            }
        }

        @Test
        void theConfiguredSecretOpensTheMatchingPrivateKeys() throws Exception {
            byte[] pkcs8 = cipher.open(storedRsa.privateKey(), storedRsa.kid());
            RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            BigInteger publicModulus = RSAKey.parse(storedRsa.publicJwk()).getModulus().decodeToBigInteger();
            assertThat(privateKey.getModulus()).isEqualTo(publicModulus);
            assertThat(privateKey.getModulus().bitLength()).isEqualTo(2048);
            assertThat(storedRsa.algorithm()).isEqualTo("PS256");

            PrivateKey edKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(cipher.open(stored.privateKey(), stored.kid())));
            OctetKeyPair edJwk = OctetKeyPair.parse(stored.publicJwk());
            byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
            assertThat(Ed25519.jdk().verify(Ed25519.publicKey(edJwk.getX().decode()), probe,
                    Ed25519.jdk().sign(edKey, probe))).isTrue();
            assertThat(stored.algorithm()).isEqualTo("EdDSA");
            assertThat(edJwk.getCurve()).isEqualTo(Curve.Ed25519);
            assertThat(edJwk.getKeyID()).isEqualTo(edJwk.computeThumbprint().toString());
        }

        @Test
        void aKeyWhoseHalvesDoNotBelongTogetherIsNeverOpened() {
            for (KeySeries series : KeySeries.values()) {
                SigningKeys.SigningKey one = SigningKeys.generate(series);
                SigningKeys.SigningKey other = SigningKeys.generate(series);
                StoredSigningKey mixed = signingKeys.seal(new SigningKeys.SigningKey(one.publicJwk(),
                        other.privateKey()), 99, Instant.now());

                assertThatThrownBy(() -> signingKeys.open(mixed)).as(series.name())
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not match");
                assertThat(signingKeys.open(signingKeys.seal(one, 99, Instant.now())).kid()).isEqualTo(one.kid());
            }
        }
    }

    /** Empties the table for a first start and puts the deployment's key back afterwards. */
    @Nested
    class FirstStart {

        static final int INSTANCES = 4;
        List<StoredSigningKey> original;

        @BeforeEach
        void noKeyYet() {
            keyRotation.ensureKeys();
            original = repository.findAll();
            jdbc.update("DELETE FROM signing_key");
        }

        @AfterEach
        void restoreTheDeploymentKeys() {
            jdbc.update("DELETE FROM signing_key");
            original.forEach(repository::insertIfGenerationFree);
        }

        @Test
        void concurrentInsertsStoreExactlyOneFirstKey() throws Exception {
            List<StoredSigningKey> candidates = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                candidates.add(signingKeys.seal(SigningKeys.generate(KeySeries.TOKENS), 1, Instant.now()));
            }

            List<Boolean> stored = concurrently(candidates.stream()
                    .<Callable<Boolean>>map(candidate -> () -> repository.insertIfGenerationFree(candidate)).toList());

            assertThat(stored).containsOnlyOnce(true);
            String winner = candidates.get(stored.indexOf(true)).kid();
            assertThat(jdbc.queryForList("SELECT kid FROM signing_key", String.class)).containsExactly(winner);
        }

        @Test
        void concurrentFirstStartsAllAdoptOneKeyPerSeries() throws Exception {
            CountingRepository counting = new CountingRepository(jdbc);
            List<Callable<List<String>>> starts = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                SigningKeyRing instanceRing = new SigningKeyRing(counting, signingKeys,
                        rotationProperties.maxTokenLifetime(), Clock.systemUTC());
                KeyRotation instance = new KeyRotation(counting, signingKeys, instanceRing, events, transaction,
                        rotationProperties, Clock.systemUTC());
                starts.add(() -> {
                    instance.ensureKeys();
                    return List.of(instanceRing.current(KeySeries.TOKENS).kid(),
                            instanceRing.current(KeySeries.AGENCY_ASSERTIONS).kid());
                });
            }

            List<List<String>> kids = concurrently(starts);

            assertThat(counting.attempts.get()).as("instances that tried to store a key").isGreaterThan(2);
            assertThat(counting.stored.get()).as("one first key per series").isEqualTo(2);
            assertThat(kids).hasSize(INSTANCES).containsOnly(kids.get(0));
            assertThat(jdbc.queryForList("SELECT kid FROM signing_key", String.class))
                    .containsExactlyInAnyOrderElementsOf(kids.get(0));
        }

        private <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
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
    }

    @Nested
    class AcrossRestarts {

        @Test
        void restartedIdentityServesTheSameKeyAndAcceptsTokensIssuedBefore() throws ParseException {
            AGENCY.register(registrar);
            List<String> kidsBefore;
            String token;
            try (ConfigurableApplicationContext first = startAnotherIdentity()) {
                TokenEndpoint identity = endpointOf(first);
                kidsBefore = identity.jwks().getKeys().stream().map(key -> key.getKeyID()).toList();
                HttpResponse<String> response = identity.clientCredentials(AGENCY.clientId(), AGENCY.secret(),
                        "registry:read");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                token = JsonPath.read(response.body(), "$.access_token");
            }

            try (ConfigurableApplicationContext second = startAnotherIdentity()) {
                TokenEndpoint identity = endpointOf(second);

                assertThat(identity.jwks().getKeys()).extracting(key -> key.getKeyID())
                        .hasSize(2).containsExactlyElementsOf(kidsBefore);
                assertThat(identity.verifies(SignedJWT.parse(token))).isTrue();
                assertThat(identity.get("/actuator", token).statusCode()).isEqualTo(200);
            }
            assertThat(repository.findNewest(KeySeries.TOKENS).orElseThrow().kid())
                    .isEqualTo(SignedJWT.parse(token).getHeader().getKeyID());
        }

        private ConfigurableApplicationContext startAnotherIdentity() {
            return new SpringApplicationBuilder(IdentityApplication.class)
                    .initializers(new InfrastructureInitializer())
                    .properties("server.port=0")
                    .run();
        }

        private TokenEndpoint endpointOf(ConfigurableApplicationContext context) {
            return new TokenEndpoint(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
        }
    }

    /** Counts how many callers tried to store a key and how many succeeded. */
    static final class CountingRepository extends SigningKeyRepository {

        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger stored = new AtomicInteger();

        CountingRepository(JdbcTemplate jdbc) {
            super(jdbc);
        }

        @Override
        public boolean insertIfGenerationFree(StoredSigningKey key) {
            attempts.incrementAndGet();
            boolean inserted = super.insertIfGenerationFree(key);
            if (inserted) {
                stored.incrementAndGet();
            }
            return inserted;
        }
    }

}
