package org.civicstack.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.civicstack.gateway.usage.UsageFixtures.aUsage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.civicstack.infra.InfraProvisioner;
import org.civicstack.platform.events.UsageStream;
import org.civicstack.gateway.RedisClients;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The recorder against the test JVM's real Redis (and, for outages, a port nothing listens on and a server that never
 * answers), without a Spring context. Every test writes its own stream key, so tests share Redis without flushing it.
 */
class UsageRecorderIT {

    /** Generous: a loaded 2-core machine may take seconds to write tens of thousands of entries. */
    private static final Duration PATIENT = Duration.ofSeconds(30);

    private final MeterRegistry meters = new SimpleMeterRegistry();
    /** The token stream; anonymous records go to {@link #anonymousStream}. */
    private final String streamKey = "cs:test:usage:" + UUID.randomUUID();
    private final String anonymousStream = UsageRecorder.anonymousStreamOf(streamKey);
    private final List<UsageRecorder> recorders = new ArrayList<>();
    private final RedisClients redisClients = new RedisClients();
    private ReactiveStringRedisTemplate shared;

    @AfterEach
    void cleanUp() throws Exception {
        for (UsageRecorder recorder : recorders) {
            recorder.stop();
        }
        sharedRedis().delete(streamKey, anonymousStream, UsageStream.recordCountKey(streamKey),
                UsageStream.recordCountKey(anonymousStream)).block(Duration.ofSeconds(5));
        redisClients.close();
    }

    @Nested
    class ConcurrentCallers {

        @Test
        void fourThreadsRecordingAtOnceLoseNoRecord() throws Exception {
            int threads = 4;
            int perThread = 5_000;
            int total = threads * perThread;
            // Room for every record: only concurrent recording, not capacity, could lose one here.
            UsageRecorder recorder = started(recorder(sharedRedis(), total));

            recordConcurrently(recorder, threads, perThread);

            await().atMost(PATIENT).until(() -> written() + dropped() == total);
            assertThat(dropped()).isZero();
            assertThat(written()).isEqualTo(total);
            assertThat(anonymousLength()).isEqualTo(total);
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .hasSize(total)
                    .doesNotHaveDuplicates();
        }

        private void recordConcurrently(UsageRecorder recorder, int threads, int perThread) throws Exception {
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String thread = "t" + t;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            recorder.record(aUsage().withRequestId(thread + "-" + i).build());
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : done) {
                    future.get(PATIENT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void batchesSentBeforeTheFirstIsAnsweredStillArriveInTheOrderRecorded() {
            int total = 12 * UsageRecorder.BATCH; // enough full batches for several to be in flight at once
            UsageRecorder recorder = recorder(sharedRedis(), total);
            for (int i = 0; i < total; i++) {
                recorder.record(aUsage().withRequestId("r-" + i).build());
            }
            started(recorder);

            await().atMost(PATIENT).until(() -> written() + dropped() == total);
            assertThat(dropped()).isZero();
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .containsExactlyElementsOf(requestIds(0, total));
        }

        @Test
        void anEntryCarriesEveryFieldOfTheRecord() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10));

            recorder.record(aUsage().withService("svc-permits").withStatus(404).withLatencyMicros(1234)
                    .withRequestId("req-42").withCaller(null).build());

            await().atMost(PATIENT).until(() -> written() == 1);
            assertThat(anonymousEntries()).singleElement().isEqualTo(Map.ofEntries(
                    Map.entry("service", "svc-permits"), Map.entry("status", "404"), Map.entry("latency_us", "1234"),
                    Map.entry("method", "GET"), Map.entry("request_id", "req-42"), Map.entry("ts", "1767225600000")));
        }

