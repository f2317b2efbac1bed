package org.civicstack.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AssertionCacheTest {

    record Call(String token, String service, String agency, CompletableFuture<Assertion> answer) {
    }

    final AtomicLong now = new AtomicLong(1_767_225_600_000L);
    final List<Call> calls = new ArrayList<>();
    final AssertionCache cache = new AssertionCache((token, service, agency) -> {
        CompletableFuture<Assertion> answer = new CompletableFuture<>();
        calls.add(new Call(token, service, agency, answer));
        return answer;
    }, Duration.ofSeconds(10), 3, now::get);

    @Test
    void concurrentFirstRequestsShareOneExchange() {
        CompletableFuture<Assertion> a = cache.assertionFor("t1", "svc", "agy_1");
        CompletableFuture<Assertion> b = cache.assertionFor("t1", "svc", "agy_1");

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).agency()).isEqualTo("agy_1");
        calls.get(0).answer().complete(new Assertion("A1", now.get() + 120_000));
        assertThat(a.join().value()).isEqualTo("A1");
        assertThat(b.join().value()).isEqualTo("A1");
    }

    @Test
    void anAssertionIsUsedUntilItsExpiryMinusTheMargin() {
        cache.assertionFor("t1", "svc", "agy_1");
        calls.get(0).answer().complete(new Assertion("A1", now.get() + 120_000));

        now.addAndGet(109_000);
        assertThat(cache.assertionFor("t1", "svc", "agy_1")).isCompletedWithValueMatching(x -> x.value().equals("A1"));
        assertThat(calls).hasSize(1);

        now.addAndGet(1_000);
        cache.assertionFor("t1", "svc", "agy_1");
        assertThat(calls).hasSize(2);
    }

    @Test
    void eachServiceAndEachTokenHasItsOwnAssertion() {
        cache.assertionFor("t1", "svc-a", "agy_1");
        cache.assertionFor("t1", "svc-b", "agy_1");
        cache.assertionFor("t2", "svc-a", "agy_1");
        assertThat(calls).extracting(Call::service).containsExactly("svc-a", "svc-b", "svc-a");
    }

    @Test
    void aFailureIsSharedButNotCached() {
        CompletableFuture<Assertion> a = cache.assertionFor("t1", "svc", "agy_1");
        CompletableFuture<Assertion> b = cache.assertionFor("t1", "svc", "agy_1");
        calls.get(0).answer().completeExceptionally(new TokenExchangeException(
                TokenExchangeException.Kind.UNAVAILABLE, "identity down", null));

        assertThatThrownBy(a::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(TokenExchangeException.class);
        assertThatThrownBy(b::join).hasCauseInstanceOf(TokenExchangeException.class);
        cache.assertionFor("t1", "svc", "agy_1");
        assertThat(calls).hasSize(2);
    }

    @Test
    void theCacheIsBounded() {
        for (int i = 0; i < 10; i++) {
            cache.assertionFor("t" + i, "svc", "agy_1");
            calls.get(i).answer().complete(new Assertion("A" + i, now.get() + 120_000));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
}
