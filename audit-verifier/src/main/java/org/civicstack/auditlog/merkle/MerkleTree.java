package org.civicstack.auditlog.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree algorithms of RFC 9162 §2.1: the tree head (MTH), inclusion proofs (PATH, §2.1.3) and consistency
 * proofs (PROOF/SUBPROOF, §2.1.4), and their verification. Proof generation asks a {@link SubtreeHashes} for the
 * subtree hashes it needs; verification needs nothing but the proof.
 */
public final class MerkleTree {

    private MerkleTree() {
    }

    /** The largest power of two strictly smaller than {@code n} (n ≥ 2). */
    public static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** MTH(D[0:size]). */
    public static byte[] root(long size, SubtreeHashes hashes) {
        return size == 0 ? MerkleHash.EMPTY_ROOT.clone() : hashes.hash(0, size);
    }

    /** PATH(index, D[0:size]): the audit path of leaf {@code index}. */
    public static List<byte[]> inclusionProof(long index, long size, SubtreeHashes hashes) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, hashes, path);
        return path;
    }

    private static void path(long m, long start, long end, SubtreeHashes hashes, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, hashes, out);
            out.add(hashes.hash(start + k, end));
        } else {
            path(m - k, start + k, end, hashes, out);
            out.add(hashes.hash(start, start + k));
        }
    }

    /** PROOF(m, D[0:n]): the consistency proof between the trees of sizes {@code m} and {@code n}. */
    public static List<byte[]> consistencyProof(long m, long n, SubtreeHashes hashes) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        if (m > 0 && m < n) {
            subproof(m, 0, n, true, hashes, proof);
        }
        return proof;
    }

    private static void subproof(long m, long start, long end, boolean complete, SubtreeHashes hashes,
            List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(hashes.hash(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, complete, hashes, out);
            out.add(hashes.hash(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, hashes, out);
            out.add(hashes.hash(start, start + k));
        }
    }

    /** RFC 9162 §2.1.3.2; throws {@link ProofException} saying why when the proof does not hold. */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            throw new ProofException("leaf index " + index + " is outside a tree of size " + size);
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new ProofException("the inclusion proof is longer than a tree of size " + size + " needs");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHash.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleHash.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("the inclusion proof is shorter than a tree of size " + size + " needs");
        }
        if (!Arrays.equals(r, root)) {
            throw new ProofException("the inclusion proof does not lead to the root: leaf " + index
                    + " is not in this tree");
        }
    }

    /** RFC 9162 §2.1.4.2; throws {@link ProofException} saying why when the trees are not consistent. */
    public static void verifyConsistency(long m, long n, byte[] rootM, byte[] rootN, List<byte[]> proof) {
        if (m < 0 || m > n) {
            throw new ProofException("a tree of size " + m + " cannot precede one of size " + n);
        }
        if (m == n || m == 0) {
            if (!proof.isEmpty()) {
                throw new ProofException("a consistency proof from size " + m + " to " + n + " is empty");
            }
            if (m == n && !Arrays.equals(rootM, rootN)) {
                throw new ProofException("two trees of size " + n + " have different roots");
            }
            return;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(m) == 1) {
            path.add(0, rootM);
        }
        if (path.isEmpty()) {
            throw new ProofException("the consistency proof is empty");
        }
        long fn = m - 1;
        long sn = n - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new ProofException("the consistency proof is longer than needed");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHash.node(c, fr);
                sr = MerkleHash.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = MerkleHash.node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("the consistency proof is shorter than needed");
        }
        if (!Arrays.equals(fr, rootM)) {
            throw new ProofException("the consistency proof does not lead to the older root (size " + m + ")");
        }
        if (!Arrays.equals(sr, rootN)) {
            throw new ProofException("the consistency proof does not lead to the newer root (size " + n + ")");
        }
    }

    /** A proof that does not hold, with the reason. */
    public static final class ProofException extends RuntimeException {
        public ProofException(String message) {
            super(message);
        }
    }
}
