package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

/**
 * The gateway's access enforcement as the dispatch path sees it: two steps, each answering with an already
 * completed future on the common path (cached token, cached assertion), so the event loop rarely hops.
 */
public interface AccessControl {

    /** Checks the request's {@code Authorization} header (may be {@code null}) against the service's requirement. */
    CompletableFuture<AccessDecision> authorize(AccessRequirement requirement, String authorization);

    /** The upstream assertion for an authorized citizen at a service; fails with {@link TokenExchangeException}. */
    CompletableFuture<Assertion> assertion(AccessDecision.Citizen citizen, String serviceCode, String agencyId);
}
