package org.civicstack.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.infra.InfraSettings;
import org.civicstack.infra.InfraUnavailableException;
import org.civicstack.infra.ProvisionedInfra;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one run: PostgreSQL and Redis (embedded unless configured), the four backend services started side by
 * side, then the gateway in front of them; every service in its own class loader in this one JVM. Ctrl-C stops
 * everything in order. Tests and benchmarks use {@link #start(LauncherSettings)} directly.
 */
public final class CivicStackLauncher {

    private static final Logger log = LoggerFactory.getLogger(CivicStackLauncher.class);

    private CivicStackLauncher() {
    }

    /**
     * Installs the shutdown hook before anything starts: a SIGTERM or Ctrl-C at any moment stops whatever is
     * running by then (see {@link Startup}), and a failed start stops it before the JVM exits with status 1.
     */
    public static void main(String[] args) {
        Startup startup = new Startup(Duration.ofSeconds(90));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RunningPlatform platform = startup.stop();
            if (platform != null) {
                log.info("stopping CivicStack ...");
                platform.close();
            }
            log.info("stopped");
        }, "civicstack-shutdown"));
        RunningPlatform platform;
        try {
            platform = start(LauncherSettings.fromEnvironment(), startup);
        } catch (LaunchException | InfraUnavailableException e) {
            startup.settled();
            if (startup.stopRequested()) {
                log.info("stopped before CivicStack was up");
                return;
            }
            log.error("CivicStack could not start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException | Error e) {
            startup.settled();
            if (!startup.stopRequested()) {
                // not a configuration problem we know how to name: a bug, so the stack trace is wanted
                log.error("CivicStack could not start", e);
                System.exit(1);
            }
            return;
        }
        startup.settled();
        log.info("{}", banner(platform));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the platform for a test or benchmark, which stops it with {@link RunningPlatform#close()}. */
    public static RunningPlatform start(LauncherSettings requested) {
        return start(requested, Startup.uninterrupted());
    }

    static RunningPlatform start(LauncherSettings requested, Startup startup) {
        long started = System.nanoTime();
        Map<ServiceSpec, UnpackedServiceJar> jars = new LinkedHashMap<>();
        List<ServiceSpec> all = new ArrayList<>(ServiceSpec.BACKENDS);
        all.add(ServiceSpec.GATEWAY);
        for (ServiceSpec spec : all) {
            checkPortFree(spec, requested.port(spec));
        }
        // every port is fixed before anything starts: the issuer and the upstream URIs depend on them
        LauncherSettings settings = requested;
        for (ServiceSpec spec : all) {
            if (requested.port(spec) == 0) {
                settings = settings.withPort(spec, freeListenerPort());
            }
        }
        PlatformWiring wiring = PlatformWiring.of(settings);
        for (ServiceSpec spec : all) {
            jars.put(spec, UnpackedServiceJar.unpack(serviceJar(settings.servicesDir(), spec)));
        }
        startup.checkNotStopped();
        // from here on everything started is stopped again on every way out of this method but success
        ProvisionedInfra infra = InfraProvisioner.provision(settings.infra());
        startup.infraProvisioned(infra);
        RunDirectory runDirectory = null;
        List<IsolatedService> running = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(ServiceSpec.BACKENDS.size());
        try {
            runDirectory = RunDirectory.create();
            Map<String, String> environment = settings.environment();
            List<CompletableFuture<IsolatedService>> backends = new ArrayList<>();
            for (ServiceSpec spec : ServiceSpec.BACKENDS) {
                List<String> args = arguments(settings, spec, infra, wiring, runDirectory);
                backends.add(CompletableFuture.supplyAsync(
                        () -> IsolatedService.start(spec, jars.get(spec), args, environment), starter));
            }
            LaunchException failure = null;
            for (CompletableFuture<IsolatedService> future : backends) {
                try {
                    IsolatedService service = future.join();
                    running.add(service);
                } catch (CompletionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof LaunchException le ? le
                                : new LaunchException(IsolatedService.rootMessage(e), e.getCause());
                    }
                }
            }
            startup.checkNotStopped();
            if (failure != null) {
                throw failure;
            }
            ServiceSpec gateway = ServiceSpec.GATEWAY;
            running.add(IsolatedService.start(gateway, jars.get(gateway),
                    arguments(settings, gateway, infra, wiring, runDirectory), settings.environment()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            RunningPlatform platform = new RunningPlatform(infra, running, millis, settings, wiring, jars.get(gateway),
                    runDirectory);
            startup.started(platform);
            return platform;
        } catch (RuntimeException | Error e) {
            new RunningPlatform(infra, running, 0, settings, wiring, null, runDirectory).close();
            throw e;
        } finally {
            starter.shutdown();
        }
    }

    /**
     * Starts one more gateway instance on {@code port} against the same services, PostgreSQL and Redis — what a
     * scaled-out deployment runs behind its load balancer. It stops with the platform.
     */
    static int startAdditionalGateway(RunningPlatform platform, int port) {
        LauncherSettings settings = platform.settings().withPort(ServiceSpec.GATEWAY, port == 0 ? freeListenerPort() : port);
        IsolatedService gateway = IsolatedService.start(ServiceSpec.GATEWAY, platform.gatewayJar(),
                arguments(settings, ServiceSpec.GATEWAY, platform.infra(), platform.wiring(), platform.runDirectory()),
                settings.environment());
        platform.adopt(gateway);
        return gateway.port();
    }

    static List<String> arguments(LauncherSettings settings, ServiceSpec spec, ProvisionedInfra infra,
            PlatformWiring wiring, RunDirectory runDirectory) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + settings.port(spec));
        // the launcher owns the JVM's shutdown and stops services in order; the services' own logging shutdown
        // hooks would stop their logging while the launcher is still stopping them ("No appenders present")
        args.add("--spring.main.register-shutdown-hook=false");
        args.add("--logging.register-shutdown-hook=false");
        // an embedded Tomcat (identity) keeps its work files in the run's directory, removed when the run stops,
        // instead of leaving /tmp/tomcat.<port>.* behind
        args.add("--server.tomcat.basedir=" + runDirectory.serviceDirectory(spec));
        if (!"json".equalsIgnoreCase(settings.logFormat())) {
            args.add("--logging.structured.format.console=");
        }
        infra.serviceProperties().forEach((key, value) -> args.add("--" + key + "=" + value));
        args.addAll(wiring.argumentsFor(spec));
        args.addAll(settings.extraArguments());
        return args;
    }

    /**
     * A free port below Linux's ephemeral range (32768+), so it cannot be taken by an outgoing connection's local
     * port between choosing it and the service binding it.
     */
    static int freeListenerPort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        return InfraProvisioner.freePort();
    }

    private static Path serviceJar(Path dir, ServiceSpec spec) {
        Path jar = dir.resolve(spec.jarName());
        if (!Files.isRegularFile(jar)) {
            throw new LaunchException("Service jar " + jar.toAbsolutePath() + " is missing: build with "
                    + "'./mvnw -DskipTests package' or set " + InfraSettings.describe("civicstack.launcher.services-dir"));
        }
        return jar;
    }

    private static void checkPortFree(ServiceSpec spec, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new LaunchException("Port " + port + " for " + spec.name() + " is already in use: stop what "
                    + "listens there or set " + InfraSettings.describe(spec.portProperty()) + " to another port (0 = any)");
        }
    }

    static String banner(RunningPlatform platform) {
        int gw = platform.gatewayPort();
        StringBuilder b = new StringBuilder();
        b.append(System.lineSeparator()).append("CivicStack is up in ")
                .append(String.format("%.1f", platform.startMillis() / 1000.0)).append(" s").append(System.lineSeparator());
        platform.ports().forEach((name, port) -> b.append(String.format("  %-18s http://localhost:%d%n", name, port)));
        ProvisionedInfra infra = platform.infra();
        b.append(String.format("  %-18s %s:%d%s%n", "PostgreSQL", infra.postgresHost(), infra.postgresPort(),
                infra.postgresEmbedded() ? " (embedded, user postgres; databases civicstack_*)" : ""));
        b.append(String.format("  %-18s %s%s%n", "Redis", infra.redisUrl(), infra.redisEmbedded() ? " (embedded)" : ""));
        b.append(System.lineSeparator())
                .append("Everything goes through the gateway:").append(System.lineSeparator())
                .append("  curl -s http://localhost:").append(gw).append("/actuator/health").append(System.lineSeparator())
                .append("  API docs: http://localhost:").append(gw).append("/swagger-ui.html  (combined OpenAPI: /openapi)")
                .append(System.lineSeparator())
                .append("Stop with Ctrl-C.").append(System.lineSeparator());
        return b.toString();
    }
}
