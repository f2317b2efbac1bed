package org.civicstack.identity.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.civicstack.platform.security.jose.Ed25519;

/**
 * Generating, sealing and opening the authorization server's token signing keys: Ed25519 for the
 * {@link KeySeries#TOKENS} series, RSA 2048 for {@link KeySeries#AGENCY_ASSERTIONS}. Which key signs when, and how
 * instances agree on new keys, is {@link KeyRotation} and {@link SigningKeyRing}. The private half is stored as
 * its PKCS#8 encoding, sealed by {@link KeyEncryptionCipher}; the public half as a JWK (RFC 7517, RFC 8037 for OKP).
 */
public class SigningKeys {

    static final int RSA_BITS = 2048;

    private final KeyEncryptionCipher cipher;

    public SigningKeys(KeyEncryptionCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * A signing key in memory.
     *
     * @param publicJwk the public half with {@code kid}, {@code alg} and {@code use: sig}; what the JWKS serves
     * @param privateKey the private half
     */
    public record SigningKey(JWK publicJwk, PrivateKey privateKey) {

        public SigningKey {
            Objects.requireNonNull(publicJwk, "publicJwk");
            Objects.requireNonNull(privateKey, "privateKey");
            if (publicJwk.isPrivate()) {
                throw new IllegalArgumentException("the JWK must be the public half only");
            }
        }

        public String kid() {
            return publicJwk.getKeyID();
        }

        public KeySeries series() {
            return KeySeries.ofAlgorithm(publicJwk.getAlgorithm().getName());
        }

        @Override
        public String toString() {
            return "SigningKey[kid=" + kid() + ", algorithm=" + publicJwk.getAlgorithm() + "]";
        }
    }

    /** A new key of {@code series}; its kid is the RFC 7638 thumbprint of the public key. */
    static SigningKey generate(KeySeries series) {
        try {
            return switch (series) {
                case TOKENS -> {
                    KeyPair pair = Ed25519.generate();
                    OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519,
                            Base64URL.encode(Ed25519.raw(pair.getPublic())))
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(series.algorithm())
                            .keyIDFromThumbprint()
                            .build();
                    yield new SigningKey(jwk, pair.getPrivate());
                }
                case AGENCY_ASSERTIONS -> {
                    RSAKey key = new RSAKeyGenerator(RSA_BITS)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(series.algorithm())
                            .keyIDFromThumbprint(true)
                            .generate();
                    yield new SigningKey(key.toPublicJWK(), key.toPrivateKey());
                }
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + series.algorithm() + " signing key", e);
        }
    }

    /** The storable form of {@code key} as generation {@code generation}: public JWK in the clear, PKCS#8 sealed. */
    StoredSigningKey seal(SigningKey key, long generation, Instant activatesAt) {
        byte[] pkcs8 = key.privateKey().getEncoded();
        try {
            return new StoredSigningKey(key.kid(), key.publicJwk().getAlgorithm().getName(),
                    key.publicJwk().toJSONString(), cipher.seal(pkcs8, key.kid()), null, generation, activatesAt);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The usable key from its stored form; fails if the secret is wrong or the halves do not belong together. */
    SigningKey open(StoredSigningKey stored) {
        KeySeries series = KeySeries.ofAlgorithm(stored.algorithm());
        if (series == null) {
            throw new IllegalStateException("signing key " + stored.kid() + " has an unknown algorithm " + stored.algorithm());
        }
        JWK publicKey;
        try {
            publicKey = JWK.parse(stored.publicJwk());
        } catch (ParseException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " has an unreadable public JWK", e);
        }
        if (!stored.kid().equals(publicKey.getKeyID()) || publicKey.getAlgorithm() == null
                || !stored.algorithm().equals(publicKey.getAlgorithm().getName())) {
            throw new IllegalStateException("signing key " + stored.kid() + ": its JWK names another kid or algorithm");
        }
        byte[] pkcs8 = cipher.open(stored.privateKey(), stored.kid());
        try {
            PrivateKey privateKey = switch (series) {
                case TOKENS -> {
                    PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    if (!(publicKey instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve())
                            || !Ed25519.DEFAULT.belongTogether(key, Ed25519.publicKey(okp.getX().decode()))) {
                        throw new IllegalStateException("signing key " + stored.kid() + ": private key does not match its JWK");
                    }
                    yield key;
                }
                case AGENCY_ASSERTIONS -> {
                    RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    BigInteger modulus = publicKey instanceof RSAKey rsa ? rsa.getModulus().decodeToBigInteger() : null;
                    if (!key.getModulus().equals(modulus)) {
                        throw new IllegalStateException("signing key " + stored.kid() + ": private key does not match its JWK");
                    }
                    yield key;
                }
            };
            return new SigningKey(publicKey, privateKey);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " has an unreadable private key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
