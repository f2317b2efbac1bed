package org.civicstack.auditlog.merkle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subtree hashes of a large tree from a {@link TileStore}: a perfect subtree of height h is combined from at most
 * 2^7 = 128 hashes of the highest stored level at or below h (levels 8, 16, 24, …), or from its leaves when
 * h &lt; 8; the right edge of a range recurses as MTH does. A proof or tree head therefore reads O(log n) short runs.
 */
public final class TiledSubtreeHashes implements SubtreeHashes {

    /** Stored levels are the positive multiples of this. */
    public static final int STORED_LEVEL_STEP = 8;

    private final TileStore store;

    public TiledSubtreeHashes(TileStore store) {
        this.store = store;
    }

    @Override
    public byte[] hash(long start, long end) {
        long n = end - start;
        if (n == 0) {
            return MerkleHash.EMPTY_ROOT.clone();
        }
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return perfect(start, Long.numberOfTrailingZeros(n));
        }
        long k = MerkleTree.largestPowerOfTwoBelow(n);
        return MerkleHash.node(hash(start, start + k), hash(start + k, end));
    }

    /** The perfect subtree of height {@code height} starting at leaf {@code start}. */
    private byte[] perfect(long start, int height) {
        int level = height / STORED_LEVEL_STEP * STORED_LEVEL_STEP;
        long count = 1L << (height - level);
        List<byte[]> base = level == 0 ? store.leafHashes(start, start + count)
                : store.nodes(level, start >> level, (start >> level) + count);
        return combine(base);
    }

    /** The root of a perfect tree over {@code hashes} (a power-of-two count). */
    static byte[] combine(List<byte[]> hashes) {
        List<byte[]> level = hashes;
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(MerkleHash.node(level.get(i), level.get(i + 1)));
            }
            level = next;
        }
        return level.get(0);
    }

    /**
     * The stored-level nodes that became complete when the tree grew from {@code oldSize} to {@code newSize}, lowest
     * level first; the caller stores them before the next call. Leaves are read in runs of at most 65,536.
     */
    public static List<StoredNode> newNodes(long oldSize, long newSize, TileStore store) {
        List<StoredNode> created = new ArrayList<>();
        Map<Long, byte[]> below = new HashMap<>(); // nodes created at the previous stored level, by index
        for (int level = STORED_LEVEL_STEP; level < 63 && (1L << level) <= newSize; level += STORED_LEVEL_STEP) {
            long first = oldSize >> level;
            long last = newSize >> level; // exclusive
            int childLevel = level - STORED_LEVEL_STEP;
            Map<Long, byte[]> current = new HashMap<>();
            for (long index = first; index < last; index++) {
                long childFrom = index << STORED_LEVEL_STEP;
                long childTo = childFrom + (1L << STORED_LEVEL_STEP);
                List<byte[]> children = childLevel == 0 ? store.leafHashes(index << level, (index + 1) << level)
                        : children(store, below, childLevel, childFrom, childTo);
                byte[] hash = combine(children);
                current.put(index, hash);
                created.add(new StoredNode(level, index, hash));
            }
            below = current;
        }
        return created;
    }

    private static List<byte[]> children(TileStore store, Map<Long, byte[]> fresh, int level, long from, long to) {
        List<byte[]> children = new ArrayList<>((int) (to - from));
        long storedUntil = from;
        while (storedUntil < to && !fresh.containsKey(storedUntil)) {
            storedUntil++;
        }
        if (storedUntil > from) {
            children.addAll(store.nodes(level, from, storedUntil));
        }
        for (long i = storedUntil; i < to; i++) {
            children.add(fresh.get(i));
        }
        return children;
    }
}
