package org.civicstack.identity.keys;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Every {@code refresh-interval}: the scheduled rotation when it is due, removal of keys whose tokens have all
 * expired, and a reload of the ring (keys another instance created). A failed run (database away) is logged and
 * retried at the next tick; the ring keeps signing with what it has.
 */
public class KeyMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyMaintenance.class);

    private final KeyRotation rotation;
    private final SigningKeyRing ring;
    private final Duration interval;
    private ScheduledExecutorService scheduler;

    public KeyMaintenance(KeyRotation rotation, SigningKeyRing ring, Duration interval) {
        this.rotation = rotation;
        this.ring = ring;
        this.interval = interval;
    }

    /** One maintenance run, as the scheduler does it. */
    public void runOnce() {
        rotation.rotateIfDue();
        rotation.removeExpired();
        ring.refresh();
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "signing-key-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("Signing key maintenance failed; retrying in {}: {}", interval, e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
