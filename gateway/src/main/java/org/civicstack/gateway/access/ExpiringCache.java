package org.civicstack.gateway.access;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A bounded in-memory cache whose entries each expire at their own time. A hit is one hash lookup and one clock
 * read. When full, expired entries are swept out first, then arbitrary ones until a tenth of the room is free (an
 * O(n) step, taken at most once per that many inserts).
 */
final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries;
    private final int maxSize;
    private final LongSupplier clockMillis;

    ExpiringCache(int maxSize, LongSupplier clockMillis) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("cache size must be at least 1: " + maxSize);
        }
        this.entries = new ConcurrentHashMap<>(Math.min(maxSize, 1024));
        this.maxSize = maxSize;
        this.clockMillis = clockMillis;
    }

    V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clockMillis.getAsLong() >= entry.expiresAtMillis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    void put(K key, V value, long expiresAtMillis) {
        if (expiresAtMillis <= clockMillis.getAsLong()) {
            return;
        }
        if (entries.size() >= maxSize) {
            makeRoom();
        }
        entries.put(key, new Entry<>(value, expiresAtMillis));
    }

    int size() {
        return entries.size();
    }

    private synchronized void makeRoom() {
        if (entries.size() < maxSize) {
            return;
        }
        long now = clockMillis.getAsLong();
        entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        int target = maxSize - Math.max(1, maxSize / 10);
        for (Iterator<K> it = entries.keySet().iterator(); it.hasNext() && entries.size() > target;) {
            it.next();
            it.remove();
        }
    }
}
