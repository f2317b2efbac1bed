package org.civicstack.identity.audit.seal;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

import org.civicstack.auditlog.checkpoint.NoteSigner;
import org.civicstack.auditlog.checkpoint.NoteVerifierKey;
import org.civicstack.identity.keys.KeyEncryptionCipher;
import org.civicstack.identity.keys.KeyEncryptionCipher.Sealed;
import org.civicstack.platform.security.jose.Ed25519;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Ed25519 key the log's checkpoints are signed with, one per log origin: created on first start, its private
 * half sealed with the key-encryption secret (like the token signing keys), its public half published as a C2SP
 * note verifier key ({@code GET /v1/identity/audit/key}) for the offline verifier. It does not rotate: a verifier
 * pins it; a new key is a new log origin (docs/audit-log.md).
 */
public final class AuditLogKey {

    private final NoteSigner signer;
    private final NoteVerifierKey verifierKey;

    private AuditLogKey(NoteSigner signer, NoteVerifierKey verifierKey) {
        this.signer = signer;
        this.verifierKey = verifierKey;
    }

    /** Loads the origin's key, creating it when there is none (concurrent first starts keep one). */
    public static AuditLogKey loadOrCreate(JdbcTemplate jdbc, KeyEncryptionCipher cipher, String origin) {
        List<AuditLogKey> existing = load(jdbc, cipher, origin);
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        KeyPair pair = generate();
        Sealed sealed = cipher.seal(pair.getPrivate().getEncoded(), origin);
        jdbc.update("INSERT INTO audit_log_key (name, public_key, sealed_key, salt, scheme) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (name) DO NOTHING", origin, raw(pair.getPublic()), sealed.ciphertext(), sealed.salt(),
                sealed.scheme());
        return load(jdbc, cipher, origin).get(0);
    }

    private static List<AuditLogKey> load(JdbcTemplate jdbc, KeyEncryptionCipher cipher, String origin) {
        return jdbc.query("SELECT public_key, sealed_key, salt, scheme FROM audit_log_key WHERE name = ?",
                (row, n) -> {
                    byte[] publicKey = row.getBytes(1);
                    byte[] pkcs8 = cipher.open(new Sealed(row.getBytes(2), row.getBytes(3), row.getString(4)), origin);
                    PrivateKey privateKey = privateKey(pkcs8);
                    return new AuditLogKey(NoteSigner.of(origin, privateKey, publicKey),
                            NoteVerifierKey.of(origin, publicKey));
                }, origin);
    }

    public NoteSigner signer() {
        return signer;
    }

    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    private static KeyPair generate() {
        return Ed25519.generate();
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the stored audit log key cannot be read", e);
        }
    }

    private static byte[] raw(PublicKey key) {
        return Ed25519.raw(key);
    }
}
