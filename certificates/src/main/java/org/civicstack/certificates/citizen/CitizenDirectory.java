package org.civicstack.certificates.citizen;

import reactor.core.publisher.Mono;

/**
 * Which citizen an agency means: its pairwise subject, or a resident ID number matched against accounts identity has
 * verified (assurance level 2 or more). Identity alone holds both mappings; certificates keeps only the citizen's
 * platform reference (the {@code sub} of the citizen's own tokens) and never sees or stores the number beyond the call.
 */
public interface CitizenDirectory {

    /** Empty when identity gave that agency no such subject. */
    Mono<String> bySubject(String agencyId, String pairwiseSubject);

    /** Empty when no verified account has that number. */
    Mono<String> byResidentIdNumber(String residentIdNumber);
}
