package org.civicstack.platform.net;

import java.util.Locale;

/**
 * Why an upstream URL or address was refused. Each constant has a stable snake_case {@link #code()} that clients
 * see in the problem's {@code errors[].code}; codes are never renamed, only added.
 *
 * <p>The address reasons are deliberately specific (loopback, metadata, ...) because an agency that gets one
 * knows what to fix; the messages never contain a resolved address, so a refusal cannot be used to map the
 * platform's internal DNS.
 */
public enum UnsafeUpstreamReason {

    // --- the text of the URL ---
    MALFORMED_URL("The upstream URL is not a well-formed absolute URL."),
    SCHEME_NOT_ALLOWED("Only http and https upstream URLs are allowed."),
    CREDENTIALS_IN_URL("The upstream URL must not contain user information (user:password@); "
            + "register credentials separately."),
    FRAGMENT_NOT_ALLOWED("The upstream URL must not contain a fragment (#...)."),
    MISSING_HOST("The upstream URL has no host."),
    INVALID_HOST("The upstream host is not a valid DNS name or IP address."),
    INVALID_PORT("The upstream port must be a number from 1 to 65535 without leading zeros."),
    NON_CANONICAL_IP_LITERAL("An IPv4 address must be written as four decimal numbers 0-255 without leading zeros "
            + "(e.g. 203.0.113.7); decimal, octal, hexadecimal and shortened forms are refused."),
    ZONE_ID_NOT_ALLOWED("IPv6 zone identifiers (%25...) are interface-scoped and cannot name an upstream."),

    // --- the address the host is or resolves to ---
    IPV4_MAPPED_IPV6("The upstream host is, or resolves to, an IPv4-mapped IPv6 address (::ffff:a.b.c.d); "
            + "use the IPv4 address itself."),
    IPV4_EMBEDDED_IPV6("The upstream host is, or resolves to, an IPv6 address that embeds an IPv4 address "
            + "(IPv4-compatible, NAT64, 6to4 or Teredo); use the IPv4 address itself."),
    UNSPECIFIED_ADDRESS("The upstream host is, or resolves to, an unspecified address (0.0.0.0/8 or ::)."),
    LOOPBACK_ADDRESS("The upstream host is, or resolves to, a loopback address."),
    LINK_LOCAL_ADDRESS("The upstream host is, or resolves to, a link-local address."),
    METADATA_ADDRESS("The upstream host is, or resolves to, a cloud instance metadata address."),
    MULTICAST_ADDRESS("The upstream host is, or resolves to, a multicast address."),
    BROADCAST_ADDRESS("The upstream host is, or resolves to, the broadcast address."),
    RESERVED_ADDRESS("The upstream host is, or resolves to, a reserved address (240.0.0.0/4)."),
    PLATFORM_ADDRESS("The upstream host is, or resolves to, one of the platform's own addresses."),
    PORT_NOT_ALLOWED("The upstream port is not one of the ports upstreams may use."),
    ADDRESS_NOT_ALLOWED("The upstream host is, or resolves to, an address outside the networks upstreams may use."),
    UNRESOLVABLE_HOST("The upstream host name does not resolve to any address.");

    private final String code;
    private final String description;

    UnsafeUpstreamReason(String description) {
        this.code = name().toLowerCase(Locale.ROOT);
        this.description = description;
    }

    /** The stable snake_case code, e.g. {@code loopback_address}. */
    public String code() {
        return code;
    }

    /** A readable English sentence saying what is wrong; safe to show to the agency (no input echoed). */
    public String description() {
        return description;
    }
}
