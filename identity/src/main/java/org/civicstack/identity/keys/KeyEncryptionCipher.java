package org.civicstack.identity.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects signing keys at rest: AES-256-GCM with a key derived from the configured key-encryption secret by
 * PBKDF2-HMAC-SHA256 over a random per-key salt. The key id is authenticated with the ciphertext, so a
 * ciphertext copied to another row does not decrypt. Derivation is deliberately slow (it runs once per start),
 * which also makes a weak secret costly to guess from a stolen database dump.
 */
public final class KeyEncryptionCipher {

    /** Written with every ciphertext so a later scheme can coexist with this one. */
    public static final String SCHEME = "pbkdf2-hmac-sha256:600000/aes-256-gcm";

    private static final int ITERATIONS = 600_000;
    private static final int KEY_BITS = 256;
    private static final int SALT_BYTES = 16;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final char[] secret;
    private final SecureRandom random = new SecureRandom();

    public KeyEncryptionCipher(String secret) {
        Objects.requireNonNull(secret, "key-encryption secret");
        this.secret = secret.toCharArray();
    }

    /** Encrypts {@code plaintext} for the key {@code kid}; the result carries its salt and scheme. */
    public Sealed seal(byte[] plaintext, String kid) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, derive(salt), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return new Sealed(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array(), salt, SCHEME);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * Decrypts what {@link #seal} produced for {@code kid}.
     *
     * @throws KeyDecryptionException when the secret is not the one the key was sealed with, or the row was altered
     */
    public byte[] open(Sealed sealed, String kid) {
        if (!SCHEME.equals(sealed.scheme())) {
            throw new KeyDecryptionException("signing key " + kid + " uses unknown encryption scheme " + sealed.scheme());
        }
        byte[] data = sealed.ciphertext();
        if (data.length <= IV_BYTES) {
            throw new KeyDecryptionException("signing key " + kid + " has a truncated ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, derive(sealed.salt()),
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(data, 0, IV_BYTES)));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new KeyDecryptionException("signing key " + kid + " cannot be decrypted with the configured "
                    + "key-encryption secret (was civicstack.identity.key-encryption-secret changed?)");
        } catch (GeneralSecurityException e) {
            throw new KeyDecryptionException("signing key " + kid + " cannot be decrypted: " + e.getMessage());
        }
    }

    private SecretKey derive(byte[] salt) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, ITERATIONS, KEY_BITS);
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return new SecretKeySpec(key, "AES");
        } finally {
            spec.clearPassword();
        }
    }

    /** A ciphertext as stored: IV followed by the GCM output, the salt of its key, and the scheme. */
    public record Sealed(byte[] ciphertext, byte[] salt, String scheme) {
    }

    /** The stored key cannot be recovered with the configured secret. */
    public static final class KeyDecryptionException extends RuntimeException {
        public KeyDecryptionException(String message) {
            super(message);
        }
    }
}
