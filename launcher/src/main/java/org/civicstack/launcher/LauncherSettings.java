package org.civicstack.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.infra.InfraSettings;

/**
 * What the all-in-one run starts and where, from system properties or the environment (a system property wins):
 *
 * <ul>
 *   <li>{@code civicstack.launcher.ports.<service>} / {@code CIVICSTACK_LAUNCHER_PORTS_<SERVICE>}: each service's
 *       port (gateway 8080, identity 8081, services-registry 8082, payments 8083, certificates 8084; 0 = any free port).</li>
 *   <li>{@code civicstack.launcher.services-dir}: where the service jars are (default: {@code services/} next to the
 *       launcher jar).</li>
 *   <li>{@code civicstack.launcher.log-format}: {@code text} (default, readable) or {@code json} (structured, as in
 *       production).</li>
 *   <li>{@code civicstack.launcher.extra-args} / {@code CIVICSTACK_LAUNCHER_EXTRA_ARGS}: Spring arguments passed to
 *       every service, space-separated {@code --key=value} (no quoting; a value cannot contain a space), e.g.
 *       {@code --logging.level.root=WARN}. For benchmarks and local experiments.</li>
 *   <li>PostgreSQL and Redis: see {@link InfraSettings}; embedded when not configured.</li>
 * </ul>
 *
 * @param extraArguments Spring arguments passed to every service (e.g. {@code --logging.level.root=WARN})
 * @param environment the environment variables every service reads its settings from (e.g. the
 *         {@code CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_*} clients), or {@code null} for this JVM's own. A JVM
 *         cannot change its own environment, so this is how a test runs the platform as if started with given
 *         variables; the launcher's own settings are read from the same map.
 */
public record LauncherSettings(Map<ServiceSpec, Integer> ports, Path servicesDir, String logFormat,
        InfraSettings infra, List<String> extraArguments, Map<String, String> environment) {

    public LauncherSettings {
        ports = Map.copyOf(ports);
        extraArguments = List.copyOf(extraArguments);
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** From system properties and this JVM's environment variables, which the services read too. */
    public static LauncherSettings fromEnvironment() {
        return read(System.getenv(), null);
    }

    /**
     * As if the launcher had been started with exactly these environment variables: its settings are read from
     * them (a system property still wins) and every service sees them instead of this JVM's.
     */
    public static LauncherSettings fromEnvironment(Map<String, String> environment) {
        return read(environment, environment);
    }

    private static LauncherSettings read(Map<String, String> env, Map<String, String> servicesEnvironment) {
        Map<ServiceSpec, Integer> ports = new LinkedHashMap<>();
        List<ServiceSpec> all = new ArrayList<>(ServiceSpec.BACKENDS);
        all.add(ServiceSpec.GATEWAY);
        for (ServiceSpec spec : all) {
            ports.put(spec, configuredPort(spec, env));
        }
        String dir = setting("civicstack.launcher.services-dir", env);
        String logFormat = setting("civicstack.launcher.log-format", env);
        return new LauncherSettings(ports, dir != null ? Path.of(dir) : defaultServicesDir(),
                logFormat != null ? logFormat : "text", InfraSettings.from(env, System::getProperty),
                extraArguments(setting("civicstack.launcher.extra-args", env)), servicesEnvironment);
    }

    /** {@code --a=1 --b=2} → [{@code --a=1}, {@code --b=2}]; anything not starting with {@code --} is refused. */
    static List<String> extraArguments(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> arguments = new ArrayList<>();
        for (String argument : value.trim().split("\\s+")) {
            if (!argument.startsWith("--") || argument.length() < 3) {
                throw new LaunchException("'" + argument + "' in " + InfraSettings.describe("civicstack.launcher.extra-args")
                        + " is not a Spring argument: use space-separated --key=value");
            }
            arguments.add(argument);
        }
        return arguments;
    }

    public LauncherSettings withPort(ServiceSpec spec, int port) {
        Map<ServiceSpec, Integer> copy = new LinkedHashMap<>(ports);
        copy.put(spec, port);
        return new LauncherSettings(copy, servicesDir, logFormat, infra, extraArguments, environment);
    }

    public LauncherSettings withExtraArguments(List<String> arguments) {
        return new LauncherSettings(ports, servicesDir, logFormat, infra, arguments, environment);
    }

    public LauncherSettings withInfra(InfraSettings infraSettings) {
        return new LauncherSettings(ports, servicesDir, logFormat, infraSettings, extraArguments, environment);
    }

    public int port(ServiceSpec spec) {
        return ports.getOrDefault(spec, spec.defaultPort());
    }

    private static int configuredPort(ServiceSpec spec, Map<String, String> env) {
        String value = setting(spec.portProperty(), env);
        if (value == null) {
            return spec.defaultPort();
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new LaunchException("'" + value + "' is not a port for " + spec.name() + ": set "
                    + InfraSettings.describe(spec.portProperty()) + " to 0-65535");
        }
    }

    static String setting(String property, Map<String, String> env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = env.get(InfraSettings.envName(property));
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Path defaultServicesDir() {
        try {
            Path codeSource = Path.of(LauncherSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path base = Files.isDirectory(codeSource) ? codeSource.getParent() : codeSource.getParent();
            return base.resolve("services");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("launcher", "target", "services");
        }
    }
}
