package org.civicstack.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.civicstack.gateway.usage.UsageFixtures.aUsage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The recorder's request-path side, without Redis: the writer is never started, so nothing leaves the JVM. */
class UsageRecorderTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Nested
    class OutcomeOfStatus {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
                "0, other", "100, other", "199, other",
                "200, success", "204, success", "304, success", "399, success",
                "400, client_error", "404, client_error", "429, client_error", "499, client_error",
                "500, server_error", "502, server_error", "504, server_error", "599, server_error"})
        void statusClassDecidesTheOutcome(int status, String outcome) {
            assertThat(UsageRecorder.outcome(status)).isEqualTo(outcome);
        }
    }

    @Nested
    class Refusals {

        @Test
        void theGatewaysOwnRefusalsAreCountedPerReasonAndUnknownReasonsAsOther() {
            UsageRecorder recorder = recorder(10);

            recorder.record(aUsage().withStatus(401).withAgencyAndRefusal("agy_1", "revoked_session").build());
            recorder.record(aUsage().withStatus(401).withAgencyAndRefusal("agy_1", "revoked_session").build());
            recorder.record(aUsage().withStatus(429).withAgencyAndRefusal("agy_1", "rate_limited").build());
            recorder.record(aUsage().withStatus(401).withAgencyAndRefusal("agy_1", "made-up-" + System.nanoTime())
                    .build());
            recorder.record(aUsage().withStatus(401).build()); // the agency's own 401: not a gateway refusal

            assertThat(refusals("revoked_session")).isEqualTo(2);
            assertThat(refusals("rate_limited")).isEqualTo(1);
            assertThat(refusals("other")).isEqualTo(1);
            assertThat(meters.find("civicstack.gateway.refusals").counters()).hasSize(3);
        }

        private double refusals(String reason) {
            return meters.get("civicstack.gateway.refusals").tag("reason", reason).counter().count();
        }
    }

    @Nested
    class DispatchTimer {

        @Test
        void allFourOutcomeTimersExistBeforeTheFirstRequest() {
            recorder(10);

            assertThat(meters.find("civicstack.gateway.dispatch").timers())
                    .extracting(timer -> timer.getId().getTag("outcome"))
                    .containsExactlyInAnyOrder("success", "client_error", "server_error", "other");
        }

        @Test
        void recordTimesTheRequestUnderItsOutcomeOnly() {
            UsageRecorder recorder = recorder(10);

            recorder.record(aUsage().withStatus(503).withLatencyMicros(2_000).build());
            recorder.record(aUsage().withStatus(200).withLatencyMicros(500).build());
            recorder.record(aUsage().withStatus(201).withLatencyMicros(700).build());

            assertThat(timer("server_error").count()).isEqualTo(1);
            assertThat(timer("server_error").totalTime(TimeUnit.MICROSECONDS)).isEqualTo(2_000);
            assertThat(timer("success").count()).isEqualTo(2);
            assertThat(timer("client_error").count()).isZero();
            assertThat(timer("other").count()).isZero();
        }

        @Test
        void everyOutcomeTimerPublishesAPercentileHistogram() {
            Map<String, Boolean> histogramByOutcome = new HashMap<>();
            meters.config().meterFilter(new MeterFilter() {
                @Override
                public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                    if (id.getName().equals("civicstack.gateway.dispatch")) {
                        histogramByOutcome.put(id.getTag("outcome"), Boolean.TRUE.equals(config.isPercentileHistogram()));
                    }
                    return config;
                }
            });

            recorder(10);

            assertThat(histogramByOutcome).containsOnly(Map.entry("success", true), Map.entry("client_error", true),
                    Map.entry("server_error", true), Map.entry("other", true));
        }
    }

    @Nested
    class Construction {

        @Test
        void streamMaxLengthMustBePositive() {
            assertThatIllegalArgumentException().isThrownBy(
                    () -> new UsageRecorder(templateNeverConnected(), meters, 0));
        }

        @Test
        void aNewRecorderIsNotRunningAndStopIsHarmless() {
            UsageRecorder recorder = recorder(10);

            recorder.stop();

            assertThat(recorder.isRunning()).isFalse();
        }
    }

    private UsageRecorder recorder(int capacity) {
        return new UsageRecorder(templateNeverConnected(), meters, 1_000, "cs:test:never-written", capacity);
    }

    private Timer timer(String outcome) {
        return meters.get("civicstack.gateway.dispatch").tag("outcome", outcome).timer();
    }

    /** A template whose connection factory is never started: any use would fail, and none happens here. */
    private static ReactiveStringRedisTemplate templateNeverConnected() {
        return new ReactiveStringRedisTemplate(new LettuceConnectionFactory());
    }
}
