package org.civicstack.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.civicstack.infra.ProvisionedInfra;

/**
 * The whole platform running in this JVM. {@link #close()} stops it in dependency order: the gateway first (no new
 * traffic), then the services, then the embedded PostgreSQL and Redis if this run started them, and last the run's
 * temporary directory.
 */
public final class RunningPlatform implements AutoCloseable {

    private final ProvisionedInfra infra;
    private final List<IsolatedService> services;
    private final List<IsolatedService> additional = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long startMillis;
    private final LauncherSettings settings;
    private final PlatformWiring wiring;
    private final UnpackedServiceJar gatewayJar;
    private final RunDirectory runDirectory;
    private final AtomicBoolean closed = new AtomicBoolean();

    RunningPlatform(ProvisionedInfra infra, List<IsolatedService> services, long startMillis,
            LauncherSettings settings, PlatformWiring wiring, UnpackedServiceJar gatewayJar, RunDirectory runDirectory) {
        this.infra = infra;
        this.services = List.copyOf(services);
        this.startMillis = startMillis;
        this.settings = settings;
        this.wiring = wiring;
        this.gatewayJar = gatewayJar;
        this.runDirectory = runDirectory;
    }

    RunDirectory runDirectory() {
        return runDirectory;
    }

    LauncherSettings settings() {
        return settings;
    }

    PlatformWiring wiring() {
        return wiring;
    }

    UnpackedServiceJar gatewayJar() {
        return gatewayJar;
    }

    void adopt(IsolatedService service) {
        additional.add(service);
    }

    public ProvisionedInfra infra() {
        return infra;
    }

    /** The port a service actually listens on (useful when it was configured as 0). */
    public int port(String serviceName) {
        return services.stream()
                .filter(s -> s.spec().name().equals(serviceName))
                .findFirst()
                .map(IsolatedService::port)
                .orElseThrow(() -> new IllegalArgumentException("no service " + serviceName));
    }

    public int gatewayPort() {
        return port(ServiceSpec.GATEWAY.name());
    }

    public long startMillis() {
        return startMillis;
    }

    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        services.forEach(s -> ports.put(s.spec().name(), s.port()));
        return ports;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            additional.forEach(IsolatedService::close);
            List<IsolatedService> reversed = new ArrayList<>(services);
            Collections.reverse(reversed);
            List<Thread> stopping = new ArrayList<>();
            for (IsolatedService service : reversed) {
                if (service.spec().equals(ServiceSpec.GATEWAY)) {
                    service.close();
                } else {
                    Thread t = new Thread(service::close, "stop-" + service.spec().name());
                    t.start();
                    stopping.add(t);
                }
            }
            for (Thread t : stopping) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            infra.close();
            if (runDirectory != null) {
                runDirectory.close();
            }
        }
    }
}
