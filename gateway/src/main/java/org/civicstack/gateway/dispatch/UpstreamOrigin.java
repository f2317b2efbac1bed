package org.civicstack.gateway.dispatch;

import java.net.URI;
import java.util.Locale;

/**
 * Where an agency's upstream listens: scheme, host and port of its base URL. Connections to an upstream are pooled
 * per origin, so services of one agency that share a host share connections.
 *
 * @param hostHeader the {@code Host} header the upstream expects: the base URL's authority as registered
 */
public record UpstreamOrigin(boolean tls, String host, int port, String hostHeader) {

    public static UpstreamOrigin of(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("upstream must be http or https: " + base);
        }
        if (base.getHost() == null || base.getRawUserInfo() != null) {
            throw new IllegalArgumentException("upstream must name a host and no credentials: " + base);
        }
        boolean tls = scheme.equals("https");
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String host = base.getHost();
        // an IPv6 literal comes bracketed from URI; the socket address wants it bare
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new UpstreamOrigin(tls, host.toLowerCase(Locale.ROOT), port, base.getRawAuthority());
    }

    /**
     * Written out: the origin is the key of the upstream connection pools, looked up twice per request, and the
     * record's generated hash (through method handles, over all four components) showed in the dispatch profile.
     */
    @Override
    public int hashCode() {
        return 31 * host.hashCode() + port;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UpstreamOrigin that && port == that.port && tls == that.tls && host.equals(that.host)
                && hostHeader.equals(that.hostHeader);
    }

    /** {@code host:port}, lower-case: how exemptions from the connect-time check are written. */
    public String hostPort() {
        return host + ":" + port;
    }
}
