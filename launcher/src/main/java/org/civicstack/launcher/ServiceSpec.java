package org.civicstack.launcher;

import java.util.List;

/**
 * One deployable of the platform as the launcher knows it: its name (also its jar's name), the default port and
 * the setting that changes it.
 */
public record ServiceSpec(String name, int defaultPort) {

    /** Backend services first; the gateway starts last because it needs to know where they listen. */
    public static final List<ServiceSpec> BACKENDS = List.of(
            new ServiceSpec("identity", 8081),
            new ServiceSpec("services-registry", 8082),
            new ServiceSpec("payments", 8083),
            new ServiceSpec("certificates", 8084));
    public static final ServiceSpec GATEWAY = new ServiceSpec("gateway", 8080);

    /** e.g. {@code civicstack.launcher.ports.services-registry}, env {@code CIVICSTACK_LAUNCHER_PORTS_SERVICES_REGISTRY}. */
    public String portProperty() {
        return "civicstack.launcher.ports." + name;
    }

    public String jarName() {
        return name + ".jar";
    }
}
