package org.civicstack.auditlog.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A signed-note verifier key (C2SP signed-note, golang.org/x/mod/sumdb/note): text form
 * {@code <name>+<8 hex digits of key id>+<base64(0x01 || 32-byte Ed25519 public key)>}. The key id is the first
 * four bytes of SHA-256(name || "\n" || 0x01 || public key).
 */
public record NoteVerifierKey(String name, byte[] publicKey) {

    static final byte ED25519 = 0x01;
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    public NoteVerifierKey {
        if (name == null || name.isEmpty() || name.contains("+") || name.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("a key name is non-empty, without spaces or '+'");
        }
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        publicKey = publicKey.clone();
    }

    public static NoteVerifierKey of(String name, byte[] publicKey) {
        return new NoteVerifierKey(name, publicKey);
    }

    public static NoteVerifierKey parse(String text) {
        // the base64 key may itself contain '+': name, then 8 hex digits, then the key
        String stripped = text.strip();
        int first = stripped.indexOf('+');
        if (first <= 0 || stripped.length() < first + 11 || stripped.charAt(first + 9) != '+') {
            throw new IllegalArgumentException("a verifier key is <name>+<key id>+<key>");
        }
        String[] parts = {stripped.substring(0, first), stripped.substring(first + 1, first + 9),
                stripped.substring(first + 10)};
        byte[] key;
        try {
            key = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the verifier key is not base64");
        }
        if (key.length != 33 || key[0] != ED25519) {
            throw new IllegalArgumentException("only Ed25519 verifier keys (algorithm 1) are supported");
        }
        NoteVerifierKey parsed = new NoteVerifierKey(parts[0], Arrays.copyOfRange(key, 1, 33));
        if (!parsed.keyIdHex().equals(parts[1])) {
            throw new IllegalArgumentException("the verifier key's id does not match its name and key");
        }
        return parsed;
    }

    public byte[] keyId() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(ED25519);
            return Arrays.copyOf(digest.digest(publicKey), 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String keyIdHex() {
        return HexFormat.of().formatHex(keyId());
    }

    /** The text form. */
    public String format() {
        byte[] key = new byte[33];
        key[0] = ED25519;
        System.arraycopy(publicKey, 0, key, 1, 32);
        return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(key);
    }

    PublicKey jcaKey() {
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(publicKey, 0, encoded, X509_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable in this JVM", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoteVerifierKey key && name.equals(key.name) && Arrays.equals(publicKey, key.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return format();
    }
}
