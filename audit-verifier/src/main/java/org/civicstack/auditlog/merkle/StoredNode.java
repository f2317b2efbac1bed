package org.civicstack.auditlog.merkle;

/** The hash of the perfect subtree at {@code level} number {@code index}: leaves [index·2^level, (index+1)·2^level). */
public record StoredNode(int level, long index, byte[] hash) {
}
