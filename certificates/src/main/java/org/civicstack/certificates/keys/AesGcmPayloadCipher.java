package org.civicstack.certificates.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * {@link PayloadCipher} with AES-256-GCM (JDK provider). Ciphertext layout:
 * <pre>
 *   0x01 | key id length (1 byte) | key id (ASCII) | nonce (12 bytes) | ciphertext | tag (16 bytes)
 * </pre>
 * The header (version, key id) is authenticated too: the GCM additional data is the header followed by the caller's
 * associated data. Nonces are 96 random bits, so one key should encrypt fewer than 2<sup>32</sup> payloads (NIST SP
 * 800-38D §8.3); rotate long before that.
 */
public final class AesGcmPayloadCipher implements PayloadCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KeyProvider keys;
    private final SecureRandom random = new SecureRandom();

    public AesGcmPayloadCipher(KeyProvider keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        DataKey key = keys.current();
        byte[] header = header(key.id());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header);
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + NONCE_BYTES + sealed.length)
                    .put(header).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
        Objects.requireNonNull(associatedData, "associatedData");
        if (ciphertext == null || ciphertext.length < 2 || ciphertext[0] != VERSION) {
            throw new PayloadDecryptionException("malformed", "not a version-1 payload ciphertext");
        }
        int idLength = ciphertext[1] & 0xff;
        int headerLength = 2 + idLength;
        if (idLength == 0 || ciphertext.length < headerLength + NONCE_BYTES + TAG_BITS / 8) {
            throw new PayloadDecryptionException("malformed", "payload ciphertext too short");
        }
        String keyId = new String(ciphertext, 2, idLength, StandardCharsets.US_ASCII);
        DataKey key = keys.find(keyId)
                .orElseThrow(() -> new PayloadDecryptionException("unknown_key", "no data key " + keyId));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, ciphertext, headerLength, NONCE_BYTES));
            cipher.updateAAD(ciphertext, 0, headerLength);
            cipher.updateAAD(associatedData);
            int body = headerLength + NONCE_BYTES;
            return cipher.doFinal(ciphertext, body, ciphertext.length - body);
        } catch (AEADBadTagException e) {
            throw new PayloadDecryptionException("tampered", "payload ciphertext or associated data altered", e);
        } catch (GeneralSecurityException e) {
            throw new PayloadDecryptionException("malformed", "payload ciphertext unusable: " + e.getMessage(), e);
        }
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] header = new byte[2 + id.length];
        header[0] = VERSION;
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
        return header;
    }
}
