package org.civicstack.identity.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Arrays;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization server's token signing key: loaded from PostgreSQL, or generated and stored on the very first
 * start. Several instances starting at once agree on one key (the table admits a single active key; the losers of
 * the race adopt the winner's), and every later start loads that same key, so tokens stay verifiable across
 * restarts and instances.
 *
 * <p>RSA 2048 with PS256: the cheapest of the measured algorithms to verify (stack.md), which is what the gateway
 * does on every request.
 */
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    /** The algorithm of newly generated keys. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.PS256;
    static final int RSA_BITS = 2048;

    private final SigningKeyRepository repository;
    private final KeyEncryptionCipher cipher;

    public SigningKeys(SigningKeyRepository repository, KeyEncryptionCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
    }

    /** The active key with its private half, generating and storing it first if there is none. */
    public RSAKey loadOrCreateActive() {
        StoredSigningKey stored = repository.findActive().orElseGet(this::createActive);
        return open(stored);
    }

    private StoredSigningKey createActive() {
        RSAKey generated = generate();
        StoredSigningKey candidate = seal(generated);
        if (repository.insertIfNoneActive(candidate)) {
            log.info("Generated signing key {} ({})", candidate.kid(), candidate.algorithm());
        } else {
            log.info("Another identity instance generated the signing key first; using it");
        }
        return repository.findActive()
                .orElseThrow(() -> new IllegalStateException("no active signing key right after storing one"));
    }

    static RSAKey generate() {
        try {
            return new RSAKeyGenerator(RSA_BITS)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(ALGORITHM)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }

    /** The storable form of {@code key}: public JWK in the clear, PKCS#8 private key sealed. */
    StoredSigningKey seal(RSAKey key) {
        try {
            byte[] pkcs8 = key.toRSAPrivateKey().getEncoded();
            try {
                return new StoredSigningKey(key.getKeyID(), key.getAlgorithm().getName(),
                        key.toPublicJWK().toJSONString(), cipher.seal(pkcs8, key.getKeyID()), null, true);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encode signing key " + key.getKeyID(), e);
        }
    }

    /** The usable key from its stored form; fails if the secret is wrong or the halves do not belong together. */
    RSAKey open(StoredSigningKey stored) {
        RSAKey publicKey;
        try {
            publicKey = RSAKey.parse(stored.publicJwk());
        } catch (ParseException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " has an unreadable public JWK", e);
        }
        byte[] pkcs8 = cipher.open(stored.privateKey(), stored.kid());
        try {
            RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            BigInteger modulus = publicKey.getModulus().decodeToBigInteger();
            if (!privateKey.getModulus().equals(modulus)) {
                throw new IllegalStateException("signing key " + stored.kid() + ": private key does not match its JWK");
            }
            return new RSAKey.Builder(publicKey)
                    .privateKey(privateKey)
                    .keyID(stored.kid())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.parse(stored.algorithm()))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " has an unreadable private key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
