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
    final TokenExchange recording = (token, service, agency) -> {
        CompletableFuture<Assertion> answer = new CompletableFuture<>();
        calls.add(new Call(token, service, agency, answer));
        return answer;
    };
    final AssertionCache cache = new AssertionCache(recording, Duration.ofSeconds(10), Duration.ZERO, 3, now::get);
    /** Margin 10 s, renewal from 30 s before that: an assertion of 120 s is renewed from its 80th second. */
    final AssertionCache renewing = new AssertionCache(recording, Duration.ofSeconds(10), Duration.ofSeconds(30), 100,
            now::get);

    @Test
    void aBusyPairIsRenewedInTheBackgroundBeforeItRunsOut() {
        renewing.assertionFor("t1", "svc", "agy_1");
        calls.get(0).answer().complete(new Assertion("A1", now.get() + 120_000));

        now.addAndGet(79_000);
        renewing.assertionFor("t1", "svc", "agy_1");
        assertThat(calls).as("not yet in the renewal window").hasSize(1);

        now.addAndGet(1_000);
        CompletableFuture<Assertion> hit = renewing.assertionFor("t1", "svc", "agy_1");
        assertThat(hit).as("the hit does not wait for the renewal").isCompletedWithValueMatching(a -> a.value().equals("A1"));
        assertThat(calls).as("one renewal started").hasSize(2);
        assertThat(renewing.assertionFor("t1", "svc", "agy_1")).isCompletedWithValueMatching(a -> a.value().equals("A1"));
        assertThat(calls).as("hits while it runs share it").hasSize(2);

        calls.get(1).answer().complete(new Assertion("A2", now.get() + 120_000));
        now.addAndGet(35_000);
        assertThat(renewing.assertionFor("t1", "svc", "agy_1"))
                .as("past the first one's end, the successor serves at once")
                .isCompletedWithValueMatching(a -> a.value().equals("A2"));
        assertThat(calls).hasSize(2);
    }

    @Test
    void aFailedRenewalKeepsTheCurrentAssertionAndIsNotRetriedOnEveryHit() {
        renewing.assertionFor("t1", "svc", "agy_1");
        calls.get(0).answer().complete(new Assertion("A1", now.get() + 120_000));
        now.addAndGet(85_000);
        renewing.assertionFor("t1", "svc", "agy_1");
        calls.get(1).answer().completeExceptionally(new TokenExchangeException(
                TokenExchangeException.Kind.UNAVAILABLE, "identity busy", null));

        for (int i = 0; i < 5; i++) {
            assertThat(renewing.assertionFor("t1", "svc", "agy_1")).isCompletedWithValueMatching(a -> a.value().equals("A1"));
        }
        assertThat(calls).hasSize(2);

        now.addAndGet(25_000);
        renewing.assertionFor("t1", "svc", "agy_1");
        assertThat(calls).as("at its end a request exchanges again").hasSize(3);
    }

    @Test
    void aSuccessorThatCannotOutliveTheCurrentOneIsTheLast() {
        long citizenTokenEnd = now.get() + 100_000;
        renewing.assertionFor("t1", "svc", "agy_1");
        calls.get(0).answer().complete(new Assertion("A1", citizenTokenEnd));
        now.addAndGet(65_000);
        renewing.assertionFor("t1", "svc", "agy_1");
        calls.get(1).answer().complete(new Assertion("A2", citizenTokenEnd));

        now.addAndGet(5_000);
        for (int i = 0; i < 5; i++) {
            renewing.assertionFor("t1", "svc", "agy_1");
        }
        assertThat(calls).as("no renewal storm near the citizen token's end").hasSize(2);
    }

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
