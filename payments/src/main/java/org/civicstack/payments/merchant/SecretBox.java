package org.civicstack.payments.merchant;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals merchant secrets (channel keys, webhook signing secrets) at rest with AES-256-GCM. A sealed value names the
 * key it was sealed with, so keys rotate: new values use the current key, old ones open with theirs as long as it
 * stays configured. The associated data binds a sealed value to the row it belongs to (the account or secret id),
 * so a value copied to another row does not open.
 *
 * <p>Layout: {@code 0x01 | key id length (1 byte) | key id (UTF-8) | 12-byte nonce | ciphertext with 16-byte tag}.
 */
public final class SecretBox {

    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys = new HashMap<>();
    private final String current;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(Map<String, String> base64Keys, String currentKeyId) {
        base64Keys.forEach((id, value) -> {
            byte[] key = Base64.getDecoder().decode(value);
            if (key.length != 32) {
                throw new IllegalArgumentException("secret key " + id + " must be 32 bytes (base64), is " + key.length);
            }
            if (id.getBytes(StandardCharsets.UTF_8).length > 64) {
                throw new IllegalArgumentException("secret key id " + id + " is longer than 64 bytes");
            }
            keys.put(id, new SecretKeySpec(key, "AES"));
        });
        if (currentKeyId == null || !keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("civicstack.payments.secrets.current-key-id must name one of "
                    + "civicstack.payments.secrets.keys (configured: " + keys.keySet() + ")");
        }
        this.current = currentKeyId;
    }

    public byte[] seal(byte[] plaintext, String context) {
        byte[] id = current.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(current), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(2 + id.length + NONCE + sealed.length)
                    .put(VERSION).put((byte) id.length).put(id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public byte[] open(byte[] sealed, String context) {
        ByteBuffer in = ByteBuffer.wrap(sealed);
        if (in.get() != VERSION) {
            throw new IllegalStateException("sealed value of an unknown version");
        }
        byte[] id = new byte[in.get() & 0xff];
        in.get(id);
        String keyId = new String(id, StandardCharsets.UTF_8);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("sealed with key " + keyId + ", which is no longer configured");
        }
        byte[] nonce = new byte[NONCE];
        in.get(nonce);
        byte[] body = new byte[in.remaining()];
        in.get(body);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed value does not open (tampered, or another row's)", e);
        }
    }
}
