package org.civicstack.platform.config;

import org.civicstack.platform.error.ProblemMapper;
import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.infra.DatabaseCreatingFlywayCustomizer;
import org.civicstack.platform.infra.PostgresProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.core.StreamReadFeature;

/** What every service gets, whatever its web stack: the problem resolver and, where it owns one, its database. */
@AutoConfiguration
@EnableConfigurationProperties
public class PlatformAutoConfiguration {

    @Bean
    ProblemResolver problemResolver(ObjectProvider<ProblemMapper> mappers) {
        return new ProblemResolver(mappers.orderedStream().toList());
    }

    /**
     * A JSON object that names a field twice is refused (400 naming the field), not read as its last value: a
     * request means one thing to every parser that reads it (an agency's, a proxy's, ours).
     */
    @Bean
    JsonMapperBuilderCustomizer platformJsonDuplicateFields() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** Services that own a database: its settings, and creating it on first start. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.flywaydb.core.Flyway")
    @ConditionalOnProperty(prefix = PostgresProperties.PREFIX, name = "database")
    static class DatabaseConfiguration {

        @Bean
        PostgresProperties postgresProperties(Environment environment) {
            return PostgresProperties.from(environment);
        }

        @Bean
        DatabaseCreatingFlywayCustomizer databaseCreatingFlywayCustomizer(PostgresProperties postgres) {
            return new DatabaseCreatingFlywayCustomizer(postgres);
        }
    }
}
