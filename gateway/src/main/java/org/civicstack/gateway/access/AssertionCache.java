package org.civicstack.gateway.access;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Upstream assertions per (citizen token, service), used until their expiry minus a margin. Concurrent first
 * requests for the same pair share one exchange (single flight); a failed exchange is not cached, so the next
 * request tries again. Bounded.
 */
public final class AssertionCache {

    private record Key(String token, String service) {
    }

    private final TokenExchange exchange;
    private final long marginMillis;
    private final LongSupplier clockMillis;
    private final ExpiringCache<Key, Assertion> assertions;
    private final ConcurrentHashMap<Key, CompletableFuture<Assertion>> inFlight = new ConcurrentHashMap<>();

    public AssertionCache(TokenExchange exchange, Duration margin, int maxSize) {
        this(exchange, margin, maxSize, System::currentTimeMillis);
    }

    AssertionCache(TokenExchange exchange, Duration margin, int maxSize, LongSupplier clockMillis) {
        this.exchange = exchange;
        this.marginMillis = margin.toMillis();
        this.clockMillis = clockMillis;
        this.assertions = new ExpiringCache<>(maxSize, clockMillis);
    }

    /** The assertion for {@code token} at {@code service}: completed at once when cached. */
    public CompletableFuture<Assertion> assertionFor(String token, String service, String agencyId) {
        Key key = new Key(token, service);
        Assertion cached = assertions.get(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<Assertion> created = new CompletableFuture<>();
        CompletableFuture<Assertion> running = inFlight.putIfAbsent(key, created);
        if (running != null) {
            return running;
        }
        CompletableFuture<Assertion> exchanged;
        try {
            exchanged = exchange.exchange(token, service, agencyId);
        } catch (RuntimeException e) {
            exchanged = CompletableFuture.failedFuture(e);
        }
        exchanged.whenComplete((assertion, error) -> {
            if (error == null) {
                assertions.put(key, assertion, assertion.expiresAtMillis() - marginMillis);
            }
            inFlight.remove(key, created);
            if (error != null) {
                created.completeExceptionally(error);
            } else {
                created.complete(assertion);
            }
        });
        return created;
    }

    int size() {
        return assertions.size();
    }
}
