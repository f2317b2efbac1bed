package org.civicstack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.civicstack.gateway.ratelimit.RateLimiterPropertiesBuilder.aRateLimiterConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.gateway.RedisClients;
import org.civicstack.infra.InfraProvisioner;
import org.civicstack.testkit.TestInfrastructure;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The limiter against the test JVM's real Redis (and, for outages, against a port nothing listens on and a server
 * that never answers). Each limiter gets its own Lettuce connection, as a separate gateway instance would. Every test
 * uses its own service code, so tests share Redis without flushing it. Tests about leases and remembered refusals
 * move the limiter's ticker by hand: nothing expires locally unless the test says so.
 */
class RedisTokenBucketRateLimiterIT {

    /** Slow enough that nothing refills while a test runs. */
    private static final double ALMOST_NEVER = RateLimit.MIN_TOKENS_PER_SECOND;

    /**
     * Generous, so a loaded 2-core machine never turns a Redis answer into a fallback: tests against a working Redis
     * assert that no decision came from the fallback.
     */
    private static final Duration PATIENT = Duration.ofSeconds(5);

    /** At {@link #ALMOST_NEVER} (one token a day), a window of 9.5 days leases 10 tokens per Redis call. */
    private static final Duration TEN_TOKEN_WINDOW = Duration.ofHours(228);

    /** 6.5 days: 7-token leases, so the last lease from a 100-token bucket must be cut to the 2 left. */
    private static final Duration SEVEN_TOKEN_WINDOW = Duration.ofHours(156);

    /** 100,000/s with a burst of a million: 50 ms refills 5,000, so one Redis call leases 5,000 tokens. */
    private static final RateLimit BIG = RateLimit.perSecond(100_000, 1_000_000);

    private final RedisClients redisClients = new RedisClients();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @AfterEach
    void disconnect() throws Exception {
        redisClients.close();
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

            acquire(limiter, RateLimit.perSecond(0.5, 3));

            String key = RedisTokenBucketRateLimiter.serviceKey(service);
            assertThat(redisState(key)).containsOnlyKeys("tokens", "ts");
            // one token used at 0.5/s: full again in 2 s
            assertThat(inspector().getExpire(key).block()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
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
            assertThat(acquire(limiter, null, "bob", roomyCaller).remaining()).isEqualTo(3);
        }

        @Test
        void callerRefusalPutsTheServicesLeasedTokenBack() {
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).withLeaseWindow(TEN_TOKEN_WINDOW).build());
            RateLimit leasedService = RateLimit.perSecond(ALMOST_NEVER, 100);
            assertThat(acquire(limiter, leasedService, "alice", tightCaller).allowed())
                    .as("10 service tokens leased, 1 spent").isTrue();

            RateLimitDecision askedRedis = acquire(limiter, leasedService, "alice", tightCaller);
            RateLimitDecision remembered = acquire(limiter, leasedService, "alice", tightCaller);

            assertThat(List.of(askedRedis, remembered)).extracting(RateLimitDecision::allowed).containsOnly(false);
            assertThat(serviceLeaseTokens(limiter)).as("both service tokens went back").isEqualTo(9);
            assertThat(redisCalls()).as("the second refusal was remembered, not asked").isEqualTo(2);
            assertThat(redisState(RedisTokenBucketRateLimiter.serviceKey(service)).get("tokens"))
                    .asString().startsWith("90");
            // 9 - 1 (bob) - 1 (this one) = 7 leased, plus the 90 Redis reported left at the lease
            assertThat(acquire(limiter, leasedService, "bob", tightCaller).allowed()).isTrue();
            assertThat(acquire(limiter, leasedService).remaining()).isEqualTo(97);
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

            RateLimitDecision anonymous = decision(limiter.acquire(service, roomyService, (String) null, tightCaller));

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

