package org.civicstack.identity.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * Generating, sealing and opening the authorization server's token signing keys. Which key signs when, and how
 * instances agree on new keys, is {@link KeyRotation} and {@link SigningKeyRing}.
 *
 * <p>RSA 2048 with PS256: measured against ES256 and Ed25519 for issuance and gateway validation together in
 * docs/adr/0006-token-signing-algorithm.md.
 */
public class SigningKeys {

    /** The algorithm of newly generated keys. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.PS256;
    static final int RSA_BITS = 2048;

    private final KeyEncryptionCipher cipher;

    public SigningKeys(KeyEncryptionCipher cipher) {
        this.cipher = cipher;
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

    /** The storable form of {@code key} as generation {@code generation}: public JWK in the clear, PKCS#8 sealed. */
    StoredSigningKey seal(RSAKey key, long generation, Instant activatesAt) {
        try {
            byte[] pkcs8 = key.toRSAPrivateKey().getEncoded();
            try {
                return new StoredSigningKey(key.getKeyID(), key.getAlgorithm().getName(),
                        key.toPublicJWK().toJSONString(), cipher.seal(pkcs8, key.getKeyID()), null, generation, activatesAt);
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
