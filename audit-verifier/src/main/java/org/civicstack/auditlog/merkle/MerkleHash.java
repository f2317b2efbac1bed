package org.civicstack.auditlog.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The hashes of RFC 9162 §2.1.1 with SHA-256: leaves are prefixed with 0x00, interior nodes with 0x01. */
public final class MerkleHash {

    /** The hash of the empty tree: SHA-256 of nothing. */
    public static final byte[] EMPTY_ROOT = sha256().digest();

    private MerkleHash() {
    }

    public static byte[] leaf(byte[] entry) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x00);
        return digest.digest(entry);
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x01);
        digest.update(left);
        return digest.digest(right);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
