package org.civicstack.gateway.access;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Upstream assertions per (citizen token, service), used until their expiry minus a margin. Concurrent first
 * requests for the same pair share one exchange (single flight); a failed exchange is not cached, so the next
 * request tries again. Bounded.
 * <p>
 * An assertion in use is renewed before it runs out: a hit within {@code renewAhead} of the end of its use
 * returns the cached assertion at once and starts one background exchange for its successor, so a busy
 * (token, service) pair never has a request that waits for an exchange after the first. A failed renewal leaves
 * the current assertion in place until its own end.
 */
public final class AssertionCache {

    /**
     * The gateway passes the token string as first verified ({@link TokenValidator.Verified#bearer()}), the same
     * instance for every request with that token: {@code String.equals} then answers by reference and the string's
     * hash is computed once (the record's own equals and hashCode need nothing more).
     */
    private record Key(String token, String service) {
    }

    /**
     * A cached assertion and when a hit starts its renewal; {@link Long#MAX_VALUE} (never) once a renewal failed
     * or could not extend it.
     */
    private record Cached(Assertion assertion, long renewAtMillis) {
    }

    private final TokenExchange exchange;
    private final long marginMillis;
    private final long renewAheadMillis;
    private final LongSupplier clockMillis;
    private final ExpiringCache<Key, Cached> assertions;
    private final ConcurrentHashMap<Key, CompletableFuture<Assertion>> inFlight = new ConcurrentHashMap<>();

    public AssertionCache(TokenExchange exchange, Duration margin, Duration renewAhead, int maxSize) {
        this(exchange, margin, renewAhead, maxSize, System::currentTimeMillis);
    }

    AssertionCache(TokenExchange exchange, Duration margin, Duration renewAhead, int maxSize, LongSupplier clockMillis) {
        this.exchange = exchange;
        this.marginMillis = margin.toMillis();
        this.renewAheadMillis = renewAhead.toMillis();
        this.clockMillis = clockMillis;
        this.assertions = new ExpiringCache<>(maxSize, clockMillis);
    }

    /** The assertion for {@code token} at {@code service}: completed at once when cached. */
    public CompletableFuture<Assertion> assertionFor(String token, String service, String agencyId) {
        Key key = new Key(token, service);
        Cached cached = assertions.get(key);
        if (cached != null) {
            if (clockMillis.getAsLong() >= cached.renewAtMillis() && !inFlight.containsKey(key)) {
                start(key, agencyId, cached.assertion());
            }
            return CompletableFuture.completedFuture(cached.assertion());
        }
        CompletableFuture<Assertion> running = inFlight.get(key);
        return running != null ? running : start(key, agencyId, null);
    }

    /**
     * One exchange for {@code key}, shared by whoever asks while it runs; the result replaces the cached one.
     * {@code current} is the assertion being renewed, or null on a miss.
     */
    private CompletableFuture<Assertion> start(Key key, String agencyId, Assertion current) {
        CompletableFuture<Assertion> created = new CompletableFuture<>();
        CompletableFuture<Assertion> running = inFlight.putIfAbsent(key, created);
        if (running != null) {
            return running;
        }
        CompletableFuture<Assertion> exchanged;
        try {
            exchanged = exchange.exchange(key.token(), key.service(), agencyId);
        } catch (RuntimeException e) {
            exchanged = CompletableFuture.failedFuture(e);
        }
        exchanged.whenComplete((assertion, error) -> {
            if (error == null) {
                // a successor that does not outlive the current one (the citizen token ends first) is the last
                boolean renewable = current == null || assertion.expiresAtMillis() > current.expiresAtMillis();
                long useUntil = assertion.expiresAtMillis() - marginMillis;
                assertions.put(key, new Cached(assertion, renewable ? useUntil - renewAheadMillis : Long.MAX_VALUE),
                        useUntil);
            } else if (current != null) {
                // keep serving the current one until its own end, without trying again on every hit
                assertions.put(key, new Cached(current, Long.MAX_VALUE), current.expiresAtMillis() - marginMillis);
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
