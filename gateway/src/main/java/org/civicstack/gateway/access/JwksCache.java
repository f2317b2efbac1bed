package org.civicstack.gateway.access;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identity's verification keys in memory, by {@code kid}. Fetched at start and periodically ({@link #refresh()},
 * driven by the caller's scheduler), and on an unknown {@code kid} — but at most once per
 * {@code unknownKidInterval}, so a stream of tokens with made-up {@code kid}s cannot make the gateway hammer
 * identity. At most one fetch is in flight; everyone asking meanwhile waits on that one. Nothing here blocks.
 */
public final class JwksCache implements KeySource {

    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

    private final JwksFetcher fetcher;
    private final long unknownKidIntervalNanos;
    private final LongSupplier nanoClock;
    private volatile Map<String, JWK> keys = Map.of();
    private final AtomicReference<CompletableFuture<Map<String, JWK>>> inFlight = new AtomicReference<>();
    private volatile long lastUnknownKidFetchNanos;
    private volatile boolean unknownKidFetchedOnce;

    public JwksCache(JwksFetcher fetcher, Duration unknownKidInterval) {
        this(fetcher, unknownKidInterval, System::nanoTime);
    }

    JwksCache(JwksFetcher fetcher, Duration unknownKidInterval, LongSupplier nanoClock) {
        this.fetcher = fetcher;
        this.unknownKidIntervalNanos = unknownKidInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public CompletableFuture<JWK> key(String kid) {
        JWK known = keys.get(kid);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Map<String, JWK>> running = inFlight.get();
        if (running == null) {
            long now = nanoClock.getAsLong();
            if (unknownKidFetchedOnce && now - lastUnknownKidFetchNanos < unknownKidIntervalNanos) {
                return CompletableFuture.completedFuture(null);
            }
            unknownKidFetchedOnce = true;
            lastUnknownKidFetchNanos = now;
            running = refresh();
        }
        return running.handle((map, error) -> map == null ? null : map.get(kid));
    }

    /** Fetches the JWKS now unless a fetch is already running; the keys are replaced only by a successful fetch. */
    public CompletableFuture<Map<String, JWK>> refresh() {
        CompletableFuture<Map<String, JWK>> mine = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, mine)) {
            CompletableFuture<Map<String, JWK>> running = inFlight.get();
            return running != null ? running : CompletableFuture.completedFuture(keys);
        }
        CompletableFuture<JWKSet> fetched;
        try {
            fetched = fetcher.fetch();
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        fetched.whenComplete((set, error) -> {
            if (error != null || set == null) {
                log.warn("JWKS fetch failed; keeping the {} known key(s): {}", keys.size(),
                        error == null ? "empty answer" : error.toString());
            } else {
                Map<String, JWK> byKid = new HashMap<>();
                for (JWK jwk : set.getKeys()) {
                    if (jwk.getKeyID() != null && !jwk.isPrivate()) {
                        byKid.put(jwk.getKeyID(), jwk);
                    }
                }
                keys = Map.copyOf(byKid);
                log.debug("JWKS refreshed: {} key(s)", byKid.size());
            }
            inFlight.set(null);
            mine.complete(keys);
        });
        return mine;
    }

    /** How many keys are known now. */
    public int size() {
        return keys.size();
    }
}
