package org.civicstack.auditlog.merkle;

/**
 * MTH(D[start:end]) of RFC 9162 for the ranges {@link MerkleTree} asks for: {@code end - start} leaves starting at
 * {@code start}, where {@code start} is a multiple of the largest power of two smaller than {@code end - start}
 * whenever the range has more than one leaf (the ranges of the RFC's recursive definitions, starting from 0).
 */
@FunctionalInterface
public interface SubtreeHashes {

    byte[] hash(long start, long end);
}
