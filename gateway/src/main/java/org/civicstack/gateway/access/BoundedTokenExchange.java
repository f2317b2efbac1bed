package org.civicstack.gateway.access;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

/**
 * A bulkhead in front of the token exchange: at most {@code maxInFlight} exchanges wait on identity at once. One
 * more fails at once as {@link TokenExchangeException.Kind#UNAVAILABLE} (the request gets 503
 * {@code identity_unavailable}) instead of queueing behind the others — a burst of cold (token, service) pairs
 * then costs identity a bounded amount of work, and requests served from the assertion cache never wait behind it.
 * The same Resilience4j semaphore bulkhead (no waiting) as each service's in dispatch.
 */
public final class BoundedTokenExchange implements TokenExchange {

    private final TokenExchange delegate;
    private final Bulkhead bulkhead;

    public BoundedTokenExchange(TokenExchange delegate, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one exchange must be allowed in flight: " + maxInFlight);
        }
        this.delegate = delegate;
        this.bulkhead = Bulkhead.of("identity-token-exchange", BulkheadConfig.custom()
                .maxConcurrentCalls(maxInFlight)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    @Override
    public CompletableFuture<Assertion> exchange(String citizenToken, String serviceCode, String agencyId) {
        if (!bulkhead.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new TokenExchangeException(TokenExchangeException.Kind.UNAVAILABLE,
                    "more than " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                            + " token exchanges in flight", null));
        }
        CompletableFuture<Assertion> exchanged;
        try {
            exchanged = delegate.exchange(citizenToken, serviceCode, agencyId);
        } catch (RuntimeException e) {
            bulkhead.onComplete();
            return CompletableFuture.failedFuture(e);
        }
        return exchanged.whenComplete((assertion, error) -> bulkhead.onComplete());
    }

    /** Exchanges waiting on identity now. */
    int inFlight() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }
}
