package org.civicstack.identity.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The signing keys of this instance, in memory: which key signs now and which are published, decided by the clock
 * against the schedule stored with the keys. Signing and the JWKS never touch the database; {@link #refresh()}
 * (every {@code refresh-interval}, and right after a rotation here) re-reads the table and decrypts keys it has
 * not seen before. As a {@link JWKSource} it holds the private halves for the token encoder; the JWKS endpoint
 * serves only {@link #publicJwkSet()}.
 *
 * <p>Rules (generations are activated in order): the signing key is the newest generation whose
 * {@code activates_at} has come, a key is published from the moment it is stored until {@code max-token-lifetime}
 * after its successor started signing.
 */
public class SigningKeyRing implements JWKSource<SecurityContext> {

    private final SigningKeyRepository repository;
    private final SigningKeys keys;
    private final Duration maxTokenLifetime;
    private final Clock clock;
    private final AtomicReference<List<RingKey>> ring = new AtomicReference<>(List.of());
    private final Map<String, RSAKey> opened = new HashMap<>();

    public SigningKeyRing(SigningKeyRepository repository, SigningKeys keys, Duration maxTokenLifetime, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.maxTokenLifetime = maxTokenLifetime;
        this.clock = clock;
    }

    /** Re-reads the stored keys; keys already decrypted are not decrypted again. */
    public synchronized void refresh() {
        List<RingKey> loaded = new ArrayList<>();
        Map<String, RSAKey> stillStored = new HashMap<>();
        for (StoredSigningKey stored : repository.findAll()) {
            RSAKey key = opened.containsKey(stored.kid()) ? opened.get(stored.kid()) : keys.open(stored);
            stillStored.put(stored.kid(), key);
            loaded.add(new RingKey(stored.generation(), stored.activatesAt(), key));
        }
        if (loaded.isEmpty()) {
            throw new IllegalStateException("there is no signing key in the database");
        }
        loaded.sort(Comparator.comparingLong(RingKey::generation));
        opened.clear();
        opened.putAll(stillStored);
        ring.set(List.copyOf(loaded));
    }

    /** The key to sign with now. */
    public ActiveSigningKey current() {
        return new ActiveSigningKey(signing(clock.instant()).key());
    }

    /** The public halves of every key resource servers must accept now: what {@code /oauth2/jwks} serves. */
    public JWKSet publicJwkSet() {
        return new JWKSet(published(clock.instant())).toPublicJWKSet();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(new JWKSet(published(clock.instant())));
    }

    private RingKey signing(Instant now) {
        List<RingKey> keysNow = ring.get();
        if (keysNow.isEmpty()) {
            throw new IllegalStateException("the signing key ring has not been loaded");
        }
        RingKey signing = keysNow.get(0);
        for (RingKey key : keysNow) {
            if (!key.activatesAt().isAfter(now)) {
                signing = key;
            }
        }
        return signing;
    }

    private List<JWK> published(Instant now) {
        List<RingKey> keysNow = ring.get();
        RingKey signing = signing(now);
        List<JWK> published = new ArrayList<>();
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
                published.add(key.key());
            }
        }
        return published;
    }

    private record RingKey(long generation, Instant activatesAt, RSAKey key) {
    }
}
