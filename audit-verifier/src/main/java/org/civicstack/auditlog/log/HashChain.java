package org.civicstack.auditlog.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The log's hash chain: {@code chain[i] = SHA-256(chain[i-1] || leafHash[i])} from {@link #GENESIS} (32 zero bytes),
 * where {@code leafHash[i]} is the entry's RFC 9162 leaf hash. A changed, removed or reordered entry breaks the chain
 * at that entry, which names it; the signed Merkle checkpoints catch a chain recomputed from some point on.
 */
public final class HashChain {

    public static final byte[] GENESIS = new byte[32];

    private HashChain() {
    }

    public static byte[] next(byte[] previous, byte[] leafHash) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(previous);
            return digest.digest(leafHash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
