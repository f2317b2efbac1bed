package org.civicstack.identity.audit.seal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import org.civicstack.auditlog.verify.LogVerifier;
import org.civicstack.identity.audit.log.AuditSearch;
import org.civicstack.identity.audit.log.AuditSearch.StoredEntry;

/**
 * The verify API's check, the same code as the offline verifier ({@link LogVerifier}): every entry in the database
 * against the checkpoints in the database, and again against the checkpoints anchored outside it — so a database
 * rewritten as a whole, checkpoints included, still fails against the anchor file.
 */
public final class AuditVerification {

    private static final int PAGE = 5_000;

    /** The outcome: findings prefixed with where the checkpoints came from. */
    public record Outcome(long entries, int databaseCheckpoints, int anchoredCheckpoints, List<String> findings) {
        public boolean verified() {
            return findings.isEmpty();
        }
    }

    private final AuditSearch search;
    private final AuditSealer sealer;
    private final CheckpointAnchor anchor;

    public AuditVerification(AuditSearch search, AuditSealer sealer, CheckpointAnchor anchor) {
        this.search = search;
        this.sealer = sealer;
        this.anchor = anchor;
    }

    public Outcome verify() {
        List<String> stored = sealer.checkpoints(0, Long.MAX_VALUE, Integer.MAX_VALUE).stream()
                .map(AuditSealer.Sealed::note).toList();
        List<String> anchored = anchor.notes();
        List<String> findings = new ArrayList<>();
        LogVerifier.Result database = LogVerifier.verify(sealer.key().verifierKey(), stored, entries());
        database.findings().forEach(f -> findings.add("database: " + f));
        LogVerifier.Result outside = LogVerifier.verify(sealer.key().verifierKey(), anchored, entries());
        outside.findings().forEach(f -> findings.add("anchor: " + f));
        Set<String> inDatabase = new HashSet<>(stored);
        for (String note : anchored) {
            if (!inDatabase.contains(note)) {
                findings.add("anchor: the checkpoint of size " + note.split("\n", 3)[1]
                        + " is anchored but missing from the database");
            }
        }
        return new Outcome(database.entries(), stored.size(), anchored.size(), findings);
    }

    /** Every entry in index order, read a page at a time. */
    private Iterator<LogVerifier.Entry> entries() {
        return new Iterator<>() {
            private long next;
            private Iterator<StoredEntry> page = fetch();

            private Iterator<StoredEntry> fetch() {
                List<StoredEntry> rows = search.range(next, next + PAGE);
                next += PAGE;
                return rows.iterator();
            }

            @Override
            public boolean hasNext() {
                if (!page.hasNext()) {
                    page = fetch();
                }
                return page.hasNext();
            }

            @Override
            public LogVerifier.Entry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                StoredEntry entry = page.next();
                return new LogVerifier.Entry(entry.index(), entry.body(), entry.leafHash(), entry.chainHash());
            }
        };
    }
}
