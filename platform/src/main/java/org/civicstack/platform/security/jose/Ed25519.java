package org.civicstack.platform.security.jose;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ed25519 signatures (RFC 8032) for our own tokens (docs/adr/0006-token-signing-algorithm.md), through the JCA:
 * <b>Amazon Corretto Crypto Provider</b> (AWS-LC, native) where it loads, which signs in ~20 µs and verifies in
 * ~30 µs; otherwise the JDK's own {@code SunEC} provider (pure Java, ~25× slower, same results). Keys are always the
 * JDK's key objects — ACCP has no Ed25519 {@code KeyFactory} and accepts them — so a key made here works with
 * either provider, and the raw 32-byte forms are what a JWK ({@code OKP}, RFC 8037) carries.
 *
 * <p>{@link #DEFAULT} is chosen once per JVM; {@link #jdk()} exists so tests can prove both paths agree.
 */
public final class Ed25519 {

    private static final Logger log = LoggerFactory.getLogger(Ed25519.class);

    /** RFC 8410 §4: SubjectPublicKeyInfo of an Ed25519 key is this fixed prefix followed by the 32 raw bytes. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;
    /** RFC 8032 §5.1.6: signatures are 64 bytes. */
    public static final int SIGNATURE_BYTES = 64;
    private static final String ALGORITHM = "Ed25519";

    /** The provider this JVM signs and verifies with: AWS-LC if it loads here, the JDK's otherwise. */
    public static final Ed25519 DEFAULT = choose();

    private final Provider provider;

    private Ed25519(Provider provider) {
        this.provider = provider;
    }

    /** The JDK's own implementation, whatever {@link #DEFAULT} is. */
    public static Ed25519 jdk() {
        try {
            return new Ed25519(Signature.getInstance(ALGORITHM).getProvider());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (JDK 15+ has)", e);
        }
    }

    private static Ed25519 choose() {
        try {
            Throwable loading = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loading == null) {
                Ed25519 candidate = new Ed25519(AmazonCorrettoCryptoProvider.INSTANCE);
                candidate.selfTest();
                log.info("Ed25519 through {} (native AWS-LC)", candidate.providerName());
                return candidate;
            }
            log.warn("Ed25519 falls back to the JDK's provider (about 25x slower): AWS-LC did not load here: {}",
                    loading.toString());
        } catch (LinkageError | RuntimeException | GeneralSecurityException e) {
            log.warn("Ed25519 falls back to the JDK's provider (about 25x slower): {}", e.toString());
        }
        return jdk();
    }

    private void selfTest() throws GeneralSecurityException {
        KeyPair pair = generate();
        byte[] probe = "civicstack ed25519 self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature = sign(pair.getPrivate(), probe);
        if (!jdk().verify(pair.getPublic(), probe, signature) || !verify(pair.getPublic(), probe, signature)) {
            throw new GeneralSecurityException(providerName() + " produced an Ed25519 signature the JDK rejects");
        }
    }

    /** e.g. {@code AmazonCorrettoCryptoProvider} or {@code SunEC}. */
    public String providerName() {
        return provider.getName();
    }

    /** Whether signatures go through native AWS-LC. */
    public boolean isNative() {
        return provider instanceof AmazonCorrettoCryptoProvider;
    }

    /** A new key pair (from the JDK's generator and {@code SecureRandom}). */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an Ed25519 key", e);
        }
    }

    public byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM, provider);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    /** {@code false} for a wrong or malformed signature (never an exception for what a token can carry). */
    public boolean verify(PublicKey key, byte[] data, byte[] signature) throws InvalidKeyException {
        if (signature == null || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM, provider);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (SignatureException malformed) {
            return false;
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available from " + providerName(), e);
        }
    }

    /** Whether {@code privateKey} signs what {@code publicKey} verifies (the two halves of one key pair). */
    public boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        byte[] probe = "civicstack ed25519 key pair".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return verify(publicKey, probe, sign(privateKey, probe));
    }

    /** The public key whose RFC 8032 encoding (the JWK {@code x}) is {@code raw}. */
    public static PublicKey publicKey(byte[] raw) throws InvalidKeyException {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new InvalidKeyException("an Ed25519 public key is 32 bytes");
        }
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, KEY_BYTES);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The private key whose RFC 8032 seed (the JWK {@code d}) is {@code raw}. */
    public static PrivateKey privateKey(byte[] raw) throws InvalidKeyException {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new InvalidKeyException("an Ed25519 private key is 32 bytes");
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, raw));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** The 32-byte RFC 8032 encoding of {@code key}. */
    public static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der == null || der.length != X509_PREFIX.length + KEY_BYTES
                || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
    }

    /** The 32-byte seed of {@code key}; the caller should wipe it after use. */
    public static byte[] raw(PrivateKey key) {
        if (key instanceof EdECPrivateKey edec && NamedParameterSpec.ED25519.getName()
                .equalsIgnoreCase(((NamedParameterSpec) edec.getParams()).getName())) {
            return edec.getBytes().orElseThrow(() -> new IllegalArgumentException("the private key has no seed"));
        }
        throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
}
