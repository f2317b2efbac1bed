package org.civicstack.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.civicstack.infra.ProvisionedInfra;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start of the platform as the shutdown hook sees it. The hook is installed before anything starts, so a
 * SIGTERM or Ctrl-C at any moment — while PostgreSQL is starting, while the services are — must find and stop what
 * exists by then: the embedded PostgreSQL and Redis are separate processes and would outlive this JVM, whereas the
 * services die with it. A stop requested before the platform is up therefore stops the embedded servers at once
 * (the services still starting then fail fast instead of finishing a start nobody wants) and waits, bounded, for
 * the start to unwind, which stops whatever it had started.
 */
final class Startup {

    private static final Logger log = LoggerFactory.getLogger(Startup.class);

    private final CountDownLatch settled = new CountDownLatch(1);
    private final Duration unwindWait;
    private boolean stopRequested;
    private ProvisionedInfra infra;
    private RunningPlatform platform;

    Startup(Duration unwindWait) {
        this.unwindWait = unwindWait;
    }

    /** For a start nobody will interrupt (tests, benchmarks): never stopped from outside. */
    static Startup uninterrupted() {
        return new Startup(Duration.ZERO);
    }

    /** Throws when a stop was requested, so that the start goes no further. */
    synchronized void checkNotStopped() {
        if (stopRequested) {
            throw new StoppedDuringStart();
        }
    }

    /** The embedded or external servers are ready; if a stop arrived meanwhile they are stopped here. */
    void infraProvisioned(ProvisionedInfra provisioned) {
        synchronized (this) {
            if (!stopRequested) {
                infra = provisioned;
                return;
            }
        }
        provisioned.close();
        throw new StoppedDuringStart();
    }

    /** The platform is up; from now on a stop closes it in order. Throws when a stop arrived first. */
    synchronized void started(RunningPlatform running) {
        checkNotStopped();
        platform = running;
    }

    /** The start returned or failed: the hook need not wait any longer. */
    void settled() {
        settled.countDown();
    }

    synchronized boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Called by the shutdown hook. Returns the running platform for an orderly stop when the start had finished;
     * otherwise stops the embedded servers, waits (bounded) for the start to unwind and returns {@code null}.
     */
    RunningPlatform stop() {
        ProvisionedInfra early;
        synchronized (this) {
            stopRequested = true;
            if (platform != null) {
                return platform;
            }
            early = infra;
        }
        log.info("stop requested while starting: stopping what has started so far ...");
        if (early != null) {
            early.close();
        }
        try {
            if (!settled.await(unwindWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the start did not unwind within {} s; exiting anyway", unwindWait.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** A start abandoned because a stop was requested: not a failure to report. */
    static final class StoppedDuringStart extends LaunchException {
        StoppedDuringStart() {
            super("stopped while starting");
        }
    }
}
