package org.civicstack.platform.security.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Identity's revocations reach two instances (two feeds, each on its own Redis connection, as two gateway or
 * resource-server processes have) through the real stream, as the outbox relay writes it; the delay per kind and instance is
 * measured and printed ({@code revocation-latency …}) and asserted against the 1 s requirement with the deadline.
 */
class RevocationFeedIT {

    private final List<LettuceConnectionFactory> connections = new ArrayList<>();
    private final List<RevocationFeed> feeds = new ArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void tearDown() throws Exception {
        feeds.forEach(RevocationFeed::stop);
        connections.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void everyKindOfRevocationReachesTwoInstancesWithinOneSecond() {
        RevocationList first = started(redis());
        RevocationList second = started(redis());
        await(() -> first.current() && second.current(), Duration.ofSeconds(10));

        long now = System.currentTimeMillis();
        String suffix = UUID.randomUUID().toString();
        Map<String, Token> victims = Map.of(
                "token", token("jti-" + suffix, "sid-x", "cit-x", "app-x", now - 1_000),
                "session", token("jti-y", "sid-" + suffix, "cit-y", "app-y", now - 1_000),
                "citizen", token("jti-z", "sid-z", "cit-" + suffix, "app-z", now - 1_000),
                "client", token("jti-w", "sid-w", "cit-w", "app-" + suffix, now - 1_000));
        Map<String, String> values = Map.of("token", "jti-" + suffix, "session", "sid-" + suffix,
                "citizen", "cit-" + suffix, "client", "app-" + suffix);
        for (String kind : List.of("token", "session", "citizen", "client")) {
            Token victim = victims.get(kind);
            assertThat(refusal(first, victim)).isNull();
            long published = System.nanoTime();
            publish(kind, values.get(kind));
            long[] reached = new long[2];
            await(() -> {
                if (reached[0] == 0 && refusal(first, victim) != null) {
                    reached[0] = System.nanoTime();
                }
                if (reached[1] == 0 && refusal(second, victim) != null) {
                    reached[1] = System.nanoTime();
                }
                return reached[0] != 0 && reached[1] != 0;
            }, Duration.ofSeconds(5));
            for (int instance = 0; instance < 2; instance++) {
                long millis = (reached[instance] - published) / 1_000_000;
                System.out.println("revocation-latency kind=" + kind + " instance=" + (instance + 1) + " ms=" + millis);
                assertThat(millis).as("%s revocation at instance %d", kind, instance + 1).isLessThanOrEqualTo(1_000);
            }
            assertThat(refusal(first, victim).tag()).isEqualTo(kind);
        }
    }

    @Test
    void anInstanceStartedLaterCatchesUpBeforeItIsCurrent() {
        String jti = "late-" + UUID.randomUUID();
        publish("token", jti);
        RevocationList late = started(redis());
        await(late::current, Duration.ofSeconds(10));
        assertThat(refusal(late, token(jti, "s", "c", "app", System.currentTimeMillis()))).isEqualTo(
                RevocationList.Refusal.TOKEN);
    }

    @Test
    void malformedEntriesAreSkippedAndTheNextOneApplied() {
        RevocationList list = started(redis());
        await(list::current, Duration.ofSeconds(10));
        redis().opsForStream().add(RevocationFeed.STREAM, Map.of("event_id", "x", "type", "revocation",
                "payload", "{not json")).block(Duration.ofSeconds(5));
        String jti = "after-malformed-" + UUID.randomUUID();
        publish("token", jti);
        await(() -> refusal(list, token(jti, "s", "c", "app", System.currentTimeMillis())) != null,
                Duration.ofSeconds(5));
    }

    @Test
    void withoutRedisYoungTokensPassAndOlderOnesAreRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ReactiveStringRedisTemplate unreachable = new ReactiveStringRedisTemplate(
                connect(URI.create("redis://127.0.0.1:" + closedPort), Duration.ofMillis(300), Duration.ofMillis(200)));
        RevocationList list = started(unreachable);
        long now = System.currentTimeMillis();
        assertThat(list.current()).isFalse();
        assertThat(refusal(list, token("j", "s", "c", "app", now - 1_000))).isNull();
        assertThat(refusal(list, token("j", "s", "c", "app", now - 120_000))).isEqualTo(RevocationList.Refusal.UNVERIFIED);
    }

    private RevocationList started(ReactiveStringRedisTemplate redis) {
        RevocationList list = new RevocationList(System::currentTimeMillis, 60_000);
        RevocationFeed feed = new RevocationFeed(redis, list, json, new SimpleMeterRegistry(), Duration.ofMillis(100),
                Duration.ofMinutes(15), Duration.ofSeconds(5));
        feed.start();
        feeds.add(feed);
        return list;
    }

    private ReactiveStringRedisTemplate redis() {
        return new ReactiveStringRedisTemplate(connect(TestInfrastructure.shared().redisUrl(),
                Duration.ofSeconds(2), Duration.ZERO));
    }

    /** As identity's outbox relay writes a revocation (identity revocation.Revocations). */
    private void publish(String kind, String value) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        String payload = json.writeValueAsString(Map.of("event_id", id, "kind", kind, "value", value,
                "revoked_at", now.toString(), "expires_at", now.plus(Duration.ofMinutes(6)).toString()));
        redis().opsForStream().add(RevocationFeed.STREAM, Map.of("event_id", id, "type", "revocation",
                "payload", payload)).block(Duration.ofSeconds(5));
    }

    /** The claims the list checks. */
    private record Token(String jti, String sid, String sub, String client, long iatMillis) {
    }

    private static Token token(String jti, String sid, String sub, String client, long iatMillis) {
        return new Token(jti, sid, sub, client, iatMillis);
    }

    private static RevocationList.Refusal refusal(RevocationList list, Token token) {
        return list.refusal(token.jti(), token.sid(), token.sub(), token.client(), token.iatMillis());
    }

    /**
     * A started connection factory of its own (as a separate process has); destroyed after the test. Against an
     * unreachable Redis every read attempt opens a channel that fails at once; a connect still in flight when the
     * client's event loop stops registers a channel that loop never closes, and Lettuce's read buffer for it is
     * never released (a Netty leak report). A quiet period lets the last attempt finish before the loop stops.
     */
    private LettuceConnectionFactory connect(URI redis, Duration commandTimeout, Duration shutdownQuietPeriod) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()),
                LettuceClientConfiguration.builder().commandTimeout(commandTimeout)
                        .shutdownQuietPeriod(shutdownQuietPeriod).shutdownTimeout(Duration.ofSeconds(2)).build());
        factory.afterPropertiesSet();
        factory.start();
        connections.add(factory);
        return factory;
    }

    private static void await(BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", within).isLessThan(deadline);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
