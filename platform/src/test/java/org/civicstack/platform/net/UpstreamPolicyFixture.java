package org.civicstack.platform.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Builds policies for tests: {@code aPolicy().allowingPublicInternet().allowing("10.20.0.0/16").build()}. */
final class UpstreamPolicyFixture {

    private final List<String> allowedNetworks = new ArrayList<>();
    private boolean allowPublicInternet;
    private final List<String> platformAddresses = new ArrayList<>();
    private final List<Integer> allowedPorts = new ArrayList<>();
    private final List<Integer> loopbackPorts = new ArrayList<>();
    private final FakeHostResolver resolver = new FakeHostResolver();

    static UpstreamPolicyFixture aPolicy() {
        return new UpstreamPolicyFixture();
    }

    UpstreamPolicyFixture allowingPublicInternet() {
        allowPublicInternet = true;
        return this;
    }

    UpstreamPolicyFixture allowing(String... networks) {
        allowedNetworks.addAll(List.of(networks));
        return this;
    }

    UpstreamPolicyFixture withPlatformAddresses(String... addresses) {
        platformAddresses.addAll(List.of(addresses));
        return this;
    }

    UpstreamPolicyFixture withAllowedPorts(Integer... ports) {
        allowedPorts.addAll(List.of(ports));
        return this;
    }

    UpstreamPolicyFixture withLoopbackPorts(Integer... ports) {
        loopbackPorts.addAll(List.of(ports));
        return this;
    }

    UpstreamPolicyFixture resolving(String host, InetAddress... addresses) {
        resolver.with(host, addresses);
        return this;
    }

    UpstreamPolicyFixture resolving(String host, String... literals) {
        resolver.with(host, List.of(literals).stream().map(FakeHostResolver::ip).toArray(InetAddress[]::new));
        return this;
    }

    UpstreamNetworkProperties properties() {
        return new UpstreamNetworkProperties(allowedNetworks, allowPublicInternet, platformAddresses, allowedPorts,
                loopbackPorts);
    }

    UpstreamAddressGuard guard() {
        return new UpstreamAddressGuard(properties());
    }

    UpstreamUrlPolicy build() {
        return new UpstreamUrlPolicy(guard(), resolver);
    }

    FakeHostResolver resolver() {
        return resolver;
    }
}
