package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.infra.InfraSettings;
import org.civicstack.infra.InfraUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad configuration fails fast, with one message that names the setting to change; and whatever the launcher
 * started — the embedded PostgreSQL and Redis are processes of their own — is stopped on every way out: a stop
 * (SIGTERM, Ctrl-C) before the platform is up and a start that fails after the servers were started. Those two
 * run the launcher as a child process, as {@code ./civicstack} does, on ports of its own.
 */
class LaunchFailureIT {

    static final Pattern INFRA_READY = Pattern.compile(
            "Infrastructure ready: PostgreSQL localhost:(\\d+) \\(embedded\\), Redis localhost:(\\d+) \\(embedded\\)");

    @Test
    void sigtermWhileStartingStopsTheEmbeddedServers() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "finds the servers' processes in /proc (Linux)");
        try (LauncherProcess launcher = LauncherProcess.start(Map.of())) {
            Matcher infra = launcher.awaitOutput(INFRA_READY, Duration.ofMinutes(3));
            int postgresPort = Integer.parseInt(infra.group(1));
            int redisPort = Integer.parseInt(infra.group(2));
            List<ProcessHandle> servers = embeddedServers(postgresPort, redisPort);
            assertThat(servers).as("the embedded PostgreSQL and Redis processes").hasSize(2);
            assertThat(launcher.output()).as("still starting when stopped").doesNotContain("CivicStack is up");

            // SIGTERM through the handle: Process.destroy() would also close our end of its output
            launcher.process().toHandle().destroy();

            assertThat(launcher.awaitExit(Duration.ofMinutes(2))).as("launcher exited").isTrue();
            assertThat(launcher.output()).contains("stop requested while starting").contains("stopped");
            assertNothingLeft(servers, postgresPort, redisPort);
        }
    }

    @Test
    void aFailedStartStopsTheEmbeddedServersAndNamesTheBadClientEntry() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "finds the servers' processes in /proc (Linux)");
        Map<String, String> malformedClient = Map.of(
                "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTID", "district-office",
                "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SECRET", "district-office-secret-0123456789abcdefgh",
                "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SCOPES", "registry:read",
                "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTTYPE", "superuser");
        try (LauncherProcess launcher = LauncherProcess.start(malformedClient)) {
            Matcher infra = launcher.awaitOutput(INFRA_READY, Duration.ofMinutes(3));
            int postgresPort = Integer.parseInt(infra.group(1));
            int redisPort = Integer.parseInt(infra.group(2));
            List<ProcessHandle> servers = embeddedServers(postgresPort, redisPort);
            assertThat(servers).as("the embedded PostgreSQL and Redis processes").hasSize(2);

            assertThat(launcher.awaitExit(Duration.ofMinutes(4))).as("launcher exited").isTrue();
            assertThat(launcher.process().exitValue()).isEqualTo(1);
            assertThat(launcher.output()).contains("CivicStack could not start: identity failed to start: "
                    + "civicstack.identity.bootstrap-clients[5].client-type (env "
                    + "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTTYPE) 'superuser' is not one of agency, operator, platform");
            assertNothingLeft(servers, postgresPort, redisPort);
        }
    }

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
                InfraSettings.fromEnvironment(), List.of(), null);

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

    /**
     * The processes serving these ports, by their command lines ({@code postgres … -p N …},
     * {@code redis-server… 127.0.0.1:N}). Read from {@code /proc}: Redis retitles itself there, which
     * {@link ProcessHandle.Info#commandLine()} does not show.
     */
    static List<ProcessHandle> embeddedServers(int postgresPort, int redisPort) {
        return ProcessHandle.allProcesses().filter(p -> {
            String command = commandLine(p);
            return command.contains("postgres") && command.contains(" -p " + postgresPort + " ")
                    || command.contains("redis-server") && command.contains(":" + redisPort);
        }).toList();
    }

    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    static void assertNothingLeft(List<ProcessHandle> servers, int postgresPort, int redisPort) throws Exception {
        for (ProcessHandle server : servers) {
            // the launcher waits for the servers to stop before it exits; a short grace for the kernel to reap them
            server.onExit().get(30, TimeUnit.SECONDS);
            assertThat(server.isAlive()).as("process %d (%s)", server.pid(), commandLine(server))
                    .isFalse();
        }
        assertThat(embeddedServers(postgresPort, redisPort)).isEmpty();
        for (int port : List.of(postgresPort, redisPort)) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("port %d still open", port)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static LauncherSettings allPortsFree() {
        LauncherSettings settings = LauncherSettings.fromEnvironment().withPort(ServiceSpec.GATEWAY, 0);
        for (ServiceSpec spec : ServiceSpec.BACKENDS) {
            settings = settings.withPort(spec, 0);
        }
        return settings;
    }
}
