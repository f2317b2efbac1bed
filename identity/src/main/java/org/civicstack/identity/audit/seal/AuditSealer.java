package org.civicstack.identity.audit.seal;

import java.util.List;
import java.util.Optional;

import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.auditlog.merkle.TiledSubtreeHashes;
import org.civicstack.identity.audit.log.JdbcTileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals the log: stores the Merkle tree nodes completed since the last checkpoint, computes the RFC 9162 tree head
 * over every entry, signs it as a C2SP checkpoint, stores it and appends it to the {@link CheckpointAnchor} outside
 * the database. Runs on a schedule and on demand; a seal with nothing new returns the latest checkpoint. One sealer
 * at a time across instances (the log head is locked), and a checkpoint only ever grows.
 */
public final class AuditSealer {

    private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);

    /** A stored checkpoint. */
    public record Sealed(long treeSize, byte[] rootHash, String note) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final JdbcTileStore tiles;
    private final AuditLogKey key;
    private final CheckpointAnchor anchor;
    private final String origin;

    public AuditSealer(JdbcTemplate jdbc, TransactionTemplate transaction, AuditLogKey key, CheckpointAnchor anchor,
            String origin) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.tiles = new JdbcTileStore(jdbc);
        this.key = key;
        this.anchor = anchor;
        this.origin = origin;
    }

    /** Seals what was appended since the last checkpoint; empty when the log is empty. */
    public Optional<Sealed> seal() {
        Sealed[] created = new Sealed[1];
        Optional<Sealed> latest = transaction.execute(status -> {
            List<Long> sizes = jdbc.queryForList("SELECT size FROM audit_head FOR UPDATE", Long.class);
            long size = sizes.isEmpty() ? 0 : sizes.get(0);
            Optional<Sealed> previous = latest();
            long previousSize = previous.map(Sealed::treeSize).orElse(0L);
            if (size == 0 || size == previousSize) {
                return previous;
            }
            tiles.store(TiledSubtreeHashes.newNodes(previousSize, size, tiles));
            byte[] root = MerkleTree.root(size, new TiledSubtreeHashes(tiles));
            String note = key.signer().sign(new Checkpoint(origin, size, root, List.of()).body());
            jdbc.update("INSERT INTO audit_checkpoint (tree_size, root_hash, note) VALUES (?, ?, ?)", size, root, note);
            created[0] = new Sealed(size, root, note);
            return Optional.of(created[0]);
        });
        if (created[0] != null) {
            anchorOutsideTheDatabase(created[0]);
        }
        return latest == null ? Optional.empty() : latest;
    }

    /**
     * After the commit: a checkpoint in the database but not in the file (a crash in between) is found by the verify
     * API as "not anchored" and anchored on the next seal ({@link #anchorMissing}).
     */
    private void anchorOutsideTheDatabase(Sealed sealed) {
        try {
            anchor.append(sealed.note());
        } catch (RuntimeException e) {
            log.error("Checkpoint {} is sealed but could not be anchored outside the database: {}",
                    sealed.treeSize(), e.getMessage());
        }
    }

    public Optional<Sealed> latest() {
        return jdbc.query("SELECT tree_size, root_hash, note FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1",
                (row, n) -> new Sealed(row.getLong(1), row.getBytes(2), row.getString(3))).stream().findFirst();
    }

    /** Every checkpoint, oldest first, with tree sizes in {@code [from, to]}. */
    public List<Sealed> checkpoints(long from, long to, int limit) {
        return jdbc.query("SELECT tree_size, root_hash, note FROM audit_checkpoint WHERE tree_size BETWEEN ? AND ? "
                        + "ORDER BY tree_size LIMIT ?",
                (row, n) -> new Sealed(row.getLong(1), row.getBytes(2), row.getString(3)), from, to, limit);
    }

    public Optional<Sealed> checkpoint(long treeSize) {
        return jdbc.query("SELECT tree_size, root_hash, note FROM audit_checkpoint WHERE tree_size = ?",
                (row, n) -> new Sealed(row.getLong(1), row.getBytes(2), row.getString(3)), treeSize)
                .stream().findFirst();
    }

    /** Anchors checkpoints the file lacks (after a failed append), oldest first. */
    public int anchorMissing() {
        java.util.Set<String> anchored = new java.util.HashSet<>(anchor.notes());
        int added = 0;
        for (Sealed sealed : checkpoints(0, Long.MAX_VALUE, Integer.MAX_VALUE)) {
            if (!anchored.contains(sealed.note())) {
                anchor.append(sealed.note());
                added++;
            }
        }
        return added;
    }

    public String origin() {
        return origin;
    }

    public AuditLogKey key() {
        return key;
    }

    public JdbcTileStore tiles() {
        return tiles;
    }
}
