package org.civicstack.platform.events;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Reactive services with a database and Redis relay their outbox to Redis Streams. */
@AutoConfiguration(afterName = {"org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration"})
@ConditionalOnClass({DatabaseClient.class, ReactiveStringRedisTemplate.class})
@ConditionalOnBean({DatabaseClient.class, ReactiveStringRedisTemplate.class, ReactiveTransactionManager.class})
@ConditionalOnProperty(prefix = "civicstack.events.outbox", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    @Bean
    OutboxRelay outboxRelay(DatabaseClient db, ReactiveStringRedisTemplate redis, ReactiveTransactionManager transactions,
            OutboxProperties properties) {
        return new OutboxRelay(db, redis, TransactionalOperator.create(transactions), properties);
    }
}
