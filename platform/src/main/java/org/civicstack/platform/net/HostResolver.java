package org.civicstack.platform.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves an upstream DNS name to every address it has. {@link UpstreamUrlPolicy} checks all of them, so a resolver
 * must return the full answer, not just the first address.
 *
 * <p>The policy only ever passes validated, lowercase ASCII DNS names, never IP literals. Implementations may block
 * (the {@link #system()} one does): call the policy off event-loop threads.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * @return every address of {@code host}; an empty list or {@link UnknownHostException} means it does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}), with its usual caching and the OS's hosts file. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