            List<CompletableFuture<RateLimitDecision>> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                requests.add(first.acquire(service, limit, (String) null, null));
                requests.add(second.acquire(service, limit, (String) null, null));
            }
            List<RateLimitDecision> decisions = requests.stream().map(RedisTokenBucketRateLimiterIT::decision).toList();

            assertThat(decisions).hasSize(20).extracting(RateLimitDecision::fallback).containsOnly(false);
            assertThat(decisions).filteredOn(RateLimitDecision::allowed).hasSize(10);
            assertThat(decisions).filteredOn(RateLimitDecision::allowed)
                    .extracting(RateLimitDecision::remaining)
                    .containsExactlyInAnyOrder(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
        }

        @Test
        void leasingInstancesNeverAdmitMoreThanTheBucket() {
            RateLimiterProperties leasing = aRateLimiterConfig().withRedisTimeout(PATIENT)
                    .withLeaseWindow(SEVEN_TOKEN_WINDOW).build();
            RedisTokenBucketRateLimiter first = limiterWithManualTicker(leasing);
            RedisTokenBucketRateLimiter second = limiterWithManualTicker(leasing);
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 100);
            assertThat(first.leases().leaseSize(limit)).isEqualTo(7);

            // 30 rounds of 5 requests on each instance at once: misses in a round ask Redis concurrently
            List<RateLimitDecision> decisions = new ArrayList<>();
            for (int round = 0; round < 30; round++) {
                List<CompletableFuture<RateLimitDecision>> inFlight = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    inFlight.add(first.acquire(service, limit, (String) null, null));
                    inFlight.add(second.acquire(service, limit, (String) null, null));
                }
                inFlight.forEach(request -> decisions.add(decision(request)));
            }

            assertThat(decisions).hasSize(300).extracting(RateLimitDecision::fallback).containsOnly(false);
            long admitted = decisions.stream().filter(RateLimitDecision::allowed).count();
            assertThat(admitted).isBetween(100L - 2 * 7, 100L);
            assertThat(admitted + serviceLeaseTokens(first) + serviceLeaseTokens(second))
                    .as("every token taken from Redis was admitted or is still leased").isEqualTo(100);
        }

        @Test
        void concurrentThreadsOnTwoLeasingInstancesNeverAdmitMoreThanTheBucket() throws Exception {
            RateLimiterProperties leasing = aRateLimiterConfig().withRedisTimeout(PATIENT)
                    .withLeaseWindow(SEVEN_TOKEN_WINDOW).build();
            List<RedisTokenBucketRateLimiter> instances = List.of(
                    limiterWithManualTicker(leasing), limiterWithManualTicker(leasing));
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 100);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            redisClients.onClose(threads::shutdownNow);
            CountDownLatch start = new CountDownLatch(1);

            List<Future<Long>> admittedByThread = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                RedisTokenBucketRateLimiter instance = instances.get(t % 2);
                admittedByThread.add(threads.submit(() -> {
                    start.await();
                    long admitted = 0;
                    for (int i = 0; i < 75; i++) {
                        RateLimitDecision decision = decision(instance.acquire(service, limit, (String) null, null));
                        assertThat(decision.fallback()).isFalse();
                        admitted += decision.allowed() ? 1 : 0;
                    }
                    return admitted;
                }));
            }
            start.countDown();
            long admitted = 0;
            for (Future<Long> thread : admittedByThread) {
                admitted += thread.get(60, TimeUnit.SECONDS);
            }

            assertThat(admitted).isBetween(100L - 2 * 7, 100L);
            assertThat(admitted + serviceLeaseTokens(instances.get(0)) + serviceLeaseTokens(instances.get(1)))
                    .as("every token taken from Redis was admitted or is still leased").isEqualTo(100);
        }

        @Test
        void smallLimitIsExactAcrossInstances() {
            RedisTokenBucketRateLimiter first = limiterOnSharedRedis();
            RedisTokenBucketRateLimiter second = limiterOnSharedRedis();
            RateLimit perCitizen = RateLimit.perSecond(0.01, 2);

            RateLimitDecision one = acquire(first, null, "alice", perCitizen);
            RateLimitDecision two = acquire(second, null, "alice", perCitizen);
            RateLimitDecision three = acquire(first, null, "alice", perCitizen);
            RateLimitDecision four = acquire(second, null, "alice", perCitizen);

            assertThat(List.of(one, two)).extracting(RateLimitDecision::allowed).containsOnly(true);
            assertThat(List.of(three, four)).extracting(RateLimitDecision::allowed).containsOnly(false);
            // one token at 0.01/s takes 100 s; a little of it may already have passed
            assertThat(three.retryAfter()).isBetween(Duration.ofSeconds(90), Duration.ofSeconds(100));
            assertThat(four.retryAfter()).isBetween(Duration.ofSeconds(90), Duration.ofSeconds(100));
        }
    }

    @Nested
    class Leases {

        @Test
        void bigLimitAsksRedisOncePerLease() {
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).build());

            List<RateLimitDecision> decisions = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                decisions.add(acquire(limiter, BIG));
            }

            assertThat(decisions).extracting(RateLimitDecision::allowed).containsOnly(true);
            assertThat(decisions).extracting(RateLimitDecision::fallback).containsOnly(false);
            assertThat(redisCalls()).as("two leases of 5,000").isEqualTo(2);
            assertThat(decisionCount("allowed", "redis")).isEqualTo(10_000);
        }

        @Test
        void requestServedFromALeaseIsDecidedAlready() {
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).build());
            acquire(limiter, BIG);

            CompletableFuture<RateLimitDecision> fromLease = limiter.acquire(service, BIG, (String) null, null);

            assertThat(fromLease).isCompleted();
            assertThat(fromLease.join().allowed()).isTrue();
            assertThat(redisCalls()).isEqualTo(1);
        }

        @Test
        void leasedTokensExpireAfterTheTtl() {
            Duration ttl = Duration.ofSeconds(1);
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).withLeaseTtl(ttl).build());
            acquire(limiter, BIG);
            acquire(limiter, BIG);
            nanos.addAndGet(ttl.toNanos() - 1);
            acquire(limiter, BIG);
            assertThat(redisCalls()).as("within the TTL the lease serves").isEqualTo(1);

            nanos.addAndGet(1);
            RateLimitDecision afterTtl = acquire(limiter, BIG);

            assertThat(afterTtl.allowed()).isTrue();
            assertThat(redisCalls()).as("the expired lease is replaced by a new one").isEqualTo(2);
            assertThat(meters.get(RateLimiterMetrics.LEASE_UNSPENT).counter().count()).isEqualTo(4_997);
            assertThat(serviceLeaseTokens(limiter)).isEqualTo(4_999);
        }

        @Test
        void fullLeaseTableAsksRedisForOneTokenPerRequest() {
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).withLeaseMaxBuckets(1).build());
            decision(limiter.acquire(service + "-other", BIG, (String) null, null));
            assertThat(redisCalls()).isEqualTo(1);

            for (int i = 0; i < 5; i++) {
                assertThat(acquire(limiter, BIG).allowed()).isTrue();
            }

            assertThat(redisCalls()).as("no lease state, so one Redis call per request").isEqualTo(6);
            assertThat(limiter.leases().find(service)).isNull();
        }
    }

    @Nested
    class RememberedRefusals {

        @Test
        void refusalIsRememberedUntilRedisSaidATokenComes() {
            RedisTokenBucketRateLimiter limiter = limiterWithManualTicker(
                    aRateLimiterConfig().withRedisTimeout(PATIENT).build());
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 1);
            acquire(limiter, limit);
            RateLimitDecision fromRedis = acquire(limiter, limit);
            assertThat(redisCalls()).isEqualTo(2);

            List<CompletableFuture<RateLimitDecision>> flood = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                flood.add(limiter.acquire(service, limit, (String) null, null));
            }

            assertThat(flood).allSatisfy(request -> assertThat(request).isCompleted());
            assertThat(flood).extracting(CompletableFuture::join).extracting(RateLimitDecision::allowed)
                    .containsOnly(false);
            assertThat(flood.get(0).join().retryAfter()).isEqualTo(fromRedis.retryAfter());
            assertThat(redisCalls()).as("the flood never reached Redis").isEqualTo(2);

            nanos.addAndGet(fromRedis.retryAfter().toNanos());
            RateLimitDecision askedAgain = acquire(limiter, limit);

            assertThat(askedAgain.allowed()).as("Redis's clock has not moved a day").isFalse();
            assertThat(redisCalls()).isEqualTo(3);
        }
    }

    @Nested
    class Validation {

        @Test
        void serviceCodeThatWouldBreakTheHashTagIsRejected() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire("svc}x", RateLimit.perSecond(1, 1),
                    (String) null, null));
            assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire("svc x", null, (String) null,
                    null));
        }

        @Test
        void callerIdMustBeOneTo256Characters() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();
            RateLimit limit = RateLimit.perSecond(1, 1);

            assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire(service, limit, "", limit));
            assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire(service, limit, "a".repeat(257),
                    limit));
        }

        @Test
        void noLimitIsUnlimitedWithoutAskingRedis() {
            RedisTokenBucketRateLimiter limiter = limiterOnSharedRedis();

            CompletableFuture<RateLimitDecision> unlimited = limiter.acquire(service, null, "alice", null);

            assertThat(unlimited).isCompletedWithValue(RateLimitDecision.unlimited());
            assertThat(redisCalls()).isZero();
        }
    }

    @Nested
    class RedisUnusable {

        @Test
        void unreachableRedisFallsBackToTheLocalLimit() {
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + InfraProvisioner.freePort())),
                    aRateLimiterConfig().withRedisTimeout(Duration.ofMillis(500)).build());
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
            assertThat(meters.get(RateLimiterMetrics.REDIS_CALLS).tag("outcome", "failed").counter().count())
                    .as("the probes").isGreaterThanOrEqualTo(1.0);

            Health health = new RateLimiterHealthIndicator(limiter, Duration.ofSeconds(30)).health().block();
            assertThat(health.getStatus()).isEqualTo(new Status("DEGRADED"));
            assertThat(health.getDetails()).containsEntry("mode", "local-fallback").containsKey("error");
        }

        @Test
        void localShareCutsTheLimitEachInstanceEnforces() {
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + InfraProvisioner.freePort())),
                    aRateLimiterConfig().withRedisTimeout(Duration.ofMillis(500)).withLocalFallbackShare(0.5).build());
            RateLimit limit = RateLimit.perSecond(ALMOST_NEVER, 4);

            assertThat(List.of(acquire(limiter, limit), acquire(limiter, limit), acquire(limiter, limit)))
                    .extracting(RateLimitDecision::allowed).containsExactly(true, true, false);
        }

        @Test
        void redisThatNeverAnswersTimesOutIntoTheFallback() throws IOException {
            ServerSocket silent = redisClients.silentServer();
            RedisTokenBucketRateLimiter limiter = limiter(
                    connect(URI.create("redis://localhost:" + silent.getLocalPort())),
                    aRateLimiterConfig().withRedisTimeout(Duration.ofMillis(200)).build());

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
            assertThat(meters.get(RateLimiterMetrics.REDIS_CALLS).tag("outcome", "granted").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get(RateLimiterMetrics.REDIS_CALLS).tag("outcome", "refused").counter().count())
                    .isEqualTo(1.0);
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
            acquire(limiter, limit);

            RateLimitExceeded problem = RateLimitExceeded.of(acquire(limiter, limit));

            assertThat(problem.code()).isEqualTo("rate_limited");
            assertThat(problem.retryAfter()).isPositive();
        }
    }

    private RateLimitDecision acquire(RedisTokenBucketRateLimiter limiter, RateLimit perService) {
        return decision(limiter.acquire(service, perService, (String) null, null));
    }

    private RateLimitDecision acquire(RedisTokenBucketRateLimiter limiter, @Nullable RateLimit perService,
            String caller, RateLimit perCaller) {
        return decision(limiter.acquire(service, perService, caller, perCaller));
    }

    /** The decision, waiting a bounded time for it. */
    private static RateLimitDecision decision(CompletableFuture<RateLimitDecision> request) {
        try {
            return request.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no decision", e);
        }
    }

    private double redisCalls() {
        return meters.find(RateLimiterMetrics.REDIS_CALLS).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double decisionCount(String outcome, String mode) {
        return meters.get(RateLimiterMetrics.DECISIONS).tag("outcome", outcome).tag("mode", mode).counter().count();
    }

    private long serviceLeaseTokens(RedisTokenBucketRateLimiter limiter) {
        return limiter.leases().find(service).all().tokens(nanos.get());
    }

    private Map<Object, Object> redisState(String key) {
        return inspector().opsForHash().entries(key).collectMap(e -> e.getKey(), e -> e.getValue()).block();
    }

    private ReactiveStringRedisTemplate inspector() {
        return template(connect(sharedRedis()));
    }

    private RedisTokenBucketRateLimiter limiterOnSharedRedis() {
        return limiter(connect(sharedRedis()), aRateLimiterConfig().withRedisTimeout(PATIENT).build());
    }

    private RedisTokenBucketRateLimiter limiter(LettuceConnectionFactory connection, RateLimiterProperties properties) {
        return new RedisTokenBucketRateLimiter(template(connection), properties, meters);
    }

    /** On the shared Redis, with {@link #nanos} as its ticker and sweeps on the calling thread. */
    private RedisTokenBucketRateLimiter limiterWithManualTicker(RateLimiterProperties properties) {
        return new RedisTokenBucketRateLimiter(template(connect(sharedRedis())), properties, meters,
                Clock.systemUTC(), nanos::get, Runnable::run);
    }

    private static URI sharedRedis() {
        return TestInfrastructure.shared().redisUrl();
    }

    private static ReactiveStringRedisTemplate template(LettuceConnectionFactory connection) {
        return new ReactiveStringRedisTemplate(connection);
    }

    /** A connection of its own, as a separate gateway instance has. */
    private LettuceConnectionFactory connect(URI redis) {
        return redisClients.connect(redis, Duration.ofSeconds(2));
    }
}
