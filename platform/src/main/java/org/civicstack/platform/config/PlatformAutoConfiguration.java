package org.civicstack.platform.config;

import org.civicstack.platform.error.ProblemMapper;
import org.civicstack.platform.error.ProblemResolver;
import org.civicstack.platform.infra.DatabaseCreatingFlywayCustomizer;
import org.civicstack.platform.infra.PostgresProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** What every service gets, whatever its web stack: the problem resolver and database provisioning. */
@AutoConfiguration
@EnableConfigurationProperties
public class PlatformAutoConfiguration {

    @Bean
    ProblemResolver problemResolver(ObjectProvider<ProblemMapper> mappers) {
        return new ProblemResolver(mappers.orderedStream().toList());
    }

    @Bean
    @ConditionalOnProperty(prefix = PostgresProperties.PREFIX, name = "database")
    PostgresProperties postgresProperties(org.springframework.core.env.Environment environment) {
        return PostgresProperties.from(environment);
    }

    @Bean
    @ConditionalOnProperty(prefix = PostgresProperties.PREFIX, name = "database")
    DatabaseCreatingFlywayCustomizer databaseCreatingFlywayCustomizer(PostgresProperties postgres) {
        return new DatabaseCreatingFlywayCustomizer(postgres);
    }
}
