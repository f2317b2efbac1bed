package org.civicstack.platform.net;

import inet.ipaddr.IPAddress;

/**
 * One of the platform's own listeners, from {@code platformAddresses}: an address or CIDR block, optionally with a
 * port ({@code 10.0.0.7}, {@code 10.0.0.0/24}, {@code 10.0.0.7:8080}, {@code 2001:db8::7}, {@code [2001:db8::7]:8080}).
 * IP literals only: a host name would need DNS at start-up and could go stale.
 *
 * @param port the listener's port, or {@link #ANY_PORT} when every port of the address is the platform's
 */
record PlatformEndpoint(IPAddress network, int port) {

    static final int ANY_PORT = 0;

    static PlatformEndpoint parse(String entry) {
        String text = entry.strip();
        String address = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("'" + entry + "' is not [ipv6]:port");
            }
            address = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            address = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        return new PlatformEndpoint(IpLiterals.network(address), port == null ? ANY_PORT : parsePort(entry, port));
    }

    private static int parsePort(String entry, String port) {
        if (!port.matches("[1-9][0-9]{0,4}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + entry + "' has an invalid port; use 1-65535");
        }
        return Integer.parseInt(port);
    }

    boolean matches(IPAddress address, int connectPort) {
        return (port == ANY_PORT || port == connectPort) && network.contains(address);
    }
}
