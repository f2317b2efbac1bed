package org.civicstack.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

class BoundedTokenExchangeTest {

    final List<CompletableFuture<Assertion>> pending = new ArrayList<>();
    final BoundedTokenExchange bounded = new BoundedTokenExchange((token, service, agency) -> {
        CompletableFuture<Assertion> answer = new CompletableFuture<>();
        pending.add(answer);
        return answer;
    }, 2);

    @Test
    void oneExchangeOverTheBoundFailsAtOnceWithoutReachingIdentity() {
        bounded.exchange("t1", "svc-a", "agy_1");
        bounded.exchange("t1", "svc-b", "agy_1");

        CompletableFuture<Assertion> third = bounded.exchange("t1", "svc-c", "agy_1");

        assertThat(third).isCompletedExceptionally();
        assertThatThrownBy(third::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(TokenExchangeException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenExchangeException.Kind.UNAVAILABLE));
        assertThat(pending).as("identity saw only two").hasSize(2);
        assertThat(bounded.inFlight()).isEqualTo(2);
    }

    @Test
    void aFinishedExchangeSuccessOrFailureFreesItsPlace() {
        bounded.exchange("t1", "svc-a", "agy_1");
        bounded.exchange("t1", "svc-b", "agy_1");
        pending.get(0).complete(new Assertion("A", 1L));
        pending.get(1).completeExceptionally(new TokenExchangeException(
                TokenExchangeException.Kind.SUBJECT_REJECTED, "revoked", null));

        assertThat(bounded.inFlight()).isZero();
        assertThat(bounded.exchange("t1", "svc-c", "agy_1")).isNotDone();
        assertThat(pending).hasSize(3);
    }

    @Test
    void anExchangeThatThrowsFreesItsPlace() {
        BoundedTokenExchange throwing = new BoundedTokenExchange((token, service, agency) -> {
            throw new IllegalStateException("broken");
        }, 1);
        assertThat(throwing.exchange("t1", "svc", "agy_1")).isCompletedExceptionally();
        assertThat(throwing.inFlight()).isZero();
    }

    @Test
    void theBoundMustAllowOne() {
        assertThatThrownBy(() -> new BoundedTokenExchange((t, s, a) -> null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
