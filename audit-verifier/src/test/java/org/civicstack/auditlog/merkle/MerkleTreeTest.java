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

    static List<byte[]> referenceLeafHashes() {
        List<byte[]> leafHashes = new ArrayList<>();
        for (String leaf : LEAVES) {
            leafHashes.add(MerkleHash.leaf(HEX.parseHex(leaf)));
        }
        return leafHashes;
    }

    static List<byte[]> hashes(List<String> hex) {
        return hex.stream().map(HEX::parseHex).toList();
    }

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

        /**
         * The published inclusion proofs over the reference leaves (Certificate Transparency's C++, Python and Go
         * implementations, and Trillian, share them): ours are byte for byte the same, and verify.
         */
        @Test
        void inclusionProofsOfTheReferenceTrees() {
            List<byte[]> leafHashes = referenceLeafHashes();
            Object[][] vectors = {
                    {0, 1, new String[] {}},
                    {0, 2, new String[] {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"}},
                    {1, 2, new String[] {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}},
                    {2, 3, new String[] {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
                    {1, 5, new String[] {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
                    {0, 8, new String[] {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
                    {5, 8, new String[] {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}}};
            for (Object[] vector : vectors) {
                int index = (int) vector[0];
                int size = (int) vector[1];
                List<String> expected = List.of((String[]) vector[2]);
                List<byte[]> proof = MerkleTree.inclusionProof(index, size, new InMemorySubtreeHashes(leafHashes));
                assertThat(proof.stream().map(HEX::formatHex).toList()).as("PATH(%d, D[%d])", index, size)
                        .isEqualTo(expected);
                MerkleTree.verifyInclusion(index, size, leafHashes.get(index), hashes(expected),
                        HEX.parseHex(ROOTS[size - 1]));
            }
        }

        /** The published consistency proofs over the reference leaves: ours are the same, and verify. */
        @Test
        void consistencyProofsOfTheReferenceTrees() {
            List<byte[]> leafHashes = referenceLeafHashes();
            Object[][] vectors = {
                    {1, 1, new String[] {}},
                    {1, 8, new String[] {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
                    {6, 8, new String[] {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
                    {2, 5, new String[] {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}}};
            for (Object[] vector : vectors) {
                int m = (int) vector[0];
                int n = (int) vector[1];
                List<String> expected = List.of((String[]) vector[2]);
                List<byte[]> proof = MerkleTree.consistencyProof(m, n, new InMemorySubtreeHashes(leafHashes));
                assertThat(proof.stream().map(HEX::formatHex).toList()).as("PROOF(%d, D[%d])", m, n)
                        .isEqualTo(expected);
                MerkleTree.verifyConsistency(m, n, HEX.parseHex(ROOTS[m - 1]), HEX.parseHex(ROOTS[n - 1]),
                        hashes(expected));
            }
            // and the published refusals: a truncated proof, a flipped bit in either root
            List<byte[]> proof68 = hashes(List.of((String[]) vectors[2][2]));
            assertThatThrownBy(() -> MerkleTree.verifyConsistency(6, 8, HEX.parseHex(ROOTS[5]), HEX.parseHex(ROOTS[7]),
                    proof68.subList(0, 2))).isInstanceOf(MerkleTree.ProofException.class);
            assertThatThrownBy(() -> MerkleTree.verifyConsistency(6, 8, HEX.parseHex(ROOTS[5]),
                    HEX.parseHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604329"), proof68))
                    .isInstanceOf(MerkleTree.ProofException.class);
            assertThatThrownBy(() -> MerkleTree.verifyConsistency(6, 8,
                    HEX.parseHex("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ee"),
                    HEX.parseHex(ROOTS[7]), proof68)).isInstanceOf(MerkleTree.ProofException.class);
        }

        /**
         * An audit path served by a real Certificate Transparency log (the reference Python client's test data):
         * entry 848,049 of a tree of 3,630,887 — our verifier accepts it, and refuses it for another root.
         */
        @Test
        void anInclusionProofFromARealCertificateTransparencyLogVerifies() {
            List<byte[]> path = hashes(List.of(
                    "1a208aeebcd1b39fe2de247ee8db9454e1e93a312d206b87f6ca9cc6ec6f1ddd",
                    "0a1b78b383f580856f433c01a5741e160d451c185910027f6cc9f828687a40c4",
                    "3d1745789bc63f2da15850de1c12a5bf46ed81e1cc90f086148b1662e79aab3d",
                    "9095b61e14d8990acf390905621e62b1714fb8e399fbb71de5510e0aef45affe",
                    "0a332b91b8fab564e6afd1dd452449e04619b18accc0ff9aa8393cd4928451f2",
                    "2336f0181d264aed6d8f3a6507ca14a8d3b3c3a23791ac263e845d208c1ee330",
                    "b4ce56e300590500360c146c6452edbede25d4ed83919278749ee5dbe178e048",
                    "933f6ddc848ea562e4f9c5cfb5f176941301dad0c6fdb9d1fbbe34fac1be6966",
                    "b95a6222958a86f74c030be27c44f57dbe313e5e7c7f4ffb98bcbd3a03bb52f2",
                    "daeeb3ce5923defd0faeb8e0c210b753b85b809445d7d3d3cd537a9aabaa9c45",
                    "7fadd0a13e9138a2aa6c3fdec4e2275af233b94812784f66bcca9aa8e989f2bc",
                    "1864e6ba3e32878610546539734fb5eeae2529991f130c575c73a7e25a2a7c56",
                    "12842d1202b1dc6828a17ab253c02e7ce9409b5192430feba44189f39cc02d66",
                    "29af64b16fa3053c13d02ac63aa75b23aa468506e44c3a2315edc85d2dc22b11",
                    "b527b99934a0bd9edd154e449b0502e2c499bba783f3bc3dfe23364b6b532009",
                    "4584db8ae8e351ace08e01f306378a92bfd43611714814f3d834a2842d69faa8",
                    "86a9a41573b0d6e4292f01e93243d6cc65b30f06606fc6fa57390e7e90ed580f",
                    "a88b98fbe84d4c6aae8db9d1605dfac059d9f03fe0fcb0d5dff1295dacba09e6",
                    "06326dc617a6d1f7021dc536026dbfd5fffc6f7c5531d48ef6ccd1ed1569f2a1",
                    "f41fe8fdc3a2e4e8345e30216e7ebecffee26ff266eeced208a6c2a3cf08f960",
                    "40cf5bde8abb76983f3e98ba97aa36240402975674e120f234b3448911090f8d",
                    "b3222dc8658538079883d980d7fdc2bef9285344ea34338968f736b04aeb387a"));
            byte[] leaf = HEX.parseHex("7a395c866d5ecdb0cccb623e011dbc392cd348d1d1d72776174e127a24b09c78");
            byte[] root = HEX.parseHex("78316a05c9bcf14a3a4548f5b854a9adfcd46a4c034401b3ce7eb7ac2f1d0ecb");
            MerkleTree.verifyInclusion(848_049, 3_630_887, leaf, path, root);
            assertThatThrownBy(() -> MerkleTree.verifyInclusion(848_049, 3_630_887, leaf, path, new byte[32]))
                    .isInstanceOf(MerkleTree.ProofException.class);
            assertThatThrownBy(() -> MerkleTree.verifyInclusion(848_050, 3_630_887, leaf, path, root))
                    .isInstanceOf(MerkleTree.ProofException.class);
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
