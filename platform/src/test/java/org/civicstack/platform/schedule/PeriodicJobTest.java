package org.civicstack.platform.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PeriodicJobTest {

    /** Rounds that take longer than the interval, every other one failing. */
    static final class Flaky extends PeriodicJob {
        final AtomicInteger rounds = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        boolean on = true;

        Flaky() {
            super("flaky job", Duration.ZERO, Duration.ofMillis(5));
        }

        @Override
        protected Mono<?> runOnce() {
            return Mono.defer(() -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                int round = rounds.incrementAndGet();
                // doOnTerminate: counted out before the round's end reaches the job, which then starts the next
                return Mono.delay(Duration.ofMillis(20))
                        .then(round % 2 == 0 ? Mono.<Integer>error(new IllegalStateException("round " + round))
                                : Mono.just(round))
                        .doOnTerminate(inFlight::decrementAndGet);
            });
        }

        @Override
        protected boolean enabled() {
            return on;
        }
    }

    static void until(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void aBlockingJobRunsItsRoundsOnTheBoundedElasticScheduler() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger rounds = new AtomicInteger();
        PeriodicJob job = PeriodicJob.blocking("blocking job", Duration.ZERO, Duration.ofMillis(5), () -> {
            threads.add(Thread.currentThread().getName());
            return rounds.incrementAndGet();
        });
        job.start();
        until(() -> rounds.get() >= 3);
        job.stop();
        assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("boundedElastic"));
    }

    @Test
    void roundsNeverOverlapAndAFailedRoundDoesNotStopTheJob() {
        Flaky job = new Flaky();
        job.start();
        assertThat(job.isRunning()).isTrue();
        until(() -> job.rounds.get() >= 6);
        job.stop();
        assertThat(job.isRunning()).isFalse();
        assertThat(job.mostInFlight.get()).isEqualTo(1);
        int after = job.rounds.get();
        // stopped: no more rounds start (one may have been starting as it stopped)
        assertThat(Mono.delay(Duration.ofMillis(100)).then(Mono.fromSupplier(job.rounds::get)).block())
                .isLessThanOrEqualTo(after + 1);
    }

    @Test
    void aDisabledJobNeverRuns() {
        Flaky job = new Flaky();
        job.on = false;
        job.start();
        assertThat(job.isRunning()).isFalse();
        assertThat(Mono.delay(Duration.ofMillis(50)).then(Mono.fromSupplier(job.rounds::get)).block()).isZero();
    }
}
