package org.civicstack.platform.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.IncompatibleAddressException;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * Strict IP text parsing for the upstream policy.
 *
 * <p>Why a library ({@code com.github.seancfoley:ipaddress}) rather than the JDK: {@link InetAddress#getByName}
 * silently turns IPv4-mapped IPv6 text into an {@code Inet4Address} (hiding the very form we must refuse), looks up
 * zone ids against the local interfaces, and the JDK has no CIDR type; the library parses IPv6 exactly and gives
 * immutable, thread-safe prefix blocks with containment. The IPAddress library is permissive by default (inet_aton forms,
 * wildcards, ranges, base 85...), which is exactly what an SSRF check must not be, so every parser here switches
 * those off. IPv4 in URLs is parsed by hand with one regular expression because the rule is simpler than any
 * option set: four decimal octets, no leading zeros.
 */
final class IpLiterals {

    private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(?:" + OCTET + ")(?:\\.(?:" + OCTET + ")){3}");
    /** A label some URL parser or resolver (inet_aton, WHATWG) would read as a number: decimal, octal or 0x-hex. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("0x[0-9a-f]*|[0-9]+");
    /** The library reads "/0" as a leading zero when those are off, so prefix lengths are checked here instead. */
    private static final Pattern PREFIX_LENGTH = Pattern.compile(".*/(?:0|[1-9][0-9]{0,2})|[^/]*");

    /** IPv6 between URL brackets: no prefix, zone, wildcard, range or base 85; embedded IPv4 strictly dotted. */
    private static final IPAddressStringParameters IPV6_LITERAL = strict(false, false);
    /** An address or CIDR block in configuration, IPv4 or IPv6. */
    private static final IPAddressStringParameters NETWORK = strict(true, true);

    private IpLiterals() {
    }

    private static IPAddressStringParameters strict(boolean allowPrefix, boolean allowIpv4) {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder();
        builder.allowEmpty(false).allowAll(false).allowSingleSegment(false).allowPrefixOnly(false).allowMask(false)
                .allowPrefix(allowPrefix).allowIPv4(allowIpv4).allowIPv6(true).allowWildcardedSeparator(false)
                .setRangeOptions(RangeParameters.NO_RANGE);
        builder.getIPv4AddressParametersBuilder().allow_inet_aton(false).allowLeadingZeros(false)
                .allowUnlimitedLeadingZeros(false).allowBinary(false);
        builder.getIPv6AddressParametersBuilder().allowBase85(false).allowZone(false).allowBinary(false)
                .allowMixed(true).allowUnlimitedLeadingZeros(false)
                .getEmbeddedIPv4AddressParametersBuilder().allow_inet_aton(false).allowLeadingZeros(false)
                .allowUnlimitedLeadingZeros(false).allowBinary(false);
        return builder.toParams();
    }

    /** The address when {@code text} is exactly a canonical dotted quad, else {@code null}. */
    static IPv4Address canonicalIpv4(String text) {
        if (!DOTTED_QUAD.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return new IPv4Address(bytes);
    }

    /**
     * Whether a (lowercase ASCII) host would be taken for an IPv4 number by some parser: every label is numeric, or
     * the last one is (the WHATWG URL rule; no top-level domain is numeric).
     */
    static boolean looksNumeric(String host) {
        String[] labels = host.split("\\.", -1);
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            return true;
        }
        for (String label : labels) {
            if (!NUMERIC_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The IPv6 address written between URL brackets (without the brackets), or {@code null} if it is not one. */
    static IPv6Address ipv6Literal(String text) {
        try {
            IPAddress address = new IPAddressString(text, IPV6_LITERAL).toAddress();
            return address.isIPv6() && !address.isMultiple() ? address.toIPv6() : null;
        } catch (AddressStringException | IncompatibleAddressException e) {
            return null;
        }
    }

    /**
     * A configured network: an address ({@code 10.0.0.7}, {@code 2001:db8::1}) or a CIDR block whose host bits are
     * zero ({@code 10.20.0.0/16}); returned as the prefix block it denotes.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    static IPAddress network(String text) {
        if (!PREFIX_LENGTH.matcher(text.strip()).matches()) {
            throw new IllegalArgumentException("'" + text + "' has a malformed prefix length");
        }
        IPAddress address;
        try {
            address = new IPAddressString(text.strip(), NETWORK).toAddress();
        } catch (AddressStringException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block ("
                    + e.getMessage() + ")", e);
        }
        if (address.getNetworkPrefixLength() == null) {
            return address;
        }
        IPAddress block = address.toPrefixBlock();
        if (!address.getLower().withoutPrefixLength().equals(block.getLower().withoutPrefixLength())) {
            throw new IllegalArgumentException("'" + text + "' has bits set after the prefix length; did you mean '"
                    + block.toCanonicalString() + "'?");
        }
        return block;
    }

    /** The library form of a JDK address; scope ids are dropped, IPv4-mapped IPv6 stays IPv6. */
    static IPAddress of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet4Address ? new IPv4Address(bytes) : new IPv6Address(bytes);
    }
}
