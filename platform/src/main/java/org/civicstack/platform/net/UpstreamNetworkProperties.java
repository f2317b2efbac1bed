package org.civicstack.platform.net;

import java.util.List;
import java.util.TreeSet;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where upstream services may be ({@code civicstack.upstream-network.*}), shared by the services registry (checked
 * at registration) and the gateway (checked again at every connection). With nothing configured every upstream is
 * refused. Loopback, link-local, metadata, multicast and the other always-refused ranges stay refused whatever is
 * configured here — except loopback on the ports of {@link #loopbackPorts}, a local-development setting that is off by
 * default.
 *
 * <p>The entries are parsed when the record is bound, so a typo fails start-up naming the entry, instead of
 * silently refusing (or allowing) upstreams later.
 *
 * @param allowedNetworks CIDR blocks or single addresses upstreams may use, IPv4 or IPv6 (e.g. {@code 10.20.0.0/16},
 *        the agencies' government network); the only way to allow private, shared (100.64/10) or ULA ranges.
 * @param allowPublicInternet also allow every public unicast address (outside all private and special-purpose
 *        ranges); default false.
 * @param platformAddresses the platform's own listeners, refused as upstreams even inside an allowed network: an
 *        address, CIDR block, {@code address:port} or {@code [ipv6]:port} (IP literals only; a bare address or
 *        block refuses every port).
 * @param allowedPorts TCP ports upstreams may use; empty means any port from 1 to 65535.
 * @param loopbackPorts <b>local development only</b>: ports on which loopback upstreams ({@code 127.0.0.0/8},
 *        {@code ::1}, {@code localhost}) are accepted and connected to, so a local run reaches a service the developer
 *        runs on the same machine; empty (the default) = loopback is refused like every other always-refused range.
 *        Only those exact ports: other loopback ports, IPv4-mapped or embedded forms of loopback, link-local,
 *        metadata and the platform's own addresses stay refused, and {@code allowedPorts} does not apply to them.
 *        Every service that uses it logs a warning at start and shows it in health ({@code upstream_network}).
 */
@Validated
@ConfigurationProperties("civicstack.upstream-network")
public record UpstreamNetworkProperties(
        List<@NotBlank String> allowedNetworks,
        boolean allowPublicInternet,
        List<@NotBlank String> platformAddresses,
        List<@NotNull @Min(1) @Max(65535) Integer> allowedPorts,
        List<@NotNull @Min(1) @Max(65535) Integer> loopbackPorts) {

    /** The property that lists {@link #loopbackPorts}, as logs and messages name it. */
    public static final String LOOPBACK_PORTS_PROPERTY = "civicstack.upstream-network.loopback-ports";
    /** Its environment variable (Spring's relaxed binding; comma-separated ports). */
    public static final String LOOPBACK_PORTS_ENV = "CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS";

    /** Nothing allowed: every upstream refused. */
    public static UpstreamNetworkProperties none() {
        return new UpstreamNetworkProperties(List.of(), false, List.of(), List.of(), List.of());
    }

    public UpstreamNetworkProperties {
        allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        platformAddresses = platformAddresses == null ? List.of() : List.copyOf(platformAddresses);
        allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
        loopbackPorts = loopbackPorts == null ? List.of() : List.copyOf(loopbackPorts);
        for (int i = 0; i < allowedNetworks.size(); i++) {
            try {
                IpLiterals.network(allowedNetworks.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowed-networks[" + i + "]: " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < platformAddresses.size(); i++) {
            try {
                PlatformEndpoint.parse(platformAddresses.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("platform-addresses[" + i + "]: " + e.getMessage(), e);
            }
        }
        for (Integer port : allowedPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allowed-ports: " + port + " is not a port from 1 to 65535");
            }
        }
        for (Integer port : loopbackPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("loopback-ports: " + port + " is not a port from 1 to 65535");
            }
        }
        loopbackPorts = List.copyOf(new TreeSet<>(loopbackPorts));
    }

    /** Whether the local-development loopback setting is on. */
    public boolean loopbackAllowed() {
        return !loopbackPorts.isEmpty();
    }
}
