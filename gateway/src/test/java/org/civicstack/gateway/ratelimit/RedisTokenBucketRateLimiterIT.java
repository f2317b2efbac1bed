package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.infra.InfraProvisioner;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The limiter against the test JVM's real Redis (and, for outages, against a port nothing listens on and a server
 * that never answers). Each limiter gets its own Lettuce connection, as a separate gateway instance would. Every test
 * uses its own service code, so tests share Redis without flushing it.
 */
class RedisTokenBucketRateLimiterIT {

    /** Slow enough that nothing refills while a test runs. */
    private static final double ALMOST_NEVER = RateLimit.MIN_TOKENS_PER_SECOND;

    /**
     * Generous, so a loaded 2-core machine never turns a Redis answer into a fallback: tests against a working Redis
     * assert that no decision came from the fallback.
     */
    private static final Duration PATIENT = Duration.ofSeconds(5);

    private final List<LettuceConnectionFactory> connections = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void disconnect() throws Exception {
        for (LettuceConnectionFactory connection : connections) {
            connection.destroy();
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Nested
    class BurstAndRefill {

        @Test
        void burstIsAllowedThenRefusedWithTheTimeToTheNextToken() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(0.5, 3);

            List<RateLimitDecision> burst = List.of(
                    acquire(limiter, limit), acquire(limiter, limit), acquire(limiter, limit));
            RateLimitDecision refused = acquire(limiter, limit);

            assertThat(burst).extracting(RateLimitDecision::allowed).containsOnly(true);
            assertThat(burst).extracting(RateLimitDecision::remaining).containsExactly(2L, 1L, 0L);
            assertThat(refused.allowed()).isFalse();
            // one token at 0.5/s takes 2 s; a little of it may already have passed
            assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(List.of(burst.get(0), burst.get(1), burst.get(2), refused))
                    .extracting(RateLimitDecision::fallback).containsOnly(false);
        }

        @Test
        void refusedRequestIsAllowedOnceTheBucketRefills() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(2, 2);
            acquire(limiter, limit);
            acquire(limiter, limit);
            assertThat(acquire(limiter, limit).allowed()).isFalse();

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> acquire(limiter, limit).allowed());
        }

        @Test
        void bucketExpiresWhenItWouldBeFullAgain() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            ReactiveStringRedisTemplate redis = template(connect(sharedRedis()));

            acquire(limiter, RateLimit.perSecond(0.5, 3));

