package org.civicstack.platform.events;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Servlet services with a JDBC database and Redis (identity) relay their outbox to Redis Streams with
 * {@link JdbcOutboxRelay}; the reactive services use {@link OutboxRelay} ({@link OutboxAutoConfiguration}). Same
 * switch: {@code civicstack.events.outbox.enabled=true}. A service with both R2DBC and JDBC gets the reactive one.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.civicstack.platform.events.OutboxAutoConfiguration"})
@ConditionalOnClass({JdbcTemplate.class, StringRedisTemplate.class})
@ConditionalOnBean({JdbcTemplate.class, StringRedisTemplate.class, PlatformTransactionManager.class})
@ConditionalOnMissingBean(OutboxRelay.class)
@ConditionalOnProperty(prefix = "civicstack.events.outbox", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(OutboxProperties.class)
public class JdbcOutboxAutoConfiguration {

    @Bean
    JdbcOutboxRelay jdbcOutboxRelay(JdbcTemplate jdbc, StringRedisTemplate redis,
            PlatformTransactionManager transactions, OutboxProperties properties) {
        return new JdbcOutboxRelay(jdbc, redis, new TransactionTemplate(transactions), properties);
    }
}
