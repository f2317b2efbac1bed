package org.civicstack.identity.audit;

import java.net.URI;

import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.audit.ingest.AuditIngest;
import org.civicstack.identity.audit.log.AuditAppender;
import org.civicstack.identity.audit.log.AuditSearch;
import org.civicstack.identity.audit.seal.AuditLogKey;
import org.civicstack.identity.audit.seal.AuditMaintenance;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.identity.audit.seal.AuditVerification;
import org.civicstack.identity.audit.seal.CheckpointAnchor;
import org.civicstack.identity.audit.views.AuditViews;
import org.civicstack.identity.keys.KeyEncryptionCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token audit log: the appender, the stream ingest, the checkpoint key, the sealer and its anchor file
 * (docs/audit-log.md). {@code civicstack.identity.audit.enabled=false} turns the ingest and scheduled sealing
 * off; the API stays.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

    @Bean
    AuditAppender auditAppender(JdbcTemplate jdbc, TransactionTemplate transaction, JsonMapper json) {
        return new AuditAppender(jdbc, transaction, json);
    }

    @Bean
    AuditSearch auditSearch(JdbcTemplate jdbc) {
        return new AuditSearch(jdbc);
    }

    @Bean
    AuditViews auditViews(JdbcTemplate jdbc, org.civicstack.identity.revocation.Revocations revocations,
            JsonMapper json, IdentityProperties identity) {
        return new AuditViews(jdbc, revocations, json, identity.accessTokenTtl(), java.time.Clock.systemUTC());
    }

    @Bean
    @ConditionalOnProperty(prefix = AuditProperties.PREFIX, name = "enabled", matchIfMissing = true)
    AuditIngest auditIngest(StringRedisTemplate redis, AuditAppender appender, JsonMapper json, MeterRegistry meters,
            AuditProperties properties) {
        return new AuditIngest(redis, appender, json, meters, properties.consumer(), properties.batchSize(),
                properties.block(), properties.claimIdle());
    }

    @Bean
    AuditLogKey auditLogKey(JdbcTemplate jdbc, AuditProperties properties, IdentityProperties identity) {
        return AuditLogKey.loadOrCreate(jdbc, new KeyEncryptionCipher(identity.keyEncryptionSecret()),
                origin(properties, identity.issuer()));
    }

    /**
     * The configured anchor file; by default one per log key in the temporary directory, so a fresh log (the
     * all-in-one's new embedded database at every start) does not find the checkpoints of earlier, unrelated logs
     * there. A configured file is taken as it is: a log recreated under it is exactly what it must reveal.
     */
    @Bean
    CheckpointAnchor checkpointAnchor(AuditProperties properties, AuditLogKey key) {
        java.nio.file.Path file = properties.anchorFile();
        if (file.equals(AuditProperties.DEFAULT_ANCHOR_FILE)) {
            file = file.resolveSibling("audit-checkpoints-" + key.verifierKey().keyIdHex() + ".notes");
            log.warn("Audit checkpoints are anchored in {} (the default, a temporary directory): set "
                    + "CIVICSTACK_IDENTITY_AUDIT_ANCHOR_FILE to a file on storage other than the database's", file);
        }
        return new CheckpointAnchor(file);
    }

    @Bean
    AuditVerification auditVerification(AuditSearch search, AuditSealer sealer, CheckpointAnchor anchor) {
        return new AuditVerification(search, sealer, anchor);
    }

    @Bean
    AuditSealer auditSealer(JdbcTemplate jdbc, TransactionTemplate transaction, AuditProperties properties,
            IdentityProperties identity, CheckpointAnchor anchor, AuditLogKey key) {
        return new AuditSealer(jdbc, transaction, key, anchor, origin(properties, identity.issuer()));
    }

    /**
     * {@code audit} in health: UP while the ingest reads its streams, UNKNOWN (which does not take identity down:
     * producers never wait on the log) while its last round failed; the lag in seconds and the last error as details.
     */
    @Bean
    @ConditionalOnProperty(prefix = AuditProperties.PREFIX, name = "enabled", matchIfMissing = true)
    org.springframework.boot.health.contributor.HealthIndicator auditHealthIndicator(AuditIngest ingest) {
        return () -> {
            java.util.Optional<String> error = ingest.lastError();
            org.springframework.boot.health.contributor.Health.Builder health = error.isEmpty()
                    ? org.springframework.boot.health.contributor.Health.up()
                    : org.springframework.boot.health.contributor.Health.unknown().withDetail("last_error", error.get());
            return health.withDetail("lag_seconds", ingest.lagSeconds())
                    .withDetail("last_read", java.time.Instant.ofEpochMilli(ingest.lastRoundMillis()).toString())
                    .build();
        };
    }

    @Bean
    @ConditionalOnProperty(prefix = AuditProperties.PREFIX, name = "enabled", matchIfMissing = true)
    AuditMaintenance auditMaintenance(AuditSealer sealer, JdbcTemplate jdbc, TransactionTemplate transaction,
            AuditProperties properties) {
        return new AuditMaintenance(sealer, jdbc, transaction, properties.sealInterval(), properties.retention());
    }

    /** The configured origin, else the issuer's host[:port] + {@code /audit}. */
    static String origin(AuditProperties properties, URI issuer) {
        if (properties.origin() != null && !properties.origin().isBlank()) {
            return properties.origin();
        }
        String host = issuer.getHost() + (issuer.getPort() > 0 ? ":" + issuer.getPort() : "");
        return host + "/audit";
    }
}
