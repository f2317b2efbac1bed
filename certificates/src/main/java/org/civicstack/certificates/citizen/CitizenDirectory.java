package org.civicstack.certificates.citizen;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Which citizen an agency means: its pairwise subject, or a resident ID number matched against accounts identity has
 * verified (assurance level 2 or more). Identity alone holds both mappings; certificates keeps only the citizen's
 * platform reference (the {@code sub} of the citizen's own tokens) and never sees or stores the number beyond the call.
 */
public interface CitizenDirectory {

    /** Most names one {@link #resolveAll} call takes (identity's batch takes up to 1,000). */
    int MAX_BATCH = 1000;

    /** Empty when identity gave that agency no such subject. */
    Mono<String> bySubject(String agencyId, String pairwiseSubject);

    /** Empty when no verified account has that number. */
    Mono<String> byResidentIdNumber(String residentIdNumber);

    /**
     * Many names at once (one call to identity, at most {@link #MAX_BATCH}): one {@link Resolution} per name, in
     * order.
     */
    Mono<List<Resolution>> resolveAll(String agencyId, List<CitizenName> names);

    /** How an agency names a citizen: exactly one of its pairwise subject and a resident ID number. */
    record CitizenName(String subject, String residentIdNumber) {
    }

    /**
     * Identity's answer for one name: the citizen's reference, or, when there is none, which field of the name failed
     * ({@code subject} or {@code resident_id_number}), a code ({@code unknown_subject}, {@code unknown_citizen},
     * {@code invalid_format}) and a message for the caller.
     */
    record Resolution(String citizenRef, String field, String code, String message) {

        public static Resolution found(String citizenRef) {
            return new Resolution(citizenRef, null, null, null);
        }

        public boolean resolved() {
            return citizenRef != null;
        }
    }
}
