package org.civicstack.gateway.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.civicstack.gateway.usage.UsageRecorder.Usage;

/**
 * The bounded hand-over between the threads that finish requests and the one usage writer. Any number of threads may
 * {@link #offer} at once; a full buffer refuses instead of waiting. Lock-free on purpose: {@code ArrayBlockingQueue}
 * takes a lock on every offer, and a contended lock can park a Netty event-loop thread.
 * <p>
 * The bound is kept by a counter reserved before the element is linked in, so under contention at the very edge of
 * the capacity an offer may be refused while another, itself about to be refused, briefly holds the last slot.
 */
final class UsageBuffer {

    private final ConcurrentLinkedQueue<Usage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    UsageBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code usage} unless the buffer is full; never blocks. */
    boolean offer(Usage usage) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        queue.offer(usage);
        return true;
    }

    /** Removes and returns up to {@code max} records, oldest first; empty when there is nothing to take. */
    List<Usage> take(int max) {
        List<Usage> taken = new ArrayList<>(Math.max(0, Math.min(max, size.get())));
        Usage next;
        while (taken.size() < max && (next = queue.poll()) != null) {
            size.decrementAndGet();
            taken.add(next);
        }
        return taken;
    }

    /** Removes every record and says how many there were. */
    int discard() {
        int discarded = 0;
        while (queue.poll() != null) {
            size.decrementAndGet();
            discarded++;
        }
        return discarded;
    }

    /** Records accepted and not yet taken (may briefly count one whose offer is still under way). */
    int size() {
        return size.get();
    }

    int capacity() {
        return capacity;
    }
}
