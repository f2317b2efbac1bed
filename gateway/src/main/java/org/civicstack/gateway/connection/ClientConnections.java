package org.civicstack.gateway.connection;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What all client connections of one gateway share: the limits, the open-connection count per client address and
 * the metrics ({@code civicstack.gateway.connections.open} and
 * {@code civicstack.gateway.connections.closed{reason=header_timeout|idle_timeout|per_address_limit}}).
 */
public final class ClientConnections {

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final int maxPerAddress;
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter headerTimeouts;
    private final Counter idleTimeouts;
    private final Counter overLimit;

    public ClientConnections(ConnectionProperties properties, MeterRegistry meters) {
        this.headerTimeoutNanos = properties.headerReadTimeout().toNanos();
        this.idleTimeoutNanos = properties.idleTimeout().toNanos();
        this.maxPerAddress = properties.maxPerClientAddress();
        Gauge.builder("civicstack.gateway.connections.open", open, AtomicInteger::get)
                .description("client connections open to the gateway").register(meters);
        this.headerTimeouts = closed(meters, "header_timeout");
        this.idleTimeouts = closed(meters, "idle_timeout");
        this.overLimit = closed(meters, "per_address_limit");
    }

    private static Counter closed(MeterRegistry meters, String reason) {
        return Counter.builder("civicstack.gateway.connections.closed").tag("reason", reason)
                .description("client connections the gateway closed to protect itself").register(meters);
    }

    long headerTimeoutNanos() {
        return headerTimeoutNanos;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Connections open from {@code address} (for tests and diagnostics). */
    public int openFrom(InetAddress address) {
        Integer count = perAddress.get(address);
        return count == null ? 0 : count;
    }

    /**
     * Counts a new connection from {@code address} ({@code null} when the peer has no IP address, which no limit
     * applies to); {@code false} when that address already has its maximum open.
     */
    boolean admit(InetAddress address) {
        open.incrementAndGet();
        if (address == null || maxPerAddress == 0) {
            return true;
        }
        boolean[] admitted = new boolean[1];
        perAddress.compute(address, (a, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? current + 1 : current;
        });
        if (!admitted[0]) {
            overLimit.increment();
        }
        return admitted[0];
    }

    /** A connection counted by {@link #admit} is gone. */
    void release(InetAddress address) {
        if (address != null && maxPerAddress != 0) {
            perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        }
    }

    void closedConnection() {
        open.decrementAndGet();
    }

    void headerTimedOut() {
        headerTimeouts.increment();
    }

    void idleTimedOut() {
        idleTimeouts.increment();
    }
}
