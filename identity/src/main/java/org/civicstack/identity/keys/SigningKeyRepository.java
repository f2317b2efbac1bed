package org.civicstack.identity.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.keys.KeyEncryptionCipher.Sealed;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code signing_key} table. */
public class SigningKeyRepository {

    private static final String COLUMNS =
            "kid, algorithm, public_jwk::text AS public_jwk, private_key_ciphertext, encryption_salt, "
                    + "encryption_scheme, created_at, active";

    private final JdbcTemplate jdbc;

    public SigningKeyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<StoredSigningKey> findActive() {
        List<StoredSigningKey> keys = jdbc.query("SELECT " + COLUMNS + " FROM signing_key WHERE active",
                SigningKeyRepository::map);
        return keys.stream().findFirst();
    }

    public Optional<StoredSigningKey> findByKid(String kid) {
        return jdbc.query("SELECT " + COLUMNS + " FROM signing_key WHERE kid = ?", SigningKeyRepository::map, kid)
                .stream().findFirst();
    }

    /**
     * Stores {@code key} as the active key unless there already is one (the single-active unique index decides,
     * also between concurrent callers in other transactions or instances).
     *
     * @return whether {@code key} was stored
     */
    public boolean insertIfNoneActive(StoredSigningKey key) {
        if (!key.active()) {
            throw new IllegalArgumentException("only an active key can be inserted as the active key");
        }
        int rows = jdbc.update("INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_ciphertext, "
                        + "encryption_salt, encryption_scheme, active) VALUES (?, ?, ?::jsonb, ?, ?, ?, true) "
                        + "ON CONFLICT DO NOTHING",
                key.kid(), key.algorithm(), key.publicJwk(), key.privateKey().ciphertext(), key.privateKey().salt(),
                key.privateKey().scheme());
        return rows == 1;
    }

    private static StoredSigningKey map(ResultSet rs, int row) throws SQLException {
        Timestamp created = rs.getTimestamp("created_at");
        return new StoredSigningKey(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_jwk"),
                new Sealed(rs.getBytes("private_key_ciphertext"), rs.getBytes("encryption_salt"),
                        rs.getString("encryption_scheme")),
                created == null ? null : created.toInstant(), rs.getBoolean("active"));
    }
}
