package org.civicstack.identity.assurance.verification;

import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code identity_verification} table: who reached level 2 with which (hashed) number and (encrypted) name. */
public class IdentityVerifications {

    /** A stored verification: the keyed hash of the number and the sealed name. */
    public record Stored(CitizenId citizen, byte[] idNumberHash, byte[] nameCiphertext) {
    }

    private final JdbcTemplate jdbc;

    public IdentityVerifications(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Which citizen this number is bound to, if any. */
    public Optional<CitizenId> ownerOf(byte[] idNumberHash) {
        return jdbc.query("SELECT citizen_id FROM identity_verification WHERE id_number_hash = ?",
                (row, n) -> new CitizenId(row.getObject(1, UUID.class)), (Object) idNumberHash).stream().findFirst();
    }

    public Optional<Stored> find(CitizenId citizen) {
        return jdbc.query("SELECT id_number_hash, name_ciphertext FROM identity_verification WHERE citizen_id = ?",
                (row, n) -> new Stored(citizen, row.getBytes(1), row.getBytes(2)), citizen.value()).stream().findFirst();
    }

    /**
     * Binds the number to the citizen; false when it (or the citizen) is bound already — a concurrent verification
     * of the same number by another account lost the race.
     */
    public boolean bind(CitizenId citizen, byte[] idNumberHash, byte[] nameCiphertext, String scheme, String reference) {
        return jdbc.update("INSERT INTO identity_verification (citizen_id, id_number_hash, name_ciphertext, "
                        + "encryption_scheme, authority_reference) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                citizen.value(), idNumberHash, nameCiphertext, scheme, reference) == 1;
    }
}
