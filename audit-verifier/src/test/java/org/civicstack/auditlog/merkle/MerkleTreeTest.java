package org.civicstack.auditlog.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();
    /** The RFC 6962 / RFC 9162 test leaves of the Certificate Transparency reference implementations. */
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(MerkleHash.leaf(("entry " + i).getBytes()));
        }
        return leaves;
    }

    @Nested
    class KnownAnswers {

        @Test
        void rootsOfTheReferenceTreesOfSizesOneToEight() {
            List<byte[]> leafHashes = new ArrayList<>();
            for (String leaf : LEAVES) {
                leafHashes.add(MerkleHash.leaf(HEX.parseHex(leaf)));
            }
            for (int size = 1; size <= 8; size++) {
                assertThat(HEX.formatHex(MerkleTree.root(size, new InMemorySubtreeHashes(leafHashes))))
                        .as("root of size %d", size).isEqualTo(ROOTS[size - 1]);
            }
        }

        @Test
        void emptyTreeIsTheHashOfNothing() {
            assertThat(HEX.formatHex(MerkleTree.root(0, new InMemorySubtreeHashes(List.of()))))
                    .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }
    }

    @Nested
    class InclusionProofs {

        @Test
        void everyLeafOfEveryTreeUpToSeventyVerifiesAndAlteredProofsFail() {
            List<byte[]> leaves = leaves(70);
            InMemorySubtreeHashes hashes = new InMemorySubtreeHashes(leaves);
            for (int size = 1; size <= 70; size++) {
                byte[] root = MerkleTree.root(size, hashes);
                for (int index = 0; index < size; index++) {
                    List<byte[]> proof = MerkleTree.inclusionProof(index, size, hashes);
                    MerkleTree.verifyInclusion(index, size, leaves.get(index), proof, root);
                    int i = index;
                    int s = size;
                    assertThatThrownBy(() -> MerkleTree.verifyInclusion(i, s, leaves.get((i + 1) % 70), proof, root))
                            .isInstanceOf(MerkleTree.ProofException.class);
                    if (!proof.isEmpty()) {
                        List<byte[]> altered = new ArrayList<>(proof);
                        altered.set(0, MerkleHash.leaf(new byte[] {1}));
                        assertThatThrownBy(() -> MerkleTree.verifyInclusion(i, s, leaves.get(i), altered, root))
                                .isInstanceOf(MerkleTree.ProofException.class);
                    }
                    if (size > 1) {
                        assertThatThrownBy(() -> MerkleTree.verifyInclusion((i + 1) % s == i ? 0 : (i + 1) % s, s,
                                leaves.get(i), proof, root)).isInstanceOf(MerkleTree.ProofException.class);
                    }
                }
            }
        }
    }

    @Nested
    class ConsistencyProofs {

        @Test
        void everyPairOfSizesUpToSeventyIsConsistentAndAlteredProofsFail() {
            List<byte[]> leaves = leaves(70);
            InMemorySubtreeHashes hashes = new InMemorySubtreeHashes(leaves);
            for (int n = 1; n <= 70; n++) {
                byte[] rootN = MerkleTree.root(n, hashes);
                for (int m = 1; m <= n; m++) {
                    byte[] rootM = MerkleTree.root(m, hashes);
                    List<byte[]> proof = MerkleTree.consistencyProof(m, n, hashes);
                    MerkleTree.verifyConsistency(m, n, rootM, rootN, proof);
                    if (m < n) {
                        int mm = m;
                        int nn = n;
                        List<byte[]> altered = new ArrayList<>(proof);
                        altered.set(altered.size() - 1, MerkleHash.leaf(new byte[] {2}));
                        assertThatThrownBy(() -> MerkleTree.verifyConsistency(mm, nn, rootM, rootN, altered))
                                .isInstanceOf(MerkleTree.ProofException.class);
                        byte[] otherRoot = MerkleTree.root(m, new InMemorySubtreeHashes(leaves(70).subList(1, 70)));
                        assertThatThrownBy(() -> MerkleTree.verifyConsistency(mm, nn, otherRoot, rootN, proof))
                                .isInstanceOf(MerkleTree.ProofException.class);
                    }
                }
            }
        }
    }

    @Nested
    class Tiles {

        /** A TileStore in memory, counting what is read. */
        static final class MemoryTiles implements TileStore {
            final List<byte[]> leaves = new ArrayList<>();
            final Map<Integer, Map<Long, byte[]>> nodes = new HashMap<>();
            long maxRead;

            @Override
            public List<byte[]> leafHashes(long from, long to) {
                maxRead = Math.max(maxRead, to - from);
                return new ArrayList<>(leaves.subList((int) from, (int) to));
            }

            @Override
            public List<byte[]> nodes(int level, long from, long to) {
                maxRead = Math.max(maxRead, to - from);
                List<byte[]> out = new ArrayList<>();
                for (long i = from; i < to; i++) {
                    byte[] hash = nodes.getOrDefault(level, Map.of()).get(i);
                    if (hash == null) {
                        throw new IllegalStateException("node " + level + "/" + i + " not stored");
                    }
                    out.add(hash);
                }
                return out;
            }
        }

        @Test
        void tiledHashesEqualTheInMemoryOnesAsTheTreeGrowsUnevenly() {
            List<byte[]> all = leaves(70_000);
            MemoryTiles tiles = new MemoryTiles();
            Random random = new Random(7);
            long size = 0;
            InMemorySubtreeHashes reference = new InMemorySubtreeHashes(all);
            while (size < all.size()) {
                long next = Math.min(all.size(), size + 1 + random.nextInt(9_000));
                tiles.leaves.addAll(all.subList((int) size, (int) next));
                for (StoredNode node : TiledSubtreeHashes.newNodes(size, next, tiles)) {
                    tiles.nodes.computeIfAbsent(node.level(), l -> new HashMap<>()).put(node.index(), node.hash());
                }
                size = next;
                TiledSubtreeHashes tiled = new TiledSubtreeHashes(tiles);
                assertThat(MerkleTree.root(size, tiled)).isEqualTo(MerkleTree.root(size, reference));
                long index = random.nextLong(size);
                assertThat(MerkleTree.inclusionProof(index, size, tiled))
                        .containsExactlyElementsOf(MerkleTree.inclusionProof(index, size, reference));
                long m = 1 + random.nextLong(size);
                assertThat(MerkleTree.consistencyProof(m, size, tiled))
                        .containsExactlyElementsOf(MerkleTree.consistencyProof(m, size, reference));
            }
            assertThat(tiles.maxRead).as("hashes read per run").isLessThanOrEqualTo(256);
        }
    }
}
