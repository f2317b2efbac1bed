package org.civicstack.auditlog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.checkpoint.NoteSigner;
import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.InMemorySubtreeHashes;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.auditlog.verify.LogVerifier.Entry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each kind of tampering is detected and the first bad entry or checkpoint is named. */
class LogVerifierTest {

    static final String ORIGIN = "example.org/audit";
    static final long[] SEALED_AT = {50, 128, 200, 300};

    NoteSigner signer;
    List<String> texts;
    List<String> notes;

    @BeforeEach
    void aLogOfThreeHundredEntriesSealedFourTimes() throws Exception {
        signer = signer();
        texts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            texts.add("{\"at\":\"2026-12-03T00:00:00Z\",\"event_id\":\"e" + i + "\",\"jti\":\"j" + i
                    + "\",\"kind\":\"token_used\",\"source\":\"gateway\"}");
        }
        notes = sealed(texts, signer);
    }

    static NoteSigner signer() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = pair.getPublic().getEncoded();
        return NoteSigner.of(ORIGIN, pair.getPrivate(), Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    static List<String> sealed(List<String> texts, NoteSigner signer) {
        List<byte[]> leaves = texts.stream().map(t -> MerkleHash.leaf(t.getBytes(StandardCharsets.UTF_8))).toList();
        List<String> notes = new ArrayList<>();
        for (long size : SEALED_AT) {
            byte[] root = MerkleTree.root(size, new InMemorySubtreeHashes(leaves));
            notes.add(signer.sign(new Checkpoint(ORIGIN, size, root, List.of()).body()));
        }
        return notes;
    }

    /** Entries as stored: the chain computed over {@code texts}, indexes 0.. */
    static List<Entry> stored(List<String> texts) {
        List<Entry> entries = new ArrayList<>();
        byte[] chain = HashChain.GENESIS;
        for (int i = 0; i < texts.size(); i++) {
            byte[] leaf = MerkleHash.leaf(texts.get(i).getBytes(StandardCharsets.UTF_8));
            chain = HashChain.next(chain, leaf);
            entries.add(new Entry(i, texts.get(i), leaf, chain));
        }
        return entries;
    }

    LogVerifier.Result verify(List<String> notes, List<Entry> entries) {
        return LogVerifier.verify(signer.verifierKey(), notes, entries.iterator());
    }

    @Test
    void untouchedLogVerifies() {
        LogVerifier.Result result = verify(notes, stored(texts));
        assertThat(result.findings()).isEmpty();
        assertThat(result.entries()).isEqualTo(300);
        assertThat(result.checkpoints()).isEqualTo(4);
    }

    @Nested
    class Tampering {

        @Test
        void changedFieldOfOneEntryIsNamed() {
            List<Entry> entries = stored(texts);
            Entry original = entries.get(120);
            entries.set(120, new Entry(120, original.text().replace("\"j120\"", "\"j999\""), original.leafHash(),
                    original.chainHash()));
            assertThat(verify(notes, entries).findings()).first().asString().startsWith("entry 120 was altered");
        }

        @Test
        void deletedEntryIsNamed() {
            List<Entry> entries = stored(texts);
            entries.remove(77);
            assertThat(verify(notes, entries).findings()).containsExactly(
                    "entry 77 is missing (the next entry is 78)");
        }

        @Test
        void reorderedEntriesAreNamed() {
            List<Entry> entries = stored(texts);
            Entry ten = entries.get(10);
            Entry eleven = entries.get(11);
            entries.set(10, new Entry(10, eleven.text(), eleven.leafHash(), eleven.chainHash()));
            entries.set(11, new Entry(11, ten.text(), ten.leafHash(), ten.chainHash()));
            assertThat(verify(notes, entries).findings()).first().asString().startsWith("entry 10 was altered");
        }

        @Test
        void truncatedTailIsNamed() {
            List<Entry> entries = stored(texts).subList(0, 250);
            assertThat(verify(notes, entries).findings()).containsExactly("the log was truncated: it ends at entry 250 "
                    + "but the checkpoint of size 300 covers entries [250, 300)");
        }

        @Test
        void checkpointReSignedWithAnotherKeyIsNamed() throws Exception {
            List<String> forged = new ArrayList<>(notes);
            String body = forged.get(2).substring(0, forged.get(2).indexOf("\n\n") + 1);
            forged.set(2, signer().sign(body));
            assertThat(verify(forged, stored(texts)).findings()).first().asString()
                    .startsWith("checkpoint #3 (size 200) is not valid: not signed by");
        }

        @Test
        void logRewrittenConsistentlyFromSomePointOnIsCaughtByTheFirstLaterCheckpoint() {
            List<String> rewritten = new ArrayList<>(texts);
            for (int i = 150; i < 300; i++) {
                rewritten.set(i, rewritten.get(i).replace("token_used", "token_issued"));
            }
            // chain and leaf hashes recomputed: the chain alone cannot tell
            LogVerifier.Result result = verify(notes, stored(rewritten));
            assertThat(result.findings()).containsExactly("checkpoint of size 200 does not match the entries: the "
                    + "first divergence is in entries [128, 200)");
        }

        @Test
        void rolledBackCheckpointIsNamed() {
            List<String> rolledBack = new ArrayList<>(notes);
            rolledBack.add(notes.get(0));
            assertThat(verify(rolledBack, stored(texts)).findings()).containsExactly(
                    "checkpoint #5 (size 50) is smaller than an earlier one (size 300): the log was rolled back");
        }
    }

    @Test
    void prunedEntriesVerifyByTheirLeafHash() {
        List<Entry> entries = stored(texts);
        Entry first = entries.get(0);
        entries.set(0, new Entry(0, null, first.leafHash(), first.chainHash()));
        assertThat(verify(notes, entries).findings()).isEmpty();
    }
}
