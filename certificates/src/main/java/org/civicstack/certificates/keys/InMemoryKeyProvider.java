package org.civicstack.certificates.keys;

import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.KeyGenerator;

/** A {@link KeyProvider} generating AES-256 keys in memory (tests, demo); ids are {@code dk-1}, {@code dk-2}, … Thread-safe. */
public final class InMemoryKeyProvider implements KeyProvider {

    private final Map<String, DataKey> keys = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile DataKey current;

    public InMemoryKeyProvider() {
        rotate();
    }

    @Override
    public DataKey current() {
        return current;
    }

    @Override
    public Optional<DataKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /** Makes a new key current and returns it; earlier keys keep decrypting. */
    public synchronized DataKey rotate() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            DataKey next = new DataKey("dk-" + generation.incrementAndGet(), generator.generateKey());
            keys.put(next.id(), next);
            current = next;
            return next;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no AES in this JDK", e);
        }
    }

    /** Forgets a key: what it encrypted can no longer be decrypted (crypto-shredding). */
    public void destroy(String keyId) {
        if (current.id().equals(keyId)) {
            throw new IllegalArgumentException("the current key cannot be destroyed: " + keyId);
        }
        keys.remove(keyId);
    }
}
