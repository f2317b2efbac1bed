package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bulkhead in front of the token exchange: at most {@code maxInFlight} exchanges wait on identity at once. One
 * more fails at once as {@link TokenExchangeException.Kind#UNAVAILABLE} (the request gets 503
 * {@code identity_unavailable}) instead of queueing behind the others — a burst of cold (token, service) pairs
 * then costs identity a bounded amount of work, and requests served from the assertion cache never wait behind it.
 */
public final class BoundedTokenExchange implements TokenExchange {

    private final TokenExchange delegate;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    public BoundedTokenExchange(TokenExchange delegate, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one exchange must be allowed in flight: " + maxInFlight);
        }
        this.delegate = delegate;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public CompletableFuture<Assertion> exchange(String citizenToken, String serviceCode, String agencyId) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new TokenExchangeException(TokenExchangeException.Kind.UNAVAILABLE,
                    "more than " + maxInFlight + " token exchanges in flight", null));
        }
        CompletableFuture<Assertion> exchanged;
        try {
            exchanged = delegate.exchange(citizenToken, serviceCode, agencyId);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
        return exchanged.whenComplete((assertion, error) -> inFlight.decrementAndGet());
    }

    /** Exchanges waiting on identity now. */
    int inFlight() {
        return inFlight.get();
    }
}
