package org.civicstack.identity.pairwise;

import java.security.SecureRandom;
import java.sql.Connection;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.clients.AgencyId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Pairwise subjects as one random 128-bit value per (agency, citizen) in {@code pairwise_subject}, written as 22
 * characters of base64url. Random rather than derived (HMAC of a secret): a derived value is only as unlinkable as
 * the secret is safe, and a leaked secret would let anyone recompute every citizen's subject at every agency; a
 * random value reveals nothing without the table. The first use inserts with {@code ON CONFLICT DO NOTHING} and then
 * reads, so two concurrent first uses agree on the one value that was committed.
 *
 * <p>{@link #resolveAll} is one statement whatever the number of subjects: the pairs go in as two parallel
 * {@code text[]} parameters and are matched against the {@code (agency_id, subject)} unique index.
 */
@Repository
class JdbcPairwiseSubjects implements PairwiseSubjects {

    /** What {@link #subjectFor} produces; anything else cannot be a subject and is not looked up. */
    static final Pattern SUBJECT_FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();

    JdbcPairwiseSubjects(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String subjectFor(CitizenId citizen, AgencyId agency) {
        Objects.requireNonNull(citizen, "citizen");
        Objects.requireNonNull(agency, "agency");
        Optional<String> existing = find(citizen, agency);
        if (existing.isPresent()) {
            return existing.get();
        }
        jdbc.update("INSERT INTO pairwise_subject (agency_id, citizen_id, subject) VALUES (?, ?, ?) "
                + "ON CONFLICT (agency_id, citizen_id) DO NOTHING", agency.value(), citizen.value(), newSubject());
        return find(citizen, agency).orElseThrow(() -> new IllegalStateException(
                "pairwise subject missing right after its insert"));
    }

    @Override
    public Optional<CitizenId> resolve(AgencyId agency, String subject) {
        Objects.requireNonNull(agency, "agency");
        if (subject == null || !SUBJECT_FORMAT.matcher(subject).matches()) {
            return Optional.empty();
        }
        return jdbc.queryForList("SELECT citizen_id FROM pairwise_subject WHERE agency_id = ? AND subject = ?",
                UUID.class, agency.value(), subject).stream().findFirst().map(CitizenId::new);
    }

    @Override
    public Map<AgencySubject, CitizenId> resolveAll(Collection<AgencySubject> subjects) {
        List<AgencySubject> asked = new LinkedHashSet<>(subjects).stream()
                .filter(key -> SUBJECT_FORMAT.matcher(key.subject()).matches())
                .toList();
        Map<AgencySubject, CitizenId> found = new HashMap<>();
        if (asked.isEmpty()) {
            return found;
        }
        String[] agencies = asked.stream().map(key -> key.agency().value()).toArray(String[]::new);
        String[] values = asked.stream().map(AgencySubject::subject).toArray(String[]::new);
        jdbc.query("SELECT agency_id, subject, citizen_id FROM pairwise_subject "
                        + "WHERE (agency_id, subject) IN (SELECT * FROM unnest(?::text[], ?::text[]))",
                statement -> {
                    Connection connection = statement.getConnection();
                    statement.setArray(1, connection.createArrayOf("text", agencies));
                    statement.setArray(2, connection.createArrayOf("text", values));
                },
                row -> {
                    found.put(new AgencySubject(new AgencyId(row.getString("agency_id")), row.getString("subject")),
                            new CitizenId(row.getObject("citizen_id", UUID.class)));
                });
        return found;
    }

    private Optional<String> find(CitizenId citizen, AgencyId agency) {
        return jdbc.queryForList("SELECT subject FROM pairwise_subject WHERE agency_id = ? AND citizen_id = ?",
                String.class, agency.value(), citizen.value()).stream().findFirst();
    }

    private String newSubject() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
