package org.civicstack.identity.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.civicstack.identity.keys.SigningKeys.SigningKey;

/**
 * The signing keys of this instance, in memory: per {@link KeySeries}, which key signs now and which are published,
 * decided by the clock against the schedule stored with the keys. Signing and the JWKS never touch the database;
 * {@link #refresh()} (every {@code refresh-interval}, and right after a rotation here) re-reads the table and
 * decrypts keys it has not seen before. As a {@link JWKSource} it yields the published public keys (identity's own
 * resource server verifies with them); private halves leave it only as the {@link #current} key of a series.
 *
 * <p>Rules, within each series (generations are activated in order): the signing key is the newest generation
 * whose {@code activates_at} has come; a key is published from the moment it is stored until
 * {@code max-token-lifetime} after its successor started signing.
 */
public class SigningKeyRing implements JWKSource<SecurityContext> {

    private final SigningKeyRepository repository;
    private final SigningKeys keys;
    private final Duration maxTokenLifetime;
    private final Clock clock;
    private final AtomicReference<Map<KeySeries, List<RingKey>>> ring = new AtomicReference<>(Map.of());
    private final Map<String, SigningKey> opened = new HashMap<>();

    public SigningKeyRing(SigningKeyRepository repository, SigningKeys keys, Duration maxTokenLifetime, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.maxTokenLifetime = maxTokenLifetime;
        this.clock = clock;
    }

    /**
     * Re-reads the stored keys; keys already decrypted are not decrypted again. A series without keys (only while
     * {@link KeyRotation#ensureKeys()} creates the first ones) cannot sign: {@link #current} fails for it.
     */
    public synchronized void refresh() {
        Map<KeySeries, List<RingKey>> loaded = new EnumMap<>(KeySeries.class);
        Map<String, SigningKey> stillStored = new HashMap<>();
        for (StoredSigningKey stored : repository.findAll()) {
            SigningKey key = opened.containsKey(stored.kid()) ? opened.get(stored.kid()) : keys.open(stored);
            stillStored.put(stored.kid(), key);
            loaded.computeIfAbsent(key.series(), series -> new ArrayList<>())
                    .add(new RingKey(stored.generation(), stored.activatesAt(), key));
        }
        if (loaded.isEmpty()) {
            throw new IllegalStateException("there is no signing key in the database");
        }
        Map<KeySeries, List<RingKey>> sorted = new EnumMap<>(KeySeries.class);
        loaded.forEach((series, list) -> {
            list.sort(Comparator.comparingLong(RingKey::generation));
            sorted.put(series, List.copyOf(list));
        });
        opened.clear();
        opened.putAll(stillStored);
        ring.set(Map.copyOf(sorted));
    }

    /** The key of {@code series} to sign with now. */
    public ActiveSigningKey current(KeySeries series) {
        SigningKey key = signing(series(series), clock.instant()).key();
        return new ActiveSigningKey(key.kid(), series, key.privateKey());
    }

    /** The public halves of every key resource servers must accept now: what {@code /oauth2/jwks} serves. */
    public JWKSet publicJwkSet() {
        return new JWKSet(published(clock.instant()));
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(publicJwkSet());
    }

    private List<RingKey> series(KeySeries series) {
        List<RingKey> keysNow = ring.get().get(series);
        if (keysNow == null || keysNow.isEmpty()) {
            throw new IllegalStateException("the signing key ring holds no " + series.algorithm() + " key ("
                    + series.wireName() + ")");
        }
        return keysNow;
    }

    private static RingKey signing(List<RingKey> keysNow, Instant now) {
        RingKey signing = keysNow.get(0);
        for (RingKey key : keysNow) {
            if (!key.activatesAt().isAfter(now)) {
                signing = key;
            }
        }
        return signing;
    }

    private List<JWK> published(Instant now) {
        List<JWK> published = new ArrayList<>();
        for (KeySeries series : KeySeries.values()) {
            List<RingKey> keysNow = ring.get().get(series);
            if (keysNow == null || keysNow.isEmpty()) {
                continue;
            }
            RingKey signing = signing(keysNow, now);
            for (int i = 0; i < keysNow.size(); i++) {
                RingKey key = keysNow.get(i);
                boolean expired = false;
                for (int j = i + 1; j < keysNow.size(); j++) {
                    if (!keysNow.get(j).activatesAt().plus(maxTokenLifetime).isAfter(now)) {
                        expired = true;
                        break;
                    }
                }
                if (!expired || key == signing) {
                    published.add(key.key().publicJwk());
                }
            }
        }
        return published;
    }

    private record RingKey(long generation, Instant activatesAt, SigningKey key) {
    }
}
