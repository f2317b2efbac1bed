package org.civicstack.registry.bulk;

/**
 * The last line of an import response, under {@code "summary"}; its absence means the response was cut short.
 *
 * @param importId identifies this import in the audit trail ({@code service.bulk_import} events)
 * @param total rows read (blank lines are skipped and not counted)
 * @param created rows imported as drafts
 * @param submitted rows imported as submitted for review
 * @param published rows imported and published
 * @param suspended rows imported as suspended
 * @param retired rows imported as retired
 * @param failed rows not applied
 * @param millis from the first byte of the upload to the last row, in milliseconds
 */
public record BulkSummary(String importId, int total, int created, int submitted, int published, int suspended,
        int retired, int failed, long millis) {

    /** The summary line's shape: {@code {"summary": {...}}}. */
    public record Line(BulkSummary summary) {
    }

    /** Adds up results as they stream past; used by one import at a time, results arriving in order. */
    static final class Tally {

        private int total;
        private int created;
        private int submitted;
        private int published;
        private int suspended;
        private int retired;
        private int failed;

        void add(BulkRowResult result) {
            total++;
            switch (result.status()) {
                case "created" -> created++;
                case "submitted" -> submitted++;
                case "published" -> published++;
                case "suspended" -> suspended++;
                case "retired" -> retired++;
                default -> failed++;
            }
        }

        BulkSummary summary(String importId, long millis) {
            return new BulkSummary(importId, total, created, submitted, published, suspended, retired, failed, millis);
        }
    }
}