            String key = RedisTokenBucketRateLimiter.serviceKey(service);
            Map<Object, Object> state = redis.opsForHash().entries(key).collectMap(e -> e.getKey(), e -> e.getValue())
                    .block();
            assertThat(state).containsOnlyKeys("tokens", "ts");
            // one token used at 0.5/s: full again in 2 s
            assertThat(redis.getExpire(key).block()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void serviceCodeThatWouldBreakTheHashTagIsRejected() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire("svc}x", RateLimit.perSecond(1, 1),
                    Optional.empty(), null));
        }

        @Test
        void noLimitIsUnlimited() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            assertThat(limiter.acquire(service, null, Optional.of("alice"), null).block())
                    .isEqualTo(RateLimitDecision.unlimited());
        }
    }

    @Nested
    class PerCallerAndPerService {

        private final RateLimit roomyService = RateLimit.perSecond(ALMOST_NEVER, 5);
        private final RateLimit tightCaller = RateLimit.perSecond(ALMOST_NEVER, 1);

        @Test
        void callerRefusalDoesNotUseTheServiceBucket() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            assertThat(acquire(limiter, roomyService, "alice", tightCaller).allowed()).isTrue();

            RateLimitDecision refused = acquire(limiter, roomyService, "alice", tightCaller);

            assertThat(refused.allowed()).isFalse();
            assertThat(acquire(limiter, roomyService, "bob", tightCaller).allowed()).isTrue();
            // 5 - alice - bob - this one = 2: alice's refusal took nothing from the service
            assertThat(acquire(limiter, roomyService).remaining()).isEqualTo(2);
        }

        @Test
        void serviceRefusalDoesNotUseTheCallerBucket() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit tightService = RateLimit.perSecond(ALMOST_NEVER, 2);
            RateLimit roomyCaller = RateLimit.perSecond(ALMOST_NEVER, 5);
            acquire(limiter, tightService, "alice", roomyCaller);
            acquire(limiter, tightService, "bob", roomyCaller);

            RateLimitDecision refused = acquire(limiter, tightService, "bob", roomyCaller);

            assertThat(refused.allowed()).isFalse();
            // 5 - bob's allowed request - this one = 3: the refusal took nothing from bob's bucket
            assertThat(limiter.acquire(service, null, Optional.of("bob"), roomyCaller).block().remaining())
                    .isEqualTo(3);
        }

        @Test
        void remainingIsThatOfTheEmptierBucket() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            assertThat(acquire(limiter, roomyService, "alice", RateLimit.perSecond(ALMOST_NEVER, 3)).remaining())
                    .as("alice's bucket (3 - 1) is emptier than the service's (5 - 1)").isEqualTo(2);
            assertThat(acquire(limiter, roomyService, "bob", RateLimit.perSecond(ALMOST_NEVER, 10)).remaining())
                    .as("the service's bucket (5 - 2) is emptier than bob's (10 - 1)").isEqualTo(3);
        }

        @Test
        void anonymousCallCountsOnlyAgainstTheService() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            RateLimitDecision anonymous = limiter.acquire(service, roomyService, Optional.empty(), tightCaller).block();

            assertThat(anonymous.remaining()).isEqualTo(4);
        }
    }

    @Nested
    class SharedAcrossInstances {

        @Test
        void twoInstancesTogetherAllowExactlyTheBurst() {
            RedisTokenBucketRateLimiter first = limiterOnSharedRedis();
            RedisTokenBucketRateLimiter second = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 10);

            List<Mono<RateLimitDecision>> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                requests.add(first.acquire(service, limit, Optional.empty(), null));
                requests.add(second.acquire(service, limit, Optional.empty(), null));
            }
            List<RateLimitDecision> decisions = Flux.merge(requests).collectList().block();

            assertThat(decisions).hasSize(20).extracting(RateLimitDecision::fallback).containsOnly(false);
            assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(10);
            assertThat(decisions).filteredOn(RateLimitDecision::allowed)
                    .extracting(RateLimitDecision::remaining)
                    .containsExactlyInAnyOrder(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
        }
    }

    @Nested
    class RedisUnusable {

        @Test
        void unreachableRedisFallsBackToTheLocalLimit() {
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + InfraProvisioner.freePort())),
                    new RateLimiterProperties(Duration.ofMillis(500), 1.0, 1_000, Duration.ofSeconds(30),
                            Duration.ofSeconds(1)));
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 2);

            List<RateLimitDecision> decisions = List.of(
                    acquire(limiter, limit), acquire(limiter, limit), acquire(limiter, limit));

            assertThat(decisions).extracting(RateLimitDecision::fallback).containsOnly(true);
            assertThat(decisions).extracting(RateLimitDecision::allowed).containsExactly(true, true, false);
            assertThat(decisions.get(2).retryAfter()).isPositive();
            assertThat(meters.find(RateLimiterMetrics.FALLBACK).counters().stream().mapToDouble(c -> c.count()).sum())
                    .as("fallback counter, over all reasons").isEqualTo(3.0);
            assertThat(decisionCount("allowed", "fallback")).isEqualTo(2.0);
            assertThat(decisionCount("refused", "fallback")).isEqualTo(1.0);
            assertThat(decisionCount("allowed", "redis")).isZero();

            Health health = new RateLimiterHealthIndicator(limiter, Duration.ofSeconds(30)).health().block();
            assertThat(health.getStatus()).isEqualTo(new Status("DEGRADED"));
            assertThat(health.getDetails()).containsEntry("mode", "local-fallback").containsKey("error");
        }

        @Test
        void localShareCutsTheLimitEachInstanceEnforces() {
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + InfraProvisioner.freePort())),
                    new RateLimiterProperties(Duration.ofMillis(500), 0.5, 1_000, Duration.ofSeconds(30),
                            Duration.ofSeconds(1)));
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 4);

            assertThat(List.of(acquire(limiter, limit), acquire(limiter, limit), acquire(limiter, limit)))
                    .extracting(RateLimitDecision::allowed).containsExactly(true, true, false);
        }

        @Test
        void redisThatNeverAnswersTimesOutIntoTheFallback() throws IOException {
            ServerSocket silent = silentServer();
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + silent.getLocalPort())),
                    new RateLimiterProperties(Duration.ofMillis(200), 1.0, 1_000, Duration.ofSeconds(30),
                            Duration.ofSeconds(1)));

            RateLimitDecision decision = acquire(limiter, RateLimit.perSecond(1, 1));

            assertThat(decision.allowed()).isTrue();
            assertThat(decision.fallback()).isTrue();
            assertThat(meters.get(RateLimiterMetrics.FALLBACK).tag("reason", "redis_timeout").counter().count())
                    .isEqualTo(1.0);
            assertThat(new RateLimiterHealthIndicator(limiter, Duration.ofSeconds(30)).health().block().getDetails())
                    .containsEntry("error", "java.util.concurrent.TimeoutException");
        }
    }

    @Nested
    class Observability {

        @Test
        void workingRedisIsHealthyAndCountedAsRedisDecisions() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 1);

            acquire(limiter, limit);
            acquire(limiter, limit);

            assertThat(new RateLimiterHealthIndicator(limiter, Duration.ofSeconds(30)).health().block())
                    .isEqualTo(Health.up().withDetail("mode", "redis").build());
            assertThat(decisionCount("allowed", "redis")).isEqualTo(1.0);
            assertThat(decisionCount("refused", "redis")).isEqualTo(1.0);
            assertThat(meters.find(RateLimiterMetrics.FALLBACK).counters())
                    .extracting(counter -> counter.count()).containsOnly(0.0);
            assertThat(meters.find(RateLimiterMetrics.DECISIONS).counters())
                    .flatExtracting(counter -> counter.getId().getTags())
                    .extracting(tag -> tag.getKey()).containsOnly("outcome", "mode");
        }

        @Test
        void refusalCanBeTakenAsTheProblemToReturn() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 1);
            limiter.acquireOrReject(service, limit, Optional.empty(), null).block();

            Mono<RateLimitDecision> second = limiter.acquireOrReject(service, limit, Optional.empty(), null);

            assertThat(second.onErrorResume(RateLimitExceeded.class, e -> Mono.empty()).block()).isNull();
            assertThat(limiter.acquireOrReject(service, limit, Optional.empty(), null)
                    .map(d -> "allowed").onErrorResume(RateLimitExceeded.class, e -> Mono.just(e.code())).block())
                    .isEqualTo("rate_limited");
        }
    }

    private RateLimitDecision acquire(RedisTokenBucketRateLimiter limiter, RateLimit perService) {
        return limiter.acquire(service, perService, Optional.empty(), null).block();
    }

    private RateLimitDecision acquire(RedisTokenBucketRateLimiter limiter, RateLimit perService, String caller,
            RateLimit perCaller) {
        return limiter.acquire(service, perService, Optional.of(caller), perCaller).block();
    }

    private double decisionCount(String outcome, String mode) {
        return meters.get(RateLimiterMetrics.DECISIONS).tag("outcome", outcome).tag("mode", mode).counter().count();
    }

    private RedisTokenBucketRateLimiter limiterOnSharedRedis() {
        return limiter(connect(sharedRedis()), new RateLimiterProperties(PATIENT, 1.0, 1_000, Duration.ofSeconds(30),
                Duration.ofSeconds(1)));
    }

    private RedisTokenBucketRateLimiter limiter(LettuceConnectionFactory connection, RateLimiterProperties properties) {
        return new RedisTokenBucketRateLimiter(template(connection), properties, meters);
    }

    private static URI sharedRedis() {
        return TestInfrastructure.shared().redisUrl();
    }

    private static ReactiveStringRedisTemplate template(LettuceConnectionFactory connection) {
        return new ReactiveStringRedisTemplate(connection);
    }

    /** A connection of its own, as a separate gateway instance has. */
    private LettuceConnectionFactory connect(URI redis) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
        factory.afterPropertiesSet();
        factory.start();
        connections.add(factory);
        return factory;
    }

    /** Accepts TCP connections and never says a word. */
    private ServerSocket silentServer() throws IOException {
        ServerSocket server = new ServerSocket(0);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-redis");
        acceptor.setDaemon(true);
        acceptor.start();
        closeables.add(() -> {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        });
        return server;
    }
}