        @Test
        void aCitizenRequestCarriesTheTokensIdentifiersForTheAuditLog() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10));

            recorder.record(aUsage().withService("svc-permits").withCaller("cit:7d0c0f3e")
                    .withCitizen("jti-1", "sid-1", "7d0c0f3e", "civicstack-app")
                    .withAgencyAndRefusal("agy_1", "revoked_session").withStatus(401).build());

            await().atMost(PATIENT).until(() -> written() == 1);
            assertThat(anonymousEntries()).isEmpty();
            assertThat(tokenEntries()).singleElement().satisfies(fields -> assertThat(fields)
                    .containsEntry("jti", "jti-1").containsEntry("sid", "sid-1").containsEntry("sub", "7d0c0f3e")
                    .containsEntry("client_id", "civicstack-app").containsEntry("caller", "cit:7d0c0f3e")
                    .containsEntry("agency", "agy_1").containsEntry("refusal", "revoked_session"));
        }
        @Test
        void valuesArriveExactlyAsRecordedWhateverTheirCharactersAndDigits() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10));

            // non-ASCII text (written as UTF-8), zero, one digit, the largest values a record can carry
            recorder.record(new UsageRecorder.Usage("服务-é", 0, 0, "PATCH", "请求-1", "caller\u0001ü", Long.MAX_VALUE,
                    "jti-ß", null, "", "app", null, "rate_limited"));
            recorder.record(new UsageRecorder.Usage("s", 9, Long.MAX_VALUE, "GET", "r", "c", 1, null, null, null, null,
                    null, null));

            await().atMost(PATIENT).until(() -> written() == 2);
            assertThat(tokenEntries()).containsExactly(Map.ofEntries(
                    Map.entry("service", "服务-é"), Map.entry("status", "0"), Map.entry("latency_us", "0"),
                    Map.entry("method", "PATCH"), Map.entry("request_id", "请求-1"), Map.entry("caller", "caller\u0001ü"),
                    Map.entry("ts", Long.toString(Long.MAX_VALUE)), Map.entry("jti", "jti-ß"),
                    Map.entry("client_id", "app"), Map.entry("refusal", "rate_limited")));
            assertThat(anonymousEntries()).containsExactly(Map.ofEntries(
                    Map.entry("service", "s"), Map.entry("status", "9"),
                    Map.entry("latency_us", Long.toString(Long.MAX_VALUE)), Map.entry("method", "GET"),
                    Map.entry("request_id", "r"), Map.entry("caller", "c"), Map.entry("ts", "1")));
        }

        @Test
        void recordsThatConcernATokenGoToTheAuditedStreamTheRestToTheAnonymousOneEachInOrder() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 100));
            List<String> token = new ArrayList<>();
            List<String> anonymous = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "r-" + i;
                switch (i % 5) {
                    case 0 -> { // a verified citizen token that went to the agency
                        recorder.record(aUsage().withRequestId(id).withCitizen("jti-" + i, "sid", "sub", "app").build());
                        token.add(id);
                    }
                    case 1 -> { // no token on a citizen service: refused by the gateway before any token was verified
                        recorder.record(aUsage().withRequestId(id).withStatus(401)
                                .withAgencyAndRefusal("agy_1", "token_missing").build());
                        token.add(id);
                    }
                    case 2 -> { // a token without the scope the service needs
                        recorder.record(aUsage().withRequestId(id).withStatus(403)
                                .withAgencyAndRefusal("agy_1", "insufficient_scope").build());
                        token.add(id);
                    }
                    case 3 -> { // an anonymous service, rate limited: no token involved
                        recorder.record(aUsage().withRequestId(id).withStatus(429)
                                .withAgencyAndRefusal("agy_1", "rate_limited").build());
                        anonymous.add(id);
                    }
                    default -> { // an anonymous service whose agency answered 401 itself
                        recorder.record(aUsage().withRequestId(id).withStatus(401).build());
                        anonymous.add(id);
                    }
                }
            }

            await().atMost(PATIENT).until(() -> written() + dropped() == 10);
            assertThat(dropped()).isZero();
            assertThat(tokenEntries()).extracting(record -> record.get("request_id"))
                    .containsExactlyElementsOf(token);
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .containsExactlyElementsOf(anonymous);
        }

        @Test
        void tabsNewlinesAndBackslashesInValuesArriveIntact() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10));
            // a request id is whatever the client sent in X-Request-Id (a tab is a legal header character)
            recorder.record(aUsage().withRequestId("a\tb\\n\\c\r\nd\\").withCaller("\\\t").build());

            await().atMost(PATIENT).until(() -> written() == 1);
            assertThat(anonymousEntries()).singleElement().satisfies(record -> assertThat(record)
                    .containsEntry("request_id", "a\tb\\n\\c\r\nd\\").containsEntry("caller", "\\\t"));
        }

        @Test
        void eachStreamIsTrimmedToAboutItsMaximumRecordsOldestFirstAndItsCountStaysTrue() {
            int max = 2_500;
            int total = 8 * UsageRecorder.BATCH;
            UsageRecorder recorder = recorder(sharedRedis(), total, max);
            for (int i = 0; i < total; i++) {
                recorder.record(aUsage().withRequestId("r-" + i).build());
            }
            started(recorder);

            await().atMost(PATIENT).until(() -> written() + dropped() == total);
            List<Map<String, String>> kept = anonymousEntries();
            // whole entries go, oldest first, while the rest still hold more than the maximum; never the newest
            assertThat(kept.size()).isBetween(max - UsageRecorder.BATCH, max + UsageRecorder.BATCH);
            assertThat(kept).extracting(record -> record.get("request_id"))
                    .containsExactlyElementsOf(requestIds(total - kept.size(), total));
            assertThat(sharedRedis().opsForValue().get(UsageStream.recordCountKey(anonymousStream))
                    .block(Duration.ofSeconds(5))).isEqualTo(Integer.toString(kept.size()));
        }

        @Test
        void aStreamDeletedByHandStartsItsCountAgain() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10, 5));
            recorder.record(aUsage().withRequestId("r-0").build());
            await().atMost(PATIENT).until(() -> written() == 1);
            // the stream goes (an operator's DEL), its count stays behind
            sharedRedis().delete(anonymousStream).block(Duration.ofSeconds(5));
            sharedRedis().opsForValue().set(UsageStream.recordCountKey(anonymousStream), "1000")
                    .block(Duration.ofSeconds(5));

            recorder.record(aUsage().withRequestId("r-1").build());

            await().atMost(PATIENT).until(() -> written() == 2);
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id")).containsExactly("r-1");
            assertThat(sharedRedis().opsForValue().get(UsageStream.recordCountKey(anonymousStream))
                    .block(Duration.ofSeconds(5))).isEqualTo("1");
        }

        @Test
        void aRedisThatForgotTheScriptIsGivenItAndNothingIsLost() {
            UsageRecorder recorder = started(recorder(sharedRedis(), 10));
            recorder.record(aUsage().withRequestId("before-flush").build());
            await().atMost(PATIENT).until(() -> written() == 1);

            // as after a Redis restart or failover: the next EVALSHA answers NOSCRIPT
            sharedRedis().execute(connection -> connection.scriptingCommands().scriptFlush()).blockLast(PATIENT);
            recorder.record(aUsage().withRequestId("after-flush").build());

            await().atMost(PATIENT).until(() -> written() + dropped() == 2);
            assertThat(dropped()).isZero();
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .containsExactly("before-flush", "after-flush");
        }
    }

    @Nested
    class FullBuffer {

        @Test
        void recordsBeyondTheBufferAreDroppedAndCountedWithoutBlockingTheCaller() {
            // Not started: nothing takes from the buffer while it fills.
            UsageRecorder recorder = recorder(sharedRedis(), 100);

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 150; i++) {
                    recorder.record(aUsage().withRequestId("r-" + i).build());
                }
            }, "record() blocked on a full buffer");

            assertThat(dropped()).isEqualTo(50);
            assertThat(queued()).isEqualTo(100);

            started(recorder);
            await().atMost(PATIENT).until(() -> written() == 100);
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .containsExactlyInAnyOrderElementsOf(requestIds(0, 100));
        }
    }

    @Nested
    class RedisUnreachable {

        @Test
        void recordsAreDroppedAndCountedAndTheCallerSeesNoError() {
            ListAppender<ILoggingEvent> log = capturedLog();
            UsageRecorder recorder = started(recorder(template(URI.create("redis://localhost:"
                    + InfraProvisioner.freePort())), UsageRecorder.BUFFER));

            for (int i = 0; i < 1_000; i++) {
                recorder.record(aUsage().withRequestId("r-" + i).build());
            }

            await().atMost(PATIENT).until(() -> dropped() == 1_000);
            assertThat(written()).isZero();
            assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .as("one warning for several failed batches, not one per batch")
                    .hasSize(1);
        }

        @Test
        void redisThatNeverAnswersTimesTheBatchOutAndStopStillReturns() throws IOException {
            UsageRecorder recorder = started(recorder(template(URI.create("redis://127.0.0.1:"
                    + redisClients.silentServer().getLocalPort())), UsageRecorder.BUFFER));
            for (int i = 0; i < 300; i++) {
                recorder.record(aUsage().withRequestId("r-" + i).build());
            }

            assertTimeoutPreemptively(UsageRecorder.STOP_TIMEOUT.plusSeconds(3), () -> recorder.stop(),
                    "stop() must give up on a Redis that never answers");

            await().atMost(PATIENT).until(() -> dropped() == 300);
            assertThat(written()).isZero();
            assertThat(queued()).isZero();
        }
    }

    @Nested
    class Stop {

        @Test
        void stopWritesWhatIsStillBufferedBeforeItReturns() {
            UsageRecorder recorder = started(recorder(sharedRedis(), UsageRecorder.BUFFER));
            for (int i = 0; i < 600; i++) {
                recorder.record(aUsage().withRequestId("r-" + i).build());
            }

            recorder.stop();

            assertThat(recorder.isRunning()).isFalse();
            assertThat(written()).isEqualTo(600);
            assertThat(dropped()).isZero();
            assertThat(queued()).isZero();
            assertThat(anonymousLength()).isEqualTo(600);
        }

        @Test
        void aStoppedRecorderStartsAgainAndWritesWhatWasRecordedMeanwhile() {
            UsageRecorder recorder = started(recorder(sharedRedis(), UsageRecorder.BUFFER));
            recorder.stop();
            recorder.record(aUsage().withRequestId("while-stopped").build());

            recorder.start();

            await().atMost(PATIENT).until(() -> written() == 1);
            assertThat(anonymousEntries()).extracting(record -> record.get("request_id"))
                    .containsExactly("while-stopped");
        }
    }

    private UsageRecorder recorder(ReactiveStringRedisTemplate redis, int capacity) {
        return recorder(redis, capacity, 1_000_000);
    }

    private UsageRecorder recorder(ReactiveStringRedisTemplate redis, int capacity, long maxRecordsPerStream) {
        UsageRecorder recorder = new UsageRecorder(redis, meters, maxRecordsPerStream, streamKey, capacity);
        recorders.add(recorder);
        return recorder;
    }

    private static UsageRecorder started(UsageRecorder recorder) {
        recorder.start();
        return recorder;
    }

    private double written() {
        return meters.get("civicstack.gateway.usage.written").counter().count();
    }

    private double dropped() {
        return meters.get("civicstack.gateway.usage.dropped").counter().count();
    }

    private double queued() {
        return meters.get("civicstack.gateway.usage.queued").gauge().value();
    }

    /** How many records the anonymous stream holds, from its entries' counts (the records themselves are checked elsewhere). */
    private long anonymousLength() {
        return entries(anonymousStream).stream()
                .mapToLong(entry -> Long.parseLong(entry.getValue().get(UsageStream.COUNT).toString())).sum();
    }

    private List<Map<String, String>> tokenEntries() {
        return records(streamKey);
    }

    private List<Map<String, String>> anonymousEntries() {
        return records(anonymousStream);
    }

    /**
     * The records of every entry of a stream, decoded, with the values the recorder left empty left out (as absent);
     * each entry's count checked against its records.
     */
    private List<Map<String, String>> records(String key) {
        List<Map<String, String>> records = new ArrayList<>();
        for (MapRecord<String, Object, Object> entry : entries(key)) {
            List<Map<String, String>> decoded = UsageStream.decode(entry.getValue().get(UsageStream.RECORDS).toString());
            assertThat(entry.getValue().get(UsageStream.COUNT)).hasToString(Integer.toString(decoded.size()));
            for (Map<String, String> record : decoded) {
                Map<String, String> present = new java.util.LinkedHashMap<>(record);
                present.values().removeIf(String::isEmpty);
                records.add(present);
            }
        }
        return records;
    }

    /** Every entry, read in pages. */
    private List<MapRecord<String, Object, Object>> entries(String key) {
        List<MapRecord<String, Object, Object>> all = new ArrayList<>();
        Range<String> range = Range.unbounded();
        while (true) {
            List<MapRecord<String, Object, Object>> page = sharedRedis().opsForStream()
                    .range(key, range, org.springframework.data.redis.connection.Limit.limit().count(100))
                    .collectList()
                    .block(PATIENT);
            all.addAll(page);
            if (page.size() < 100) {
                return all;
            }
            range = Range.rightUnbounded(Range.Bound.exclusive(page.get(page.size() - 1).getId().getValue()));
        }
    }

    private static List<String> requestIds(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("r-" + i);
        }
        return ids;
    }

    /** The test JVM's Redis, through one connection of this test's own. */
    private ReactiveStringRedisTemplate sharedRedis() {
        if (shared == null) {
            shared = template(TestInfrastructure.shared().redisUrl());
        }
        return shared;
    }

    /** A connection of its own, as a gateway instance has. */
    private ReactiveStringRedisTemplate template(URI redis) {
        return new ReactiveStringRedisTemplate(redisClients.connect(redis, Duration.ofSeconds(5)));
    }

    private ListAppender<ILoggingEvent> capturedLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(UsageRecorder.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        redisClients.onClose(() -> logger.detachAppender(appender));
        return appender;
    }
}
