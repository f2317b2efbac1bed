package org.civicstack.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class PlatformEnvironmentPostProcessorTest {

    private final StandardEnvironment environment = new StandardEnvironment();

    private void postProcess() {
        ConfigurationPropertySources.attach(environment);
        new PlatformEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
    }

    @Test
    void derivesSpringConnectionSettingsFromPlatformSettings() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "civicstack.postgres.host", "db.internal", "civicstack.postgres.port", "6543",
                "civicstack.postgres.database", "civicstack_payments", "civicstack.postgres.username", "svc",
                "civicstack.postgres.password", "s3cret", "civicstack.redis.url", "redis://cache:6380")));
        postProcess();

        assertThat(environment.getProperty("spring.threads.virtual.enabled")).isNull();
        assertThat(environment.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://db.internal:6543/civicstack_payments");
        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://db.internal:6543/civicstack_payments");
        assertThat(environment.getProperty("spring.flyway.user")).isEqualTo("svc");
        assertThat(environment.getProperty("spring.r2dbc.password")).isEqualTo("s3cret");
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://cache:6380");
    }

    @Test
    void explicitSpringSettingsWinOverDerivedOnes() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "civicstack.postgres.database", "civicstack_payments",
                "spring.r2dbc.url", "r2dbc:postgresql://elsewhere:5432/x")));
        postProcess();

        assertThat(environment.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://elsewhere:5432/x");
        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://localhost:5432/civicstack_payments");
    }

    @Test
    void appliesSharedJsonAndActuatorDefaults() {
        postProcess();

        assertThat(environment.getProperty("spring.jackson.property-naming-strategy")).isEqualTo("SNAKE_CASE");
        assertThat(environment.getProperty("spring.jackson.deserialization.fail-on-unknown-properties")).isEqualTo("true");
        assertThat(environment.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");
        assertThat(environment.getProperty("spring.r2dbc.url")).as("no database configured, nothing derived").isNull();
    }
}
