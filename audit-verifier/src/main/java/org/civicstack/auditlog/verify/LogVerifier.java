package org.civicstack.auditlog.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.checkpoint.NoteVerifier;
import org.civicstack.auditlog.checkpoint.NoteVerifierKey;
import org.civicstack.auditlog.log.HashChain;
import org.civicstack.auditlog.merkle.MerkleHash;

/**
 * Verifies a whole log against its signed checkpoints, streaming (memory: the checkpoints and O(log n) hashes):
 * every checkpoint's signature, that checkpoints never shrink, that entries are numbered 0, 1, 2, … without gaps,
 * the hash chain, the RFC 9162 root at every checkpoint size, and that no entry a checkpoint covers is missing at
 * the end. Each finding names the first bad entry or checkpoint; verification goes on where that still means
 * something (a broken chain is reported once).
 */
public final class LogVerifier {

    /**
     * One stored entry: its index, its canonical text ({@code null} once pruned by retention, then
     * {@code leafHash} is used) and its chain hash.
     */
    public record Entry(long index, String text, byte[] leafHash, byte[] chainHash) {
    }

    /** What was found: nothing means the log verifies. */
    public record Result(long entries, int checkpoints, List<String> findings) {
        public boolean verified() {
            return findings.isEmpty();
        }
    }

    private LogVerifier() {
    }

    public static Result verify(NoteVerifierKey key, List<String> notes, Iterator<Entry> entries) {
        List<String> findings = new ArrayList<>();
        List<Checkpoint> checkpoints = checkpoints(key, notes, findings);
        int next = 0; // the next checkpoint (by size) to compare
        long previousSize = 0;
        long expected = 0;
        byte[] chain = HashChain.GENESIS;
        boolean chainBroken = false;
        boolean rootFailed = false;
        CompactRange range = new CompactRange();
        while (entries.hasNext()) {
            Entry entry = entries.next();
            if (entry.index() != expected) {
                findings.add(entry.index() > expected
                        ? "entry " + expected + " is missing (the next entry is " + entry.index() + ")"
                        : "entry " + entry.index() + " is out of order or repeated (expected " + expected + ")");
                return new Result(expected, checkpoints.size(), findings);
            }
            byte[] leaf = entry.text() != null ? MerkleHash.leaf(entry.text().getBytes(StandardCharsets.UTF_8))
                    : entry.leafHash();
            if (leaf == null) {
                findings.add("entry " + expected + " has neither text nor leaf hash");
                return new Result(expected, checkpoints.size(), findings);
            }
            if (!chainBroken) {
                chain = HashChain.next(chain, leaf);
                if (entry.chainHash() != null && !Arrays.equals(chain, entry.chainHash())) {
                    findings.add("entry " + expected + " was altered, removed or reordered: its chain hash does "
                            + "not follow from the entries before it");
                    chainBroken = true;
                }
            }
            range.append(leaf);
            expected++;
            while (next < checkpoints.size() && checkpoints.get(next).size() == expected) {
                Checkpoint checkpoint = checkpoints.get(next++);
                if (!rootFailed && !Arrays.equals(range.root(), checkpoint.rootHash())) {
                    findings.add("checkpoint of size " + checkpoint.size() + " does not match the entries: the "
                            + "first divergence is in entries [" + previousSize + ", " + checkpoint.size() + ")");
                    rootFailed = true;
                }
                previousSize = checkpoint.size();
            }
        }
        while (next < checkpoints.size() && checkpoints.get(next).size() == 0) {
            next++;
        }
        if (next < checkpoints.size()) {
            Checkpoint missing = checkpoints.get(checkpoints.size() - 1);
            findings.add("the log was truncated: it ends at entry " + expected + " but the checkpoint of size "
                    + missing.size() + " covers entries [" + expected + ", " + missing.size() + ")");
        }
        return new Result(expected, checkpoints.size(), findings);
    }

    /** The verified checkpoints in size order; bad signatures and shrinking sizes become findings. */
    private static List<Checkpoint> checkpoints(NoteVerifierKey key, List<String> notes, List<String> findings) {
        List<Checkpoint> verified = new ArrayList<>();
        long largest = -1;
        for (int i = 0; i < notes.size(); i++) {
            Checkpoint checkpoint;
            try {
                checkpoint = NoteVerifier.verify(notes.get(i), key);
            } catch (NoteVerifier.NoteException e) {
                findings.add("checkpoint #" + (i + 1) + " (" + describe(notes.get(i)) + ") is not valid: "
                        + e.getMessage());
                continue;
            }
            if (!checkpoint.origin().equals(key.name())) {
                findings.add("checkpoint #" + (i + 1) + " is of another log: " + checkpoint.origin());
                continue;
            }
            if (checkpoint.size() < largest) {
                findings.add("checkpoint #" + (i + 1) + " (size " + checkpoint.size() + ") is smaller than an "
                        + "earlier one (size " + largest + "): the log was rolled back");
                continue;
            }
            largest = checkpoint.size();
            verified.add(checkpoint);
        }
        return verified;
    }

    private static String describe(String note) {
        String[] lines = note.split("\n", 3);
        return lines.length > 1 ? "size " + lines[1] : "unreadable";
    }

    /** The right edge of a growing tree: perfect subtrees, largest first; their right fold is the RFC 9162 root. */
    static final class CompactRange {
        private final List<byte[]> hashes = new ArrayList<>();
        private final List<Integer> heights = new ArrayList<>();

        void append(byte[] leaf) {
            hashes.add(leaf);
            heights.add(0);
            int n = hashes.size();
            while (n >= 2 && heights.get(n - 1).equals(heights.get(n - 2))) {
                byte[] merged = MerkleHash.node(hashes.get(n - 2), hashes.get(n - 1));
                int height = heights.get(n - 1) + 1;
                hashes.remove(n - 1);
                heights.remove(n - 1);
                hashes.set(n - 2, merged);
                heights.set(n - 2, height);
                n--;
            }
        }

        byte[] root() {
            if (hashes.isEmpty()) {
                return MerkleHash.EMPTY_ROOT.clone();
            }
            byte[] root = hashes.get(hashes.size() - 1);
            for (int i = hashes.size() - 2; i >= 0; i--) {
                root = MerkleHash.node(hashes.get(i), root);
            }
            return root;
        }
    }
}
