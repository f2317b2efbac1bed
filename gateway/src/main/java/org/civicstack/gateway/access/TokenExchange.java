package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

/**
 * RFC 8693 token exchange at identity: a citizen access token in, an assertion for one agency service out. The
 * future fails with {@link TokenExchangeException}.
 */
@FunctionalInterface
public interface TokenExchange {

    CompletableFuture<Assertion> exchange(String citizenToken, String serviceCode, String agencyId);
}
