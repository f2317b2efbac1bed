package org.civicstack.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;

class JwksCacheTest {

    static final RSAKey K1 = CitizenTokens.newKey("k1");
    static final RSAKey K2 = CitizenTokens.newKey("k2");

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** Each fetch the cache starts, answered by the test. */
    final List<CompletableFuture<JWKSet>> fetches = new ArrayList<>();
    final JwksCache cache = new JwksCache(() -> {
        CompletableFuture<JWKSet> fetch = new CompletableFuture<>();
        fetches.add(fetch);
        return fetch;
    }, Duration.ofSeconds(30), nanos::get);

    @Test
    void aKnownKidIsAnsweredAtOnce() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));

        CompletableFuture<JWK> key = cache.key("k1");

        assertThat(key).isCompleted();
        assertThat(key.join().getKeyID()).isEqualTo("k1");
        assertThat(fetches).hasSize(1);
    }

    @Test
    void anUnknownKidWaitsForOneRefreshSharedByEveryoneAsking() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));

        CompletableFuture<JWK> first = cache.key("k2");
        CompletableFuture<JWK> second = cache.key("k2");

        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(fetches).hasSize(2);
        fetches.get(1).complete(new JWKSet(List.of(K1.toPublicJWK(), K2.toPublicJWK())));
        assertThat(first.join().getKeyID()).isEqualTo("k2");
        assertThat(second.join().getKeyID()).isEqualTo("k2");
    }

    @Test
    void unknownKidRefreshesAreRateLimited() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));
        cache.key("made-up-1");
        fetches.get(1).complete(new JWKSet(K1.toPublicJWK()));

        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        CompletableFuture<JWK> tooSoon = cache.key("made-up-2");
        assertThat(tooSoon).isCompletedWithValue(null);
        assertThat(fetches).hasSize(2);

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        CompletableFuture<JWK> later = cache.key("k2");
        assertThat(fetches).hasSize(3);
        fetches.get(2).complete(new JWKSet(List.of(K1.toPublicJWK(), K2.toPublicJWK())));
        assertThat(later.join().getKeyID()).isEqualTo("k2");
    }

    @Test
    void stillUnknownAfterTheRefreshAnswersNull() {
        CompletableFuture<JWK> key = cache.key("k9");
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));
        assertThat(key.join()).isNull();
    }

    @Test
    void aFailedFetchKeepsTheKnownKeys() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));

        CompletableFuture<JWK> unknown = cache.key("k2");
        fetches.get(1).completeExceptionally(new IllegalStateException("identity down"));

        assertThat(unknown.join()).isNull();
        assertThat(cache.key("k1").join().getKeyID()).isEqualTo("k1");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aRotationDropsKeysNoLongerPublished() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1.toPublicJWK()));
        cache.refresh();
        fetches.get(1).complete(new JWKSet(K2.toPublicJWK()));

        assertThat(cache.key("k2").join().getKeyID()).isEqualTo("k2");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void privateKeysInTheSetAreIgnored() {
        cache.refresh();
        fetches.get(0).complete(new JWKSet(K1));
        assertThat(cache.size()).isZero();
    }
}
