package org.civicstack.platform.net;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@value #NAME}: always {@code UP} (it reports configuration, it never fails a probe), with the
 * local-development loopback ports in detail {@code loopback_ports} ({@code []} when the setting is off) and, because
 * the platform hides health details by default, also in the status {@code description} while the setting is on — so
 * {@code /actuator/health} shows at a glance that a service accepts loopback upstreams.
 */
public final class UpstreamNetworkHealthIndicator implements HealthIndicator {

    /** The component's name in {@code /actuator/health}; register the bean under this name. */
    public static final String NAME = "upstream_network";

    private final Health health;

    public UpstreamNetworkHealthIndicator(UpstreamNetworkProperties properties) {
        List<Integer> ports = properties.loopbackPorts();
        Status status = ports.isEmpty() ? Status.UP
                : new Status(Status.UP.getCode(), "LOCAL DEVELOPMENT: loopback upstreams allowed on ports " + ports
                        + " (" + UpstreamNetworkProperties.LOOPBACK_PORTS_PROPERTY + ")");
        this.health = Health.status(status)
                .withDetail("loopback_ports", ports)
                .withDetail("allow_public_internet", properties.allowPublicInternet())
                .withDetail("allowed_networks", properties.allowedNetworks().size())
                .build();
    }

    @Override
    public Health health() {
        return health;
    }
}
