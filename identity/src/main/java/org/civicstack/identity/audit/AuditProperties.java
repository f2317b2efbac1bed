package org.civicstack.identity.audit;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The token audit log ({@code civicstack.identity.audit.*}, env {@code CIVICSTACK_IDENTITY_AUDIT_*}; docs/audit-log.md).
 *
 * @param enabled whether identity reads the token-event and gateway-usage streams into the log and seals it
 *        (default {@code true})
 * @param origin the log's name in its signed checkpoints and the checkpoint key's name (default: the issuer's host
 *        and port + {@code /audit}, e.g. {@code localhost:8080/audit})
 * @param sealInterval how often new entries are sealed into a signed checkpoint (default {@code 10s})
 * @param anchorFile the file outside the database every checkpoint is also appended to, so a rewrite of the whole
 *        database is detected; put it on other storage than PostgreSQL's (default
 *        {@code ${java.io.tmpdir}/civicstack/audit-checkpoints-<log key id>.notes}, one per log, logged as a warning)
 * @param retention how long entry contents are kept; older bodies are emptied, their hashes stay (default {@code 400d})
 * @param batchSize stream entries read and appended per round, per stream (default {@code 4096})
 * @param block how long one read waits for new stream entries (default {@code 1s})
 * @param consumer this instance's name in the streams' consumer group (default {@code identity-<host>})
 * @param claimIdle how long another consumer's entry may stay read but unacknowledged before this instance takes it
 *        over (an identity instance that died mid-batch and is not coming back under its name; default {@code 60s})
 */
@Validated
@ConfigurationProperties(AuditProperties.PREFIX)
public record AuditProperties(Boolean enabled, String origin, Duration sealInterval, Path anchorFile,
        Duration retention, @Min(1) @Max(10_000) Integer batchSize, Duration block, String consumer, Duration claimIdle) {

    public static final String PREFIX = "civicstack.identity.audit";
    public static final Path DEFAULT_ANCHOR_FILE =
            Path.of(System.getProperty("java.io.tmpdir"), "civicstack", "audit-checkpoints.notes");

    public AuditProperties {
        enabled = enabled == null || enabled;
        sealInterval = sealInterval == null ? Duration.ofSeconds(10) : sealInterval;
        anchorFile = anchorFile == null ? DEFAULT_ANCHOR_FILE : anchorFile;
        retention = retention == null ? Duration.ofDays(400) : retention;
        batchSize = batchSize == null ? 4096 : batchSize;
        block = block == null ? Duration.ofSeconds(1) : block;
        consumer = consumer == null || consumer.isBlank() ? "identity-" + host() : consumer;
        claimIdle = claimIdle == null ? Duration.ofSeconds(60) : claimIdle;
        if (sealInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(PREFIX + ".seal-interval must be at least 100ms");
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "local";
        }
    }
}
