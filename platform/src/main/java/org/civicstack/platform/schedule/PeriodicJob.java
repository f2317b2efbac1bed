package org.civicstack.platform.schedule;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A reactive job that runs one round every {@code interval} while the application runs: rounds never overlap (a
 * round that takes longer delays the next; ticks in between are dropped), and a failed round is logged and the
 * next one runs on schedule. Every instance of a service runs it, so a round must be safe to run concurrently on
 * several instances (claims, leases, conditional updates). Subclasses give {@link #runOnce()}.
 */
public abstract class PeriodicJob implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final Duration initialDelay;
    private final Duration interval;
    private volatile Disposable running;

    protected PeriodicJob(String name, Duration initialDelay, Duration interval) {
        this.name = Objects.requireNonNull(name, "name");
        this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /**
     * A job whose round is blocking work (JDBC, a file), run on the bounded elastic scheduler so it never holds an
     * event loop.
     */
    public static PeriodicJob blocking(String name, Duration initialDelay, Duration interval, Callable<?> round) {
        Objects.requireNonNull(round, "round");
        return new PeriodicJob(name, initialDelay, interval) {
            @Override
            protected Mono<?> runOnce() {
                return Mono.fromCallable(round).subscribeOn(Schedulers.boundedElastic());
            }
        };
    }

    /** One round. */
    protected abstract Mono<?> runOnce();

    /** Whether the job runs at all in this application (a setting); checked at start. */
    protected boolean enabled() {
        return true;
    }

    @Override
    public void start() {
        if (running != null || !enabled()) {
            return;
        }
        running = Flux.interval(initialDelay, interval)
                .onBackpressureDrop()
                .concatMap(tick -> runOnce().then().onErrorResume(e -> {
                    log.warn("{} failed (the next round runs on schedule): {}", name, e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = running;
        running = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
