package org.civicstack.auditlog.merkle;

import java.util.List;

/**
 * Where a large tree's hashes live: every leaf hash, and the hashes of perfect subtrees at the stored levels
 * ({@link TiledSubtreeHashes#STORED_LEVEL_STEP} and its multiples). Both methods return exactly {@code to - from}
 * hashes in index order or throw.
 */
public interface TileStore {

    List<byte[]> leafHashes(long from, long to);

    List<byte[]> nodes(int level, long from, long to);
}
