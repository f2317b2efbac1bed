package org.civicstack.platform.net;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * The local-development setting {@value UpstreamNetworkProperties#LOOPBACK_PORTS_PROPERTY} at start of a service
 * that checks or connects to upstreams (the registry and the gateway): refuses to start when a listed port is one the
 * platform itself listens on, and otherwise says loudly, once, that loopback upstreams are allowed.
 *
 * <p>Why refuse instead of merely skipping those ports: a listed port that is also a platform listener would let an
 * agency register the platform's own service as its upstream; failing start names the conflict, and since the
 * registry and the gateway read the same setting, whichever of them knows the port stops the misconfiguration.
 */
public final class LoopbackUpstreams {

    private static final Logger log = LoggerFactory.getLogger(LoopbackUpstreams.class);

    private LoopbackUpstreams() {
    }

    /**
     * Checks the loopback ports against {@code platformPorts} and logs the warning; does nothing when the setting
     * is off.
     *
     * @param service the service's name, for the log line
     * @param platformPorts what the platform itself listens on or connects to (name → port), as far as this service
     *        knows; {@link #ownPorts(Environment)} gives the ones every service knows
     * @throws IllegalStateException naming the setting and the conflicting port
     */
    public static void announce(String service, UpstreamNetworkProperties properties, Map<String, Integer> platformPorts) {
        if (!properties.loopbackAllowed()) {
            return;
        }
        List<String> conflicts = new ArrayList<>();
        platformPorts.forEach((name, port) -> {
            if (port != null && properties.loopbackPorts().contains(port)) {
                conflicts.add(port + " (" + name + ")");
            }
        });
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException(UpstreamNetworkProperties.LOOPBACK_PORTS_PROPERTY + " (env "
                    + UpstreamNetworkProperties.LOOPBACK_PORTS_ENV + ") lists the platform's own port(s) "
                    + String.join(", ", conflicts) + ": list only the ports of your local upstream services");
        }
        log.warn("LOCAL DEVELOPMENT SETTING ON: {} accepts and connects to loopback upstreams (127.0.0.0/8, ::1, "
                + "localhost) on ports {} because {} (env {}) is set. Never set it outside a local run.", service,
                properties.loopbackPorts(), UpstreamNetworkProperties.LOOPBACK_PORTS_PROPERTY,
                UpstreamNetworkProperties.LOOPBACK_PORTS_ENV);
    }

    /**
     * The ports every service can tell from its own configuration: its HTTP and management ports, PostgreSQL's and
     * Redis'. Unset or random ({@code 0}) ports are left out.
     */
    public static Map<String, Integer> ownPorts(Environment environment) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        String service = environment.getProperty("spring.application.name", "this service");
        put(ports, service + " server.port", environment.getProperty("server.port", Integer.class));
        put(ports, service + " management.server.port", environment.getProperty("management.server.port", Integer.class));
        if (environment.getProperty("civicstack.postgres.host") != null) {
            put(ports, "PostgreSQL", environment.getProperty("civicstack.postgres.port", Integer.class, 5432));
        }
        String redis = environment.getProperty("civicstack.redis.url");
        if (redis != null && !redis.isBlank()) {
            try {
                int port = URI.create(redis.strip()).getPort();
                put(ports, "Redis", port > 0 ? port : 6379);
            } catch (IllegalArgumentException e) {
                // a malformed URL fails elsewhere, with its own message
            }
        }
        return ports;
    }

    private static void put(Map<String, Integer> ports, String name, Integer port) {
        if (port != null && port > 0) {
            ports.put(name, port);
        }
    }
}
