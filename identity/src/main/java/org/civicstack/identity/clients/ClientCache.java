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
 * answers from the old state. Other identity instances see the change within {@link #DEFAULT_TTL}. Lookups of
 * {@link #cached()} inside a transaction read the database (they may be about to change the client); those of
 * {@link #forStoredAuthorizations()} do not: the stored-authorization service runs every call in a transaction and
 * only needs the client to rebuild an authorization (three lookups per refresh otherwise). Misses are not cached.
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
    private enum Mode { CACHED, CACHED_IN_TRANSACTIONS, UNCACHED }

    private final RegisteredClientRepository cached = new View(Mode.CACHED);
    private final RegisteredClientRepository cachedInTransactions = new View(Mode.CACHED_IN_TRANSACTIONS);
    private final RegisteredClientRepository uncached = new View(Mode.UNCACHED);

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

    /**
     * Lookups from memory while fresh, inside transactions too; saves invalidate. For the stored-authorization
     * service, whose row mapper looks up the client of each authorization it reads.
     */
    RegisteredClientRepository forStoredAuthorizations() {
        return cachedInTransactions;
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

    private RegisteredClient lookup(Map<String, Entry> entries, String key, Function<String, RegisteredClient> load,
            boolean inTransactionsToo) {
        if (key == null || (!inTransactionsToo && TransactionSynchronizationManager.isActualTransactionActive())) {
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
        private final Mode mode;

        View(Mode mode) {
            this.mode = mode;
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
            return mode == Mode.UNCACHED ? delegate.findById(id)
                    : lookup(byId, id, delegate::findById, mode == Mode.CACHED_IN_TRANSACTIONS);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            return mode == Mode.UNCACHED ? delegate.findByClientId(clientId)
                    : lookup(byClientId, clientId, delegate::findByClientId, mode == Mode.CACHED_IN_TRANSACTIONS);
        }
    }
}
