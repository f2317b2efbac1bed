package org.civicstack.certificates.keys;

import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;

/**
 * An AES-256 key for encrypting credential payloads at rest, with the id that is written into every ciphertext it
 * makes (so decryption finds the right key after a rotation).
 *
 * @param id  1–64 characters of {@code [A-Za-z0-9._-]}
 * @param key a 32-byte AES key
 */
public record DataKey(String id, SecretKey key) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public DataKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a data key id is 1-64 characters of [A-Za-z0-9._-]: " + id);
        }
        byte[] encoded = key.getEncoded();
        if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || encoded == null || encoded.length != 32) {
            throw new IllegalArgumentException("a data key is a 256-bit AES key");
        }
    }

    @Override
    public String toString() {
        return "DataKey[" + id + "]";
    }
}
