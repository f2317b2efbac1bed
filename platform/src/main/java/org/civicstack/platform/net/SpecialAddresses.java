package org.civicstack.platform.net;

import static org.civicstack.platform.net.UnsafeUpstreamReason.BROADCAST_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_EMBEDDED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.IPV4_MAPPED_IPV6;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LINK_LOCAL_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.LOOPBACK_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.METADATA_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MULTICAST_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.RESERVED_ADDRESS;
import static org.civicstack.platform.net.UnsafeUpstreamReason.UNSPECIFIED_ADDRESS;

import java.util.List;

import inet.ipaddr.IPAddress;

/**
 * The address tables of the upstream policy, as data. Sources: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and updates) and the cloud providers' documented instance-metadata endpoints.
 */
final class SpecialAddresses {

    /** A block of addresses and why it is refused. */
    record Block(IPAddress network, UnsafeUpstreamReason reason) {

        static Block of(String cidr, UnsafeUpstreamReason reason) {
            return new Block(IpLiterals.network(cidr), reason);
        }
    }

    /**
     * Refused whatever the configuration. Ordered, first match wins: the specific metadata addresses come before the
     * link-local and ULA blocks that contain them, so the refusal names the more useful reason.
     */
    static final List<Block> ALWAYS_REFUSED = List.of(
            Block.of("169.254.169.254", METADATA_ADDRESS), // AWS, Azure, GCP, OpenStack, Huawei, Oracle, DigitalOcean
            Block.of("169.254.170.2", METADATA_ADDRESS), // AWS ECS task metadata and credentials
            Block.of("169.254.0.23", METADATA_ADDRESS), // Tencent Cloud (metadata.tencentyun.com)
            Block.of("100.100.100.200", METADATA_ADDRESS), // Alibaba Cloud
            Block.of("192.0.0.192", METADATA_ADDRESS), // Oracle Cloud (legacy)
            Block.of("fd00:ec2::254", METADATA_ADDRESS), // AWS over IPv6
            Block.of("fd20:ce::254", METADATA_ADDRESS), // Google Cloud over IPv6
            Block.of("0.0.0.0/8", UNSPECIFIED_ADDRESS), // "this network"; 0.0.0.0 reaches the local host on Linux
            Block.of("127.0.0.0/8", LOOPBACK_ADDRESS),
            Block.of("169.254.0.0/16", LINK_LOCAL_ADDRESS),
            Block.of("224.0.0.0/4", MULTICAST_ADDRESS),
            Block.of("255.255.255.255/32", BROADCAST_ADDRESS),
            Block.of("240.0.0.0/4", RESERVED_ADDRESS),
            Block.of("::/128", UNSPECIFIED_ADDRESS),
            Block.of("::1/128", LOOPBACK_ADDRESS),
            Block.of("::ffff:0:0/96", IPV4_MAPPED_IPV6),
            Block.of("::ffff:0:0:0/96", IPV4_EMBEDDED_IPV6), // SIIT IPv4-translated
            Block.of("::/96", IPV4_EMBEDDED_IPV6), // deprecated IPv4-compatible
            Block.of("64:ff9b::/96", IPV4_EMBEDDED_IPV6), // NAT64 well-known prefix
            Block.of("64:ff9b:1::/48", IPV4_EMBEDDED_IPV6), // NAT64 local-use prefix
            Block.of("2002::/16", IPV4_EMBEDDED_IPV6), // 6to4
            Block.of("2001::/32", IPV4_EMBEDDED_IPV6), // Teredo
            Block.of("fe80::/10", LINK_LOCAL_ADDRESS),
            Block.of("ff00::/8", MULTICAST_ADDRESS));

    /**
     * Not on the public internet (private, shared, documentation, benchmarking, protocol-assignment ranges): allowed
     * only when listed in the configured allowed networks, never by {@code allowPublicInternet}.
     */
    static final List<IPAddress> NON_PUBLIC = List.of(
            IpLiterals.network("10.0.0.0/8"),
            IpLiterals.network("100.64.0.0/10"), // carrier-grade NAT
            IpLiterals.network("172.16.0.0/12"),
            IpLiterals.network("192.0.0.0/24"), // IETF protocol assignments
            IpLiterals.network("192.0.2.0/24"), // documentation
            IpLiterals.network("192.88.99.0/24"), // deprecated 6to4 relay anycast
            IpLiterals.network("192.168.0.0/16"),
            IpLiterals.network("198.18.0.0/15"), // benchmarking
            IpLiterals.network("198.51.100.0/24"), // documentation
            IpLiterals.network("203.0.113.0/24"), // documentation
            IpLiterals.network("100::/64"), // discard-only
            IpLiterals.network("2001::/23"), // IETF protocol assignments
            IpLiterals.network("2001:db8::/32"), // documentation
            IpLiterals.network("3fff::/20"), // documentation
            IpLiterals.network("5f00::/16"), // segment routing SIDs
            IpLiterals.network("fc00::/7"), // unique local
            IpLiterals.network("fec0::/10")); // deprecated site-local

    /** The only IPv6 space allocated for global unicast; anything outside it is not public. */
    static final IPAddress IPV6_GLOBAL_UNICAST = IpLiterals.network("2000::/3");

    private SpecialAddresses() {
    }

    /** The loopback blocks: what the local-development loopback ports may reach, and nothing else. */
    static final List<IPAddress> LOOPBACK = List.of(IpLiterals.network("127.0.0.0/8"), IpLiterals.network("::1/128"));

    /** Whether {@code address} is IPv4 loopback or {@code ::1} (not their IPv4-mapped or embedded IPv6 forms). */
    static boolean isLoopback(IPAddress address) {
        for (IPAddress block : LOOPBACK) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The first always-refused block containing {@code address}, or {@code null}. */
    static UnsafeUpstreamReason alwaysRefused(IPAddress address) {
        for (Block block : ALWAYS_REFUSED) {
            if (block.network().contains(address)) {
                return block.reason();
            }
        }
        return null;
    }

    /** Whether an address that is not always refused is on the public internet. */
    static boolean isPublic(IPAddress address) {
        if (address.isIPv6() && !IPV6_GLOBAL_UNICAST.contains(address)) {
            return false;
        }
        for (IPAddress network : NON_PUBLIC) {
            if (network.contains(address)) {
                return false;
            }
        }
        return true;
    }
}
