package org.civicstack.identity.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.keys.KeyEncryptionCipher.Sealed;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code signing_key} table. */
public class SigningKeyRepository {

    private static final String COLUMNS =
            "kid, algorithm, public_jwk::text AS public_jwk, private_key_ciphertext, encryption_salt, "
                    + "encryption_scheme, created_at, generation, activates_at";

    private final JdbcTemplate jdbc;

    public SigningKeyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every stored key of every series, oldest generation first. */
    public List<StoredSigningKey> findAll() {
        return jdbc.query("SELECT " + COLUMNS + " FROM signing_key ORDER BY algorithm, generation",
                SigningKeyRepository::map);
    }

    /** The newest generation of {@code series}, signing or still waiting to. */
    public Optional<StoredSigningKey> findNewest(KeySeries series) {
        return jdbc.query("SELECT " + COLUMNS + " FROM signing_key WHERE algorithm = ? ORDER BY generation DESC LIMIT 1",
                SigningKeyRepository::map, series.algorithm().getName()).stream().findFirst();
    }

    public Optional<StoredSigningKey> findByKid(String kid) {
        return jdbc.query("SELECT " + COLUMNS + " FROM signing_key WHERE kid = ?", SigningKeyRepository::map, kid)
                .stream().findFirst();
    }

    /**
     * Stores {@code key} unless its series (algorithm) has its generation already (the unique index decides, also
     * between concurrent callers in other transactions or instances).
     *
     * @return whether {@code key} was stored
     */
    public boolean insertIfGenerationFree(StoredSigningKey key) {
        int rows = jdbc.update("INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_ciphertext, "
                        + "encryption_salt, encryption_scheme, generation, activates_at) "
                        + "VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                key.kid(), key.algorithm(), key.publicJwk(), key.privateKey().ciphertext(), key.privateKey().salt(),
                key.privateKey().scheme(), key.generation(), Timestamp.from(key.activatesAt()));
        return rows == 1;
    }

    /**
     * Deletes the keys whose successor in the same series started signing at or before
     * {@code successorActivatedBy}: every token they signed has expired by then.
     *
     * @return the kids deleted
     */
    public List<String> deleteSupersededBefore(Instant successorActivatedBy) {
        return jdbc.queryForList("DELETE FROM signing_key old WHERE EXISTS (SELECT 1 FROM signing_key successor "
                        + "WHERE successor.algorithm = old.algorithm AND successor.generation > old.generation "
                        + "AND successor.activates_at <= ?) RETURNING kid",
                String.class, Timestamp.from(successorActivatedBy));
    }

    private static StoredSigningKey map(ResultSet rs, int row) throws SQLException {
        Timestamp created = rs.getTimestamp("created_at");
        return new StoredSigningKey(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_jwk"),
                new Sealed(rs.getBytes("private_key_ciphertext"), rs.getBytes("encryption_salt"),
                        rs.getString("encryption_scheme")),
                created == null ? null : created.toInstant(), rs.getLong("generation"),
                rs.getTimestamp("activates_at").toInstant());
    }
}
