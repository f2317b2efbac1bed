package org.civicstack.identity.clients;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Registered clients kept in memory for a short while, because every token request looks its client up (client
 * authentication, then the stored authorization's client) and the JDBC repository answers each lookup with a query
 * and a JSON parse of the client's settings: 7 % of identity's CPU per client-credentials token under load
 * (bench/identity-tokens/README.md).
 *
 * <p>Freshness: any change made through this instance ({@link #cached()} or {@link #uncached()}, which the
 * administration and the registrars use) empties the cache at once and again after its transaction commits, and a
 * lookup that overlapped a change is not kept, so the instance that disabled a client or rotated its secret never
 * answers from the old state. Other identity instances see the change within {@link #DEFAULT_TTL}. Lookups inside a
 * transaction always read the database (they may be about to change the client). Misses are not cached.
 */
final class ClientCache {

    /** How long another instance may keep answering with a client's previous state. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(2);
    static final int MAX_ENTRIES = 10_000;

    private record Entry(RegisteredClient client, long expiresAtNanos) {
    }

    private final RegisteredClientRepository delegate;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> byClientId = new ConcurrentHashMap<>();
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final RegisteredClientRepository cached = new View(true);
    private final RegisteredClientRepository uncached = new View(false);

    ClientCache(RegisteredClientRepository delegate, Duration ttl) {
        this(delegate, ttl, System::nanoTime);
    }

    ClientCache(RegisteredClientRepository delegate, Duration ttl, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Lookups from memory while fresh (outside transactions); saves invalidate. For the authorization server. */
    RegisteredClientRepository cached() {
        return cached;
    }

    /** Lookups always from the database; saves invalidate. For registration and administration. */
    RegisteredClientRepository uncached() {
        return uncached;
    }

    /** Forgets everything now and again when the current transaction (if any) has committed. */
    void invalidate() {
        clear();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    clear();
                }
            });
        }
    }

    private void clear() {
        generation.incrementAndGet();
        byClientId.clear();
        byId.clear();
    }

    private RegisteredClient lookup(Map<String, Entry> entries, String key, Function<String, RegisteredClient> load) {
        if (key == null || TransactionSynchronizationManager.isActualTransactionActive()) {
            return load.apply(key);
        }
        long now = nanoTime.getAsLong();
        Entry entry = entries.get(key);
        if (entry != null && now - entry.expiresAtNanos() < 0) {
            return entry.client();
        }
        long before = generation.get();
        RegisteredClient client = load.apply(key);
        if (client != null && generation.get() == before) {
            if (byClientId.size() + byId.size() >= 2 * MAX_ENTRIES) {
                clear();
            }
            Entry fresh = new Entry(client, now + ttlNanos);
            byClientId.put(client.getClientId(), fresh);
            byId.put(client.getId(), fresh);
        }
        return client;
    }

    private final class View implements RegisteredClientRepository {
        private final boolean useCache;

        View(boolean useCache) {
            this.useCache = useCache;
        }

        @Override
        public void save(RegisteredClient client) {
            invalidate();
            delegate.save(client);
            if (!TransactionSynchronizationManager.isSynchronizationActive()) {
                clear(); // committed already: a lookup that read the old row meanwhile must not stay
            }
        }

        @Override
        public RegisteredClient findById(String id) {
            return useCache ? lookup(byId, id, delegate::findById) : delegate.findById(id);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            return useCache ? lookup(byClientId, clientId, delegate::findByClientId) : delegate.findByClientId(clientId);
        }
    }
}
