package org.civicstack.platform.infra;

import java.util.Set;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Derives Spring's connection properties from the platform's one set of settings, lazily at lookup time, so a
 * value added late (a test's property source, a launcher argument) is honoured. It sits last: an explicit
 * {@code spring.r2dbc.url} etc. always wins.
 */
public final class InfrastructurePropertySource extends PropertySource<Object> {

    static final String NAME = "civicstackInfrastructure";

    private static final Set<String> NAMES = Set.of(
            "spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password",
            "spring.flyway.url", "spring.flyway.user", "spring.flyway.password",
            "spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
            "spring.data.redis.url");

    // Not the property source's "source": Boot's configuration property adapters inspect that object, and an
    // environment there sends them around in circles.
    private final ConfigurableEnvironment environment;

    public InfrastructurePropertySource(ConfigurableEnvironment environment) {
        super(NAME, new Object());
        this.environment = environment;
    }

    @Override
    public boolean containsProperty(String name) {
        return getProperty(name) != null;
    }

    @Override
    public Object getProperty(String name) {
        if (!NAMES.contains(name)) {
            return null;
        }
        ConfigurableEnvironment env = environment;
        if (name.equals("spring.data.redis.url")) {
            return env.getProperty("civicstack.redis.url");
        }
        if (env.getProperty(PostgresProperties.PREFIX + ".database") == null) {
            return null;
        }
        PostgresProperties pg = PostgresProperties.from(env);
        return switch (name) {
            case "spring.r2dbc.url" -> pg.r2dbcUrl();
            case "spring.flyway.url", "spring.datasource.url" -> pg.jdbcUrl();
            case "spring.r2dbc.username", "spring.flyway.user", "spring.datasource.username" -> pg.username();
            default -> pg.passwordOrEmpty();
        };
    }
}
