package org.civicstack.identity.pairwise;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.clients.AgencyId;

/**
 * Pairwise subject identifiers (OIDC Core §8): the {@code sub} an agency sees for a citizen. Stable per
 * (agency, citizen), different between agencies, and never the internal {@link CitizenId}; only identity holds the
 * mapping, and platform services that get a citizen reference from an agency resolve it here.
 */
public interface PairwiseSubjects {

    /** The agency's subject for the citizen, created on first use; the same value on every later call. */
    String subjectFor(CitizenId citizen, AgencyId agency);

    /** The citizen behind an agency's subject; empty when the subject is not one that agency was given. */
    Optional<CitizenId> resolve(AgencyId agency, String subject);

    /**
     * {@link #resolve} for many subjects at once, in one lookup: the citizen behind each subject that agency was
     * given. Subjects not found (another agency's, unknown, or not of the subject format) are absent from the map.
     */
    Map<AgencySubject, CitizenId> resolveAll(Collection<AgencySubject> subjects);

    /** A subject as one agency was given it. */
    record AgencySubject(AgencyId agency, String subject) {

        public AgencySubject {
            Objects.requireNonNull(agency, "agency");
            Objects.requireNonNull(subject, "subject");
        }
    }
}
