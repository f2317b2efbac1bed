package org.civicstack.identity.audit.log;

import java.util.List;

import org.civicstack.auditlog.merkle.StoredNode;
import org.civicstack.auditlog.merkle.TileStore;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The log's Merkle tree as PostgreSQL holds it: leaf hashes in {@code audit_entry} and {@code audit_use_batch}, stored
 * levels in {@code audit_tree_node}.
 */
public final class JdbcTileStore implements TileStore {

    private final JdbcTemplate jdbc;
    private final UseBatches uses;

    public JdbcTileStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.uses = new UseBatches(jdbc);
    }

    /** Leaf hashes {@code [from, to)}: of the entries with rows of their own and of the uses in batch rows. */
    @Override
    public List<byte[]> leafHashes(long from, long to) {
        java.util.Map<Long, byte[]> bySeq = new java.util.HashMap<>();
        jdbc.query("SELECT seq, leaf_hash FROM audit_entry WHERE seq >= ? AND seq < ?",
                row -> {
                    bySeq.put(row.getLong(1), row.getBytes(2));
                }, from, to);
        uses.leafHashes(from, to, bySeq);
        if (bySeq.size() != to - from) {
            throw new IllegalStateException("the log has " + bySeq.size() + " leaves in [" + from + ", " + to
                    + "), expected " + (to - from) + ": entries are missing");
        }
        List<byte[]> hashes = new java.util.ArrayList<>((int) (to - from));
        for (long seq = from; seq < to; seq++) {
            hashes.add(bySeq.get(seq));
        }
        return hashes;
    }

    @Override
    public List<byte[]> nodes(int level, long from, long to) {
        List<byte[]> hashes = jdbc.query("SELECT hash FROM audit_tree_node WHERE level = ? AND idx >= ? AND idx < ? "
                + "ORDER BY idx", (row, n) -> row.getBytes(1), level, from, to);
        if (hashes.size() != to - from) {
            throw new IllegalStateException("the log has " + hashes.size() + " level-" + level + " nodes in [" + from
                    + ", " + to + "), expected " + (to - from));
        }
        return hashes;
    }

    /** Stores nodes that became complete; an existing node is kept (a retried seal computes the same hash). */
    public void store(List<StoredNode> nodes) {
        jdbc.batchUpdate("INSERT INTO audit_tree_node (level, idx, hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                nodes, 500, (ps, node) -> {
                    ps.setInt(1, node.level());
                    ps.setLong(2, node.index());
                    ps.setBytes(3, node.hash());
                });
    }
}
