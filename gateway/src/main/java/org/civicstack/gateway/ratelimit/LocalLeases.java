package org.civicstack.gateway.ratelimit;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * This instance's leases, one {@link LocalLease} per bucket, looked up without building the bucket's Redis key: by
 * service code, then by caller id within the service.
 *
 * <p>Memory is bounded: at most about {@code maxBuckets} leases (a service's own lease and each caller lease count
 * one). When the table is full, a bucket without a lease gets none: it is asked of Redis one token at a time and
 * its refusals are not remembered. A full table triggers a sweep, at most once per lease TTL, on {@code sweeper},
 * which drops the leases that hold nothing worth keeping (no unexpired token, no refusal in force) and recounts.
 * The count is approximate under concurrency (a lease added during a sweep may be missed until the next one); it
 * bounds memory, it does not decide anything about limits.
 */
final class LocalLeases {

    /** The leases of one service: the bucket of all its callers, and the callers' own buckets. */
    static final class ServiceLeases {

        private final String serviceCode;
        private final String serviceKey;
        private final LocalLease all;
        private final ConcurrentHashMap<String, LocalLease> callers = new ConcurrentHashMap<>();

        private ServiceLeases(String serviceCode, long now) {
            this.serviceCode = serviceCode;
            this.serviceKey = RedisTokenBucketRateLimiter.serviceKey(serviceCode);
            this.all = new LocalLease(now);
        }

        String serviceCode() {
            return serviceCode;
        }

        /** The Redis key of the service's bucket, built once. */
        String serviceKey() {
            return serviceKey;
        }

        LocalLease all() {
            return all;
        }

        @Nullable LocalLease caller(String callerId) {
            return callers.get(callerId);
        }
    }

    private final ConcurrentHashMap<String, ServiceLeases> services = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong nextSweep;
    private final int maxBuckets;
    private final long sweepIntervalNanos;
    private final long leaseWindowNanos;
    private final LongSupplier nanoTicker;
    private final Executor sweeper;

    LocalLeases(int maxBuckets, Duration leaseTtl, Duration leaseWindow, LongSupplier nanoTicker, Executor sweeper) {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("the lease table needs room for at least one bucket: " + maxBuckets);
        }
        this.maxBuckets = maxBuckets;
        this.sweepIntervalNanos = leaseTtl.toNanos();
        this.leaseWindowNanos = leaseWindow.toNanos();
        this.nanoTicker = nanoTicker;
        this.sweeper = sweeper;
        this.nextSweep = new AtomicLong(nanoTicker.getAsLong());
    }

    /**
     * How many tokens to ask Redis for at once: what the limit refills in one lease window, at least 1 and at most
     * half the burst (so one instance cannot hold a whole burst while others get nothing). Small limits get 1: every
     * request asks Redis, and the limit is exact.
     */
    static int leaseSize(RateLimit limit, Duration leaseWindow) {
        return leaseSize(limit, leaseWindow.toNanos());
    }

    int leaseSize(RateLimit limit) {
        return leaseSize(limit, leaseWindowNanos);
    }

    private static int leaseSize(RateLimit limit, long windowNanos) {
        double refilled = Math.ceil(limit.tokensPerSecond() * windowNanos / 1_000_000_000.0);
        int most = Math.max(1, limit.burst() / 2);
        return (int) Math.max(1, Math.min(most, refilled));
    }

    /** The service's leases if it has any; {@code null} when none were made yet. */
    @Nullable ServiceLeases find(String serviceCode) {
        return services.get(serviceCode);
    }

    /**
     * The service's leases, made if there is room; {@code null} when the table is full. The caller has validated the
     * service code.
     */
    @Nullable ServiceLeases open(String serviceCode) {
        ServiceLeases existing = services.get(serviceCode);
        if (existing != null) {
            return existing;
        }
        if (!reserve()) {
            return null;
        }
        ServiceLeases made = new ServiceLeases(serviceCode, nanoTicker.getAsLong());
        existing = services.putIfAbsent(serviceCode, made);
        if (existing != null) {
            size.decrementAndGet();
            return existing;
        }
        return made;
    }

    /** The caller's lease within {@code service}, made if there is room; {@code null} when the table is full. */
    @Nullable LocalLease openCaller(ServiceLeases service, String callerId) {
        LocalLease existing = service.callers.get(callerId);
        if (existing != null) {
            return existing;
        }
        if (!reserve()) {
            return null;
        }
        LocalLease made = new LocalLease(nanoTicker.getAsLong());
        existing = service.callers.putIfAbsent(callerId, made);
        if (existing != null) {
            size.decrementAndGet();
            return existing;
        }
        return made;
    }

    /** Whether a new lease could be kept now (an approximate answer, good enough for choosing a lease size). */
    boolean hasRoom() {
        return size.get() < maxBuckets;
    }

    /** Leases held (approximate). */
    int size() {
        return size.get();
    }

    /** Drops the leases that hold nothing worth keeping, and recounts. */
    void sweep() {
        long now = nanoTicker.getAsLong();
        int live = 0;
        for (Iterator<ServiceLeases> it = services.values().iterator(); it.hasNext();) {
            ServiceLeases service = it.next();
            service.callers.values().removeIf(lease -> lease.idle(now));
            if (service.callers.isEmpty() && service.all.idle(now)) {
                // a caller lease added concurrently to a service removed here is lost with it: it only held tokens
                // or a refusal, and losing either errs towards asking Redis or refusing
                it.remove();
            } else {
                live += 1 + service.callers.size();
            }
        }
        size.set(live);
    }

    private boolean reserve() {
        if (tryReserve()) {
            return true;
        }
        sweepSoon();
        return tryReserve();
    }

    private boolean tryReserve() {
        int current;
        do {
            current = size.get();
            if (current >= maxBuckets) {
                return false;
            }
        } while (!size.compareAndSet(current, current + 1));
        return true;
    }

    private void sweepSoon() {
        long now = nanoTicker.getAsLong();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + sweepIntervalNanos)) {
            sweeper.execute(this::sweep);
        }
    }
}
