package org.civicstack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.infra.InfraSettings;
import org.civicstack.infra.ProvisionedInfra;
import org.civicstack.infra.RespCommands;

/**
 * The one PostgreSQL and Redis of this test JVM: external when {@code CIVICSTACK_POSTGRES_HOST} /
 * {@code CIVICSTACK_REDIS_URL} are set, embedded otherwise, started on first use and stopped when the JVM exits.
 * Every Spring context of the JVM shares them; a test that needs a clean slate calls {@link #resetDatabase} and
 * {@link #flushRedis} instead of restarting anything.
 */
public final class TestInfrastructure {

    private static volatile ProvisionedInfra infra;

    private TestInfrastructure() {
    }

    public static ProvisionedInfra shared() {
        ProvisionedInfra current = infra;
        if (current == null) {
            synchronized (TestInfrastructure.class) {
                current = infra;
                if (current == null) {
                    current = InfraProvisioner.provision(InfraSettings.fromEnvironment());
                    ProvisionedInfra toStop = current;
                    Runtime.getRuntime().addShutdownHook(new Thread(toStop::close, "test-infrastructure-stop"));
                    infra = current;
                }
            }
        }
        return current;
    }

    /** Empties every table of {@code database} except Flyway's history, so migrations stay applied. */
    public static void resetDatabase(String database) {
        ProvisionedInfra pg = shared();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.postgresUsername(),
                pg.postgresPassword()); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) "
                    + "FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
                    + "AND tablename <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (!tables.isEmpty()) {
                st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("resetting database " + database + " failed", e);
        }
    }

    /** The first column of every row of {@code sql} on {@code database}, as text. */
    public static List<String> query(String database, String sql) {
        ProvisionedInfra pg = shared();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.postgresUsername(),
                pg.postgresPassword()); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query on " + database + " failed: " + sql, e);
        }
    }

    /**
     * The plan PostgreSQL chooses for {@code sql} on {@code database} with sequential scans priced out: a plan that
     * still says {@code Seq Scan} has no index to use, however small the test's tables are (on a small table the
     * planner would scan it anyway, so a plain EXPLAIN proves nothing).
     */
    public static String planWithoutSequentialScans(String database, String sql) {
        ProvisionedInfra pg = shared();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.postgresUsername(),
                pg.postgresPassword()); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return String.join("\n", lines);
        } catch (SQLException e) {
            throw new IllegalStateException("EXPLAIN on " + database + " failed: " + sql, e);
        }
    }

    /** Runs one statement on {@code database}. */
    public static void execute(String database, String sql) {
        ProvisionedInfra pg = shared();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.postgresUsername(),
                pg.postgresPassword()); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement on " + database + " failed: " + sql, e);
        }
    }

    /** Removes every key from the shared Redis. */
    public static void flushRedis() {
        try {
            RespCommands.execute(shared().redisUrl(), "FLUSHALL");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
