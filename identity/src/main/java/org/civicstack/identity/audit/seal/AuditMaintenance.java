package org.civicstack.identity.audit.seal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every {@code seal-interval}: seals new entries into a signed checkpoint; once an hour, empties the bodies of
 * entries older than the retention (their hashes stay, so the tree and every checkpoint still verify). At start it
 * anchors checkpoints the anchor file lacks. A failed run is logged and retried at the next tick.
 */
public final class AuditMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditMaintenance.class);
    private static final Duration RETENTION_EVERY = Duration.ofHours(1);

    private final AuditSealer sealer;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Duration interval;
    private final Duration retention;
    private volatile long lastRetentionNanos = System.nanoTime() - RETENTION_EVERY.toNanos();
    private ScheduledExecutorService scheduler;

    public AuditMaintenance(AuditSealer sealer, JdbcTemplate jdbc, TransactionTemplate transaction, Duration interval,
            Duration retention) {
        this.sealer = sealer;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.interval = interval;
        this.retention = retention;
    }

    /** Empties bodies older than the retention; returns how many. Only this may change an entry (the trigger). */
    public int applyRetention() {
        Integer pruned = transaction.execute(status -> {
            jdbc.execute("SET LOCAL civicstack.audit_retention = 'on'");
            Timestamp before = Timestamp.from(Instant.now().minus(retention));
            int entries = jdbc.update("UPDATE audit_entry SET body = NULL WHERE at < ? AND body IS NOT NULL", before);
            // token uses, a batch row at a time: a batch is emptied once its last use is older than the retention
            Integer uses = jdbc.queryForObject("WITH emptied AS (UPDATE audit_use_batch SET bodies = NULL WHERE "
                    + "at_last < ? AND bodies IS NOT NULL RETURNING n) SELECT coalesce(sum(n), 0)::int FROM emptied",
                    Integer.class, before);
            return entries + (uses == null ? 0 : uses);
        });
        return pruned == null ? 0 : pruned;
    }

    private void runOnce() {
        sealer.seal();
        if (System.nanoTime() - lastRetentionNanos >= RETENTION_EVERY.toNanos()) {
            lastRetentionNanos = System.nanoTime();
            int pruned = applyRetention();
            if (pruned > 0) {
                log.info("Audit log retention: emptied {} entries older than {}", pruned, retention);
            }
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-log-sealer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.execute(() -> {
            try {
                int anchored = sealer.anchorMissing();
                if (anchored > 0) {
                    log.warn("Anchored {} checkpoints the anchor file lacked", anchored);
                }
            } catch (RuntimeException e) {
                log.warn("Could not check the checkpoint anchor: {}", e.toString());
            }
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("Audit log sealing failed; retrying in {}: {}", interval, e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
