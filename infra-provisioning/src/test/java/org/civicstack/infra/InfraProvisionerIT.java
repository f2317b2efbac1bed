package org.civicstack.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class InfraProvisionerIT {

    @Test
    void embeddedServersAreRealPostgres17AndRedisAndStopOnClose() throws Exception {
        ProvisionedInfra infra = InfraProvisioner.provision(new InfraSettings(Optional.empty(), Optional.empty()));
        String url = infra.jdbcUrl("postgres");
        try (infra) {
            assertThat(infra.postgresEmbedded()).isTrue();
            assertThat(infra.redisEmbedded()).isTrue();
            try (Connection c = DriverManager.getConnection(url, infra.postgresUsername(), infra.postgresPassword());
                    ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
                rs.next();
                assertThat(rs.getInt(1)).isBetween(170000, 179999);
            }
            assertThat(RespCommands.execute(infra.redisUrl(), "PING")).isEqualTo("+PONG");
            assertThat(RespCommands.execute(infra.redisUrl(), "SET", "k", "v")).isEqualTo("+OK");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close()).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> RespCommands.execute(infra.redisUrl(), "PING")).isInstanceOf(IOException.class);
    }

    @Test
    void externalServersAreCheckedNotStarted() {
        ProvisionedInfra embedded = InfraProvisioner.provision(new InfraSettings(Optional.empty(), Optional.empty()));
        try (embedded) {
            ProvisionedInfra external = InfraProvisioner.provision(new InfraSettings(
                    Optional.of(new InfraSettings.ExternalPostgres("localhost", embedded.postgresPort(), "postgres", "")),
                    Optional.of(embedded.redisUrl())));
            external.close(); // must not stop servers it did not start
            assertThat(external.postgresEmbedded()).isFalse();
            assertThat(external.redisEmbedded()).isFalse();
        }
    }

    @Test
    void theLibrarysOwnStopOfTheEmbeddedRedisWaitsUntilItsOwnerClosesIt() throws Exception {
        // what embedded-redis's JVM shutdown hook does at SIGTERM, concurrently with the launcher stopping services
        int port = InfraProvisioner.freePort();
        redis.embedded.RedisServer server = InfraProvisioner.startEmbeddedRedis(port);
        java.net.URI url = java.net.URI.create("redis://localhost:" + port);
        HeldRedis held = new HeldRedis(server);
        Thread libraryHook = new Thread(() -> {
            try {
                server.stop();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        libraryHook.start();
        libraryHook.join(500);

        assertThat(libraryHook.isAlive()).as("the library's stop waits for the owner").isTrue();
        assertThat(RespCommands.execute(url, "PING")).isEqualTo("+PONG");

        held.close();
        libraryHook.join(10_000);
        assertThat(libraryHook.isAlive()).isFalse();
        assertThat(server.isActive()).isFalse();
        assertThatThrownBy(() -> RespCommands.execute(url, "PING")).isInstanceOf(IOException.class);
    }
}
