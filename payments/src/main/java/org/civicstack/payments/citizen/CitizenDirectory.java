package org.civicstack.payments.citizen;

import reactor.core.publisher.Mono;

/**
 * Turns the pairwise subject an agency knows a citizen by into the citizen's platform reference (the {@code sub} of
 * the citizen's own tokens), so an order an agency makes out is the one the citizen sees in the app. Identity alone
 * holds that mapping; payments never stores it beyond the order.
 */
public interface CitizenDirectory {

    /** Empty when identity gave that agency no such subject. */
    Mono<String> resolve(String agencyId, String pairwiseSubject);
}
