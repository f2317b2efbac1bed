package org.civicstack.platform.net;

import java.util.List;

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
 * configured here.
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
 */
@Validated
@ConfigurationProperties("civicstack.upstream-network")
public record UpstreamNetworkProperties(
        List<@NotBlank String> allowedNetworks,
        boolean allowPublicInternet,
        List<@NotBlank String> platformAddresses,
        List<@NotNull @Min(1) @Max(65535) Integer> allowedPorts) {

    public UpstreamNetworkProperties {
        allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        platformAddresses = platformAddresses == null ? List.of() : List.copyOf(platformAddresses);
        allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
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
    }
}
