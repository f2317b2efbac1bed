package org.civicstack.platform.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import inet.ipaddr.IPAddressString;

/** A DNS stand-in: a fixed map of names to addresses, recording every lookup. Never touches the network. */
final class FakeHostResolver implements HostResolver {

    private final Map<String, List<InetAddress>> records = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();

    FakeHostResolver with(String host, InetAddress... addresses) {
        records.put(host, List.of(addresses));
        return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.add(host);
        List<InetAddress> addresses = records.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    }

    List<String> lookups() {
        return lookups;
    }

    /** An address from an IP literal, with no DNS lookup (the JDK only checks a literal's format). */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * An IPv6 address kept as {@link Inet6Address} even when IPv4-mapped: the JDK's own parser would turn
     * {@code ::ffff:a.b.c.d} into an {@code Inet4Address}, but a resolver or a socket may hand over either form.
     */
    static InetAddress ipv6(String literal) {
        try {
            return Inet6Address.getByAddress(null, new IPAddressString(literal).getAddress().getBytes(), -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
