package org.civicstack.platform.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether an agency-supplied upstream URL may be registered: it must parse as a strict, canonical
 * {@link UpstreamUrl}, and the host must be (or resolve only to) addresses the {@link UpstreamAddressGuard} allows.
 * Every address of a DNS name is checked, not just the first: a name that resolves to one public and one internal
 * address is refused, since the client could connect to either.
 *
 * <p>Callers may rely on: a returned {@link UpstreamUrl} is safe to store and its {@code toString()} is the form to
 * store; a refusal is always an {@link UnsafeUpstreamException} with a specific reason, never a generic exception;
 * IP literals are never passed to the resolver; syntax is refused before any DNS lookup. {@link #validate} blocks
 * while resolving (call it off event-loop threads). Passing registration does not make the URL safe forever: the
 * gateway re-checks each connection with {@link #guard()}.
 */
public final class UpstreamUrlPolicy {

    private final UpstreamAddressGuard guard;
    private final HostResolver resolver;

    public UpstreamUrlPolicy(UpstreamAddressGuard guard, HostResolver resolver) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The policy for {@code properties}, resolving with the JVM's resolver. */
    public static UpstreamUrlPolicy of(UpstreamNetworkProperties properties) {
        return new UpstreamUrlPolicy(new UpstreamAddressGuard(properties), HostResolver.system());
    }

    /**
     * Parses, normalises, resolves and checks {@code candidate}.
     *
     * @return the canonical URL, when the URL and every address of its host are allowed
     * @throws UnsafeUpstreamException with the first reason found; turn it into the API's 422 with
     *         {@link UnsafeUpstreamException#toProblem(String)}
     */
    public UpstreamUrl validate(String candidate) {
        UpstreamUrl url = UpstreamUrl.parse(candidate);
        if (!guard.portAllowed(url.port())) {
            throw new UnsafeUpstreamException(UnsafeUpstreamReason.PORT_NOT_ALLOWED);
        }
        if (url.isIpLiteral()) {
            refuseIfUnsafe(guard.refusal(url.literal(), url.port()));
            return url;
        }
        for (InetAddress address : resolve(url.host())) {
            refuseIfUnsafe(guard.refusal(IpLiterals.of(address), url.port()));
        }
        return url;
    }

    /** The connect-time check built from the same configuration, for the gateway. */
    public UpstreamAddressGuard guard() {
        return guard;
    }

    private List<InetAddress> resolve(String host) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new UnsafeUpstreamException(UnsafeUpstreamReason.UNRESOLVABLE_HOST);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new UnsafeUpstreamException(UnsafeUpstreamReason.UNRESOLVABLE_HOST);
        }
        return addresses;
    }

    private static void refuseIfUnsafe(UnsafeUpstreamReason reason) {
        if (reason != null) {
            throw new UnsafeUpstreamException(reason);
        }
    }
}
