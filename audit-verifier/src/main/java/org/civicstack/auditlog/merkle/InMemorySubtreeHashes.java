package org.civicstack.auditlog.merkle;

import java.util.List;

/** Subtree hashes computed from a list of leaf hashes held in memory (tests, small logs). */
public final class InMemorySubtreeHashes implements SubtreeHashes {

    private final List<byte[]> leafHashes;

    public InMemorySubtreeHashes(List<byte[]> leafHashes) {
        this.leafHashes = leafHashes;
    }

    @Override
    public byte[] hash(long start, long end) {
        long n = end - start;
        if (n == 0) {
            return MerkleHash.EMPTY_ROOT.clone();
        }
        if (n == 1) {
            return leafHashes.get((int) start);
        }
        long k = MerkleTree.largestPowerOfTwoBelow(n);
        return MerkleHash.node(hash(start, start + k), hash(start + k, end));
    }
}
