package org.civicstack.platform.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * The connect-time SSRF re-check (a Reactor Netty {@code HttpClient.resolver(...)}): every address an HTTP client to
 * agency-given URLs is about to connect to goes through the platform's {@link UpstreamAddressGuard}, because an
 * agency's DNS can change after its URL was checked (DNS rebinding). The gateway's dispatch uses it with the
 * platform's own services (the configured upstream {@code host:port}s) exempt; payments' webhook deliveries with none. A refused address
 * fails the connection with {@link UnsafeUpstreamException} before any byte is sent.
 */
public final class GuardedAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final UpstreamAddressGuard guard;
    private final Set<String> exempt;

    /** @param exemptHostPorts {@code host:port} of the platform's own services, lower-case */
    public GuardedAddressResolverGroup(UpstreamAddressGuard guard, Set<String> exemptHostPorts) {
        this.guard = guard;
        this.exempt = Set.copyOf(exemptHostPorts);
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        AddressResolver<InetSocketAddress> delegate = DefaultAddressResolverGroup.INSTANCE.getResolver(executor);
        return new AbstractAddressResolver<InetSocketAddress>(executor, InetSocketAddress.class) {

            @Override
            protected boolean doIsResolved(InetSocketAddress address) {
                // even a literal address is "resolved" here, so that it passes the guard
                return false;
            }

            @Override
            protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) {
                delegate.resolve(unresolved).addListener(done -> {
                    if (!done.isSuccess()) {
                        promise.tryFailure(done.cause());
                        return;
                    }
                    InetSocketAddress resolved = (InetSocketAddress) done.getNow();
                    try {
                        check(unresolved, resolved);
                        promise.trySuccess(resolved);
                    } catch (UnsafeUpstreamException e) {
                        promise.tryFailure(e);
                    }
                });
            }

            @Override
            protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
                delegate.resolveAll(unresolved).addListener(done -> {
                    if (!done.isSuccess()) {
                        promise.tryFailure(done.cause());
                        return;
                    }
                    @SuppressWarnings("unchecked")
                    List<InetSocketAddress> all = (List<InetSocketAddress>) done.getNow();
                    try {
                        List<InetSocketAddress> checked = new ArrayList<>(all.size());
                        for (InetSocketAddress address : all) {
                            check(unresolved, address);
                            checked.add(address);
                        }
                        promise.trySuccess(checked);
                    } catch (UnsafeUpstreamException e) {
                        promise.tryFailure(e);
                    }
                });
            }

            @Override
            public void close() {
                delegate.close();
            }
        };
    }

    private void check(InetSocketAddress requested, InetSocketAddress resolved) {
        String key = (requested.getHostString() + ":" + requested.getPort()).toLowerCase(Locale.ROOT);
        if (!exempt.contains(key)) {
            guard.check(resolved.getAddress(), resolved.getPort());
        }
    }
}
