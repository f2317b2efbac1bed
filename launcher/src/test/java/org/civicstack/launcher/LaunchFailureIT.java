package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.infra.InfraSettings;
import org.civicstack.infra.InfraUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration fails fast, with one message that names the setting to change. */
class LaunchFailureIT {

    @Test
    void portAlreadyTakenNamesThePortSetting() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            LauncherSettings settings = LauncherSettings.fromEnvironment()
                    .withPort(ServiceSpec.BACKENDS.get(0), taken.getLocalPort());

            assertThatThrownBy(() -> CivicStackLauncher.start(settings))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " for identity is already in use")
                    .hasMessageContaining("CIVICSTACK_LAUNCHER_PORTS_IDENTITY");
        }
    }

    @Test
    void unreachableDatabaseNamesTheDatabaseSettings() {
        int nothingListens = InfraProvisioner.freePort();
        LauncherSettings settings = allPortsFree().withInfra(new InfraSettings(
                Optional.of(new InfraSettings.ExternalPostgres("127.0.0.1", nothingListens, "civicstack", "x")),
                Optional.empty()));

        assertThatThrownBy(() -> CivicStackLauncher.start(settings))
                .isInstanceOf(InfraUnavailableException.class)
                .hasMessageContaining("PostgreSQL at 127.0.0.1:" + nothingListens)
                .hasMessageContaining("CIVICSTACK_POSTGRES_HOST");
    }

    @Test
    void unreachableRedisNamesTheRedisSetting() {
        int nothingListens = InfraProvisioner.freePort();
        InfraSettings infra = new InfraSettings(Optional.empty(),
                Optional.of(URI.create("redis://127.0.0.1:" + nothingListens)));

        assertThatThrownBy(() -> InfraProvisioner.provision(infra))
                .isInstanceOf(InfraUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + nothingListens)
                .hasMessageContaining("CIVICSTACK_REDIS_URL");
    }

    @Test
    void missingServiceJarsSayHowToBuildThem(@TempDir Path empty) {
        LauncherSettings settings = new LauncherSettings(allPortsFree().ports(), empty, "text",
                InfraSettings.fromEnvironment(), List.of());

        assertThatThrownBy(() -> CivicStackLauncher.start(settings))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("identity.jar is missing")
                .hasMessageContaining("./mvnw");
    }

    @Test
    void invalidPortValueIsRejectedWithTheSetting() {
        System.setProperty("civicstack.launcher.ports.payments", "eighty");
        try {
            assertThatThrownBy(LauncherSettings::fromEnvironment)
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("CIVICSTACK_LAUNCHER_PORTS_PAYMENTS");
        } finally {
            System.clearProperty("civicstack.launcher.ports.payments");
        }
        assertThat(LauncherSettings.fromEnvironment().port(ServiceSpec.BACKENDS.get(2))).isEqualTo(8083);
    }

    private static LauncherSettings allPortsFree() {
        LauncherSettings settings = LauncherSettings.fromEnvironment().withPort(ServiceSpec.GATEWAY, 0);
        for (ServiceSpec spec : ServiceSpec.BACKENDS) {
            settings = settings.withPort(spec, 0);
        }
        return settings;
    }
}
