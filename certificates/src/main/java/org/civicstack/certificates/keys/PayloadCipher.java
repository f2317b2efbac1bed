package org.civicstack.certificates.keys;

/**
 * Authenticated encryption of credential payloads at rest.
 *
 * <p>What callers may rely on: a ciphertext names the key that made it, so it decrypts after any number of key
 * rotations as long as the {@link KeyProvider} still holds that key; the associated data (e.g. the credential id and
 * owner) is authenticated but not stored, so a ciphertext copied to another row fails to decrypt; any change to the
 * ciphertext, or a different associated data, makes {@link #decrypt} throw, never return other bytes.
 */
public interface PayloadCipher {

    /** Encrypts with the current key; {@code associatedData} may be empty, never {@code null}. */
    byte[] encrypt(byte[] plaintext, byte[] associatedData);

    /**
     * @throws PayloadDecryptionException if the ciphertext is malformed or altered, its key is unknown, or the
     *                                    associated data differs from what it was encrypted with
     */
    byte[] decrypt(byte[] ciphertext, byte[] associatedData);
}
