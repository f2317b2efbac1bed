package org.civicstack.platform.security.revocation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deny-list of identity's revocations, the feed that keeps it current (started and stopped with the application)
 * and its {@code revocations} health; one wiring for every service that checks tokens. The gateway imports it; a
 * reactive resource server gets it from {@code ReactiveSecurityAutoConfiguration} when it has reactive Redis. Off
 * with {@code civicstack.security.revocation.enabled=false}. Needs a {@link ReactiveStringRedisTemplate} bean.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = RevocationProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(RevocationProperties.class)
public class RevocationConfiguration {

    @Bean
    RevocationList revocationList(RevocationProperties properties) {
        return new RevocationList(System::currentTimeMillis, properties.unverifiedMaxAge().toMillis());
    }

    /** Follows identity's revocation stream; see docs/revocation.md. */
    @Bean
    RevocationFeed revocationFeed(ReactiveStringRedisTemplate redis, RevocationList list,
            ObjectProvider<JsonMapper> json, ObjectProvider<MeterRegistry> meters, RevocationProperties properties) {
        return RevocationFeed.of(redis, list, json.getIfAvailable(() -> JsonMapper.builder().build()),
                meters.getIfAvailable(() -> Metrics.globalRegistry), properties);
    }

    /**
     * {@code revocations} in health: UP while the deny-list is current; UNKNOWN (which does not take the service's
     * health down) while it is not — tokens older than the unverified bound are then refused.
     */
    @Bean
    ReactiveHealthIndicator revocationsHealthIndicator(RevocationFeed feed, RevocationList list) {
        return () -> Mono.fromSupplier(() -> (list.current() ? Health.up() : Health.unknown())
                .withDetails(feed.details())
                .build());
    }
}
