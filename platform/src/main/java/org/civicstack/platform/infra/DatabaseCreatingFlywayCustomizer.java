package org.civicstack.platform.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;

/**
 * Makes sure the service's own database exists before anything connects to it. Flyway is the first component to
 * touch the database at start-up (connection pools are lazy), so its customization hook is the right moment.
 * Creating concurrently from two instances is harmless: the loser sees {@code duplicate_database} and moves on.
 */
public final class DatabaseCreatingFlywayCustomizer implements FlywayConfigurationCustomizer {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCreatingFlywayCustomizer.class);
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final PostgresProperties postgres;

    public DatabaseCreatingFlywayCustomizer(PostgresProperties postgres) {
        this.postgres = postgres;
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        if (postgres.createDatabase()) {
            ensureDatabaseExists();
        }
    }

    void ensureDatabaseExists() {
        Properties props = new Properties();
        props.setProperty("user", postgres.username());
        props.setProperty("password", postgres.passwordOrEmpty());
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        String url = postgres.jdbcUrl(postgres.maintenanceDatabase());
        try (Connection connection = DriverManager.getConnection(url, props)) {
            if (exists(connection)) {
                return;
            }
            try (Statement create = connection.createStatement()) {
                // the name is validated by PostgresProperties' pattern, so quoting it is safe
                create.execute("CREATE DATABASE \"" + postgres.database() + "\"");
                log.info("Created database {} on {}", postgres.database(), postgres.hostPort());
            }
        } catch (SQLException e) {
            if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
                return;
            }
            throw new InfrastructureUnavailableException("Cannot prepare PostgreSQL database '" + postgres.database()
                    + "' at " + postgres.hostPort() + ": " + e.getMessage(),
                    "civicstack.postgres.host/port/username/password (CIVICSTACK_POSTGRES_HOST, CIVICSTACK_POSTGRES_PORT, "
                            + "CIVICSTACK_POSTGRES_USERNAME, CIVICSTACK_POSTGRES_PASSWORD)", e);
        }
    }

    private boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, postgres.database());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }
}
