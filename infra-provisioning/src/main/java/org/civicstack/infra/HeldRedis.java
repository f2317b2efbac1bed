package org.civicstack.infra;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import redis.embedded.RedisServer;

/**
 * An embedded Redis that stops when its owner says so, not when the JVM starts shutting down.
 *
 * <p>The embedded-redis library registers its own JVM shutdown hook in {@code RedisServer.start()}, which calls
 * {@code stop()}; JVM shutdown hooks run concurrently, so on SIGTERM or Ctrl-C Redis went away ~70 ms after the
 * launcher began stopping the platform — before any service had stopped (their Redis clients then logged a stack
 * trace every ~100 ms, and what the gateway still held for the usage stream could not be written). {@code stop()}
 * is {@code synchronized} on the server, so a daemon thread holds the server's monitor from start until
 * {@link #close()}: the library's hook then waits for it. Once the JVM is shutting down the hold lasts at most
 * {@link #HOLD_AT_MOST} (a hook of our own ends it), so a JVM whose owner never closes still exits.
 */
final class HeldRedis implements AutoCloseable {

    static final Duration HOLD_AT_MOST = Duration.ofSeconds(30);

    private final RedisServer redis;
    private final CountDownLatch release = new CountDownLatch(1);
    /** Ends the hold {@link #HOLD_AT_MOST} into the JVM's shutdown if nobody closed this by then. */
    private final Thread releaseAtShutdown = new Thread(() -> {
        try {
            release.await(HOLD_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release.countDown();
    }, "embedded-redis-release");

    /** Holds {@code redis} (started) until {@link #close()}; returns once the hold is in place. */
    HeldRedis(RedisServer redis) {
        this.redis = redis;
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (redis) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "embedded-redis-hold");
        holder.setDaemon(true);
        holder.start();
        Runtime.getRuntime().addShutdownHook(releaseAtShutdown);
        try {
            held.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding the embedded Redis", e);
        }
    }

    /** Lets go of the server and stops it (the library's hook, if the JVM is shutting down, then finds it stopped). */
    @Override
    public void close() throws IOException {
        release.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(releaseAtShutdown);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it returns at once, the hold is released
        }
        redis.stop();
    }
}
