package org.civicstack.platform.infra;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

/**
 * Where this service's PostgreSQL database is ({@code civicstack.postgres.*}, env {@code CIVICSTACK_POSTGRES_*}).
 * Every service talks to the same server and owns one database on it; Spring's own {@code spring.r2dbc.*},
 * {@code spring.flyway.*} and {@code spring.datasource.*} are derived from these unless set explicitly.
 *
 * @param host PostgreSQL host name or address.
 * @param port PostgreSQL TCP port.
 * @param database this service's own database (e.g. {@code civicstack_payments}); set by each service.
 * @param username login role; needs CREATEDB when {@code createDatabase} is on and the database is missing.
 * @param password password of {@code username}; empty for trust authentication (the embedded server).
 * @param maintenanceDatabase database to connect to when creating {@code database} (normally {@code postgres}).
 * @param createDatabase create {@code database} at start-up if it does not exist yet.
 */
@Validated
@ConfigurationProperties("civicstack.postgres")
public record PostgresProperties(
        @NotBlank String host,
        @Min(1) @Max(65535) int port,
        @NotBlank @Pattern(regexp = "[a-z_][a-z0-9_]{0,62}") String database,
        @NotBlank String username,
        String password,
        @NotBlank String maintenanceDatabase,
        boolean createDatabase) {

    public static final String PREFIX = "civicstack.postgres";

    public static PostgresProperties from(Environment environment) {
        return Binder.get(environment).bindOrCreate(PREFIX, PostgresProperties.class);
    }

    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + hostPort() + "/" + db;
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + hostPort() + "/" + database;
    }

    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public String passwordOrEmpty() {
        return password == null ? "" : password;
    }
}
