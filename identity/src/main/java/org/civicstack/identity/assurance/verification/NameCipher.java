package org.civicstack.identity.assurance.verification;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.citizen.CitizenId;

/**
 * Verified names at rest: AES-256-GCM, random 96-bit IV per name, the citizen id as additional authenticated data
 * (a ciphertext moved to another citizen's row does not decrypt). The key is derived once, at start, as
 * HMAC-SHA256(secret, {@value #KEY_LABEL}) — unlike {@code keys.KeyEncryptionCipher}, whose deliberately slow
 * PBKDF2 per seal suits one signing key per start, not one name per verification.
 */
public final class NameCipher {

    /** Stored with every ciphertext so that a later scheme can coexist with this one. */
    public static final String SCHEME = "hmac-sha256-kdf/aes-256-gcm:v1";
    static final String KEY_LABEL = "civicstack identity verified-name encryption v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public NameCipher(String secret) {
        try {
            Mac kdf = Mac.getInstance("HmacSHA256");
            kdf.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            this.key = new SecretKeySpec(kdf.doFinal(KEY_LABEL.getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    public byte[] seal(PersonName name, CitizenId citizen) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(citizen.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(name.value().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /** @throws IllegalStateException when the secret changed or the row was altered or moved */
    public PersonName open(byte[] sealed, CitizenId citizen) {
        if (sealed.length <= IV_BYTES) {
            throw new IllegalStateException("verified name of " + citizen + " has a truncated ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 0, IV_BYTES)));
            cipher.updateAAD(citizen.toString().getBytes(StandardCharsets.US_ASCII));
            return new PersonName(new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES),
                    StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("verified name of " + citizen + " cannot be decrypted with the configured "
                    + "civicstack.identity.assurance.name-encryption-secret (changed, or the row was altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("verified name of " + citizen + " cannot be decrypted", e);
        }
    }
}
