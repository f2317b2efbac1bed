package org.civicstack.identity.pairwise;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.civicstack.identity.assurance.residentid.InvalidResidentIdNumber;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.identity.pairwise.PairwiseSubjects.AgencySubject;
import org.civicstack.platform.error.FieldViolation;

/**
 * The citizen one resolve request names, or one item of a batch: either an agency's pairwise subject
 * ({@code agency_id} and {@code subject}) or a resident ID number ({@code resident_id_number} alone). Both forms of
 * the API validate it here, the same rules and the same codes; a batch only puts {@code items[i].} before the
 * field names.
 */
sealed interface CitizenQuery {

    String AGENCY_ID = "agency_id";
    String SUBJECT = "subject";
    String RESIDENT_ID_NUMBER = "resident_id_number";
    Set<String> FIELDS = Set.of(AGENCY_ID, SUBJECT, RESIDENT_ID_NUMBER);

    /** The subject form. */
    record BySubject(AgencySubject subject) implements CitizenQuery {
    }

    /** The resident ID number form. The number is masked in {@code toString}; it goes only into the keyed hash. */
    record ByResidentIdNumber(ResidentIdNumber number) implements CitizenQuery {
    }

    /**
     * The query these fields make, or null when they make none; every reason why is added to {@code violations},
     * its field named {@code prefix} + the field ({@code ""} for a single request, {@code "items[3]."} in a batch).
     * The number never appears in a violation.
     */
    static CitizenQuery parse(Map<String, ?> fields, String prefix, List<FieldViolation> violations) {
        int before = violations.size();
        for (String field : new TreeSet<>(fields.keySet())) {
            if (!FIELDS.contains(field)) {
                violations.add(new FieldViolation(prefix + field, "unknown_field", "is not a field of this request"));
            }
        }
        boolean byNumber = fields.containsKey(RESIDENT_ID_NUMBER);
        boolean bySubject = fields.containsKey(AGENCY_ID) || fields.containsKey(SUBJECT);
        if (byNumber && bySubject) {
            violations.add(new FieldViolation(prefix + RESIDENT_ID_NUMBER, "not_allowed",
                    "give resident_id_number or agency_id and subject, not both"));
            return null;
        }
        CitizenQuery query;
        if (byNumber) {
            query = residentIdNumber(fields.get(RESIDENT_ID_NUMBER), prefix, violations);
        } else {
            if (!bySubject) {
                violations.add(new FieldViolation(prefix + RESIDENT_ID_NUMBER, "required",
                        "give agency_id and subject, or resident_id_number instead"));
            }
            query = subject(fields.get(AGENCY_ID), fields.get(SUBJECT), prefix, violations);
        }
        return violations.size() == before ? query : null;
    }

    private static CitizenQuery subject(Object agencyValue, Object subjectValue, String prefix,
            List<FieldViolation> violations) {
        AgencyId agency = null;
        if (!(agencyValue instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation(prefix + AGENCY_ID, "required", "an agency id (agy_…) is required"));
        } else {
            try {
                agency = new AgencyId(text);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation(prefix + AGENCY_ID, "invalid_format",
                        "must be 'agy_' followed by 1-96 URL-safe characters"));
            }
        }
        String subject = null;
        if (!(subjectValue instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation(prefix + SUBJECT, "required",
                    "the agency's subject for the citizen is required"));
        } else if (!JdbcPairwiseSubjects.SUBJECT_FORMAT.matcher(text).matches()) {
            violations.add(new FieldViolation(prefix + SUBJECT, "invalid_format", "is not a subject identity gives out"));
        } else {
            subject = text;
        }
        return agency == null || subject == null ? null : new BySubject(new AgencySubject(agency, subject));
    }

    private static CitizenQuery residentIdNumber(Object value, String prefix, List<FieldViolation> violations) {
        if (!(value instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation(prefix + RESIDENT_ID_NUMBER, "required",
                    "an 18-character resident ID number is required"));
            return null;
        }
        try {
            return new ByResidentIdNumber(ResidentIdNumber.parse(text));
        } catch (InvalidResidentIdNumber e) {
            violations.add(new FieldViolation(prefix + RESIDENT_ID_NUMBER, "invalid_format",
                    "is not a valid resident ID number (GB 11643): " + e.reason().message()));
            return null;
        }
    }
}
