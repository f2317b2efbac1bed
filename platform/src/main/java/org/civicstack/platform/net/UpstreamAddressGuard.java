package org.civicstack.platform.net;

import java.net.InetAddress;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import inet.ipaddr.IPAddress;

/**
 * Decides whether the platform may open a connection to an already-resolved address and port. The gateway calls it
 * for every new upstream connection with the very address the socket is about to connect to (not the result of a
 * second lookup), because what a name resolves to can change after the name was registered (DNS rebinding);
 * {@link UpstreamUrlPolicy} calls it at registration for every address of the host.
 *
 * <p>Callers may rely on: no DNS lookup and no I/O; everything is parsed when the guard is built, so a check is a
 * handful of in-memory comparisons and safe on an event-loop thread; the guard is immutable and thread-safe. The
 * order of the checks is fixed: the port, then the always-refused ranges (loopback, unspecified, link-local,
 * cloud metadata, multicast, broadcast, reserved, IPv4-in-IPv6 forms), then the platform's own listeners, then the
 * configured networks. Nothing in the configuration can allow an always-refused address, with one local-development
 * exception that is off by default: loopback ({@code 127.0.0.0/8}, {@code ::1}) on exactly the ports listed in
 * {@link UpstreamNetworkProperties#loopbackPorts()} (still refused when it is one of the platform's own addresses; the
 * IPv4-mapped and embedded forms of loopback stay refused). The guard does not stop
 * redirects: a client that uses it must also not follow them (a redirect is a new, unchecked URL).
 */
public final class UpstreamAddressGuard {

    private final List<IPAddress> allowedNetworks;
    private final boolean allowPublicInternet;
    private final List<PlatformEndpoint> platformEndpoints;
    /** Ports upstreams may use, or {@code null} for any. */
    private final BitSet allowedPorts;
    /** Ports on which loopback upstreams are allowed (local development), or {@code null} when none are. */
    private final BitSet loopbackPorts;

    public UpstreamAddressGuard(UpstreamNetworkProperties properties) {
        Objects.requireNonNull(properties, "properties");
        this.allowedNetworks = properties.allowedNetworks().stream().map(IpLiterals::network).toList();
        this.allowPublicInternet = properties.allowPublicInternet();
        this.platformEndpoints = properties.platformAddresses().stream().map(PlatformEndpoint::parse).toList();
        if (properties.allowedPorts().isEmpty()) {
            this.allowedPorts = null;
        } else {
            this.allowedPorts = new BitSet(65536);
            properties.allowedPorts().forEach(this.allowedPorts::set);
        }
        if (properties.loopbackPorts().isEmpty()) {
            this.loopbackPorts = null;
        } else {
            this.loopbackPorts = new BitSet(65536);
            properties.loopbackPorts().forEach(this.loopbackPorts::set);
        }
    }

    /**
     * Why a connection to {@code address} on {@code port} must not be made, or empty when it may. An IPv6 scope id
     * is ignored; an IPv4-mapped address is refused even when the JDK represents it as an {@code Inet6Address}.
     */
    public Optional<UnsafeUpstreamReason> refusalFor(InetAddress address, int port) {
        return Optional.ofNullable(refusal(IpLiterals.of(Objects.requireNonNull(address, "address")), port));
    }

    /**
     * Like {@link #refusalFor} for code that prefers an exception.
     *
     * @throws UnsafeUpstreamException when the connection must not be made
     */
    public void check(InetAddress address, int port) {
        UnsafeUpstreamReason reason = refusal(IpLiterals.of(Objects.requireNonNull(address, "address")), port);
        if (reason != null) {
            throw new UnsafeUpstreamException(reason);
        }
    }

    /**
     * Only the port rule, for refusing a URL before any DNS lookup: an allowed port, or one of the loopback ports
     * (whether its host really is loopback is checked per address).
     */
    boolean portAllowed(int port) {
        return port >= 1 && port <= 65535
                && (allowedPorts == null || allowedPorts.get(port) || loopbackPortListed(port));
    }

    private boolean loopbackPortListed(int port) {
        return loopbackPorts != null && port >= 1 && port <= 65535 && loopbackPorts.get(port);
    }

    UnsafeUpstreamReason refusal(IPAddress address, int port) {
        if (loopbackPortListed(port) && SpecialAddresses.isLoopback(address)) {
            return platformEndpoint(address, port) ? UnsafeUpstreamReason.PLATFORM_ADDRESS : null;
        }
        if (port < 1 || port > 65535 || (allowedPorts != null && !allowedPorts.get(port))) {
            return UnsafeUpstreamReason.PORT_NOT_ALLOWED;
        }
        UnsafeUpstreamReason special = SpecialAddresses.alwaysRefused(address);
        if (special != null) {
            return special;
        }
        if (platformEndpoint(address, port)) {
            return UnsafeUpstreamReason.PLATFORM_ADDRESS;
        }
        for (IPAddress network : allowedNetworks) {
            if (network.contains(address)) {
                return null;
            }
        }
        if (allowPublicInternet && SpecialAddresses.isPublic(address)) {
            return null;
        }
        return UnsafeUpstreamReason.ADDRESS_NOT_ALLOWED;
    }

    private boolean platformEndpoint(IPAddress address, int port) {
        for (PlatformEndpoint endpoint : platformEndpoints) {
            if (endpoint.matches(address, port)) {
                return true;
            }
        }
        return false;
    }
}
