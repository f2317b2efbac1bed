package org.civicstack.gateway.dispatch;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.platform.net.GuardedAddressResolverGroup;
import org.civicstack.platform.net.LoopbackUpstreams;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamNetworkHealthIndicator;
import org.civicstack.platform.net.UpstreamNetworkProperties;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires the upstream network policy ({@code civicstack.upstream-network.*}, the same settings the registry checks
 * registrations with) into every connection the gateway opens: agency dispatch resolves through it, and the platform
 * routes' HTTP client uses it too and never follows redirects. The local-development loopback ports
 * ({@code civicstack.upstream-network.loopback-ports}) come from that same configuration: they are announced at
 * start (and refused when one is a port of the platform itself) and shown in health ({@code upstream_network}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class UpstreamGuardConfiguration {

    @Bean
    UpstreamAddressGuard upstreamAddressGuard(UpstreamNetworkProperties properties, GatewayProperties gateway,
            Environment environment) {
        Map<String, Integer> platformPorts = new LinkedHashMap<>(LoopbackUpstreams.ownPorts(environment));
        gateway.upstreams().forEach((name, upstream) -> {
            UpstreamOrigin origin = UpstreamOrigin.of(upstream.uri());
            if (isLoopbackHost(origin.host())) {
                platformPorts.put(name, origin.port());
            }
        });
        LoopbackUpstreams.announce(environment.getProperty("spring.application.name", "gateway"), properties,
                platformPorts);
        return new UpstreamAddressGuard(properties);
    }

    private static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** The platform's own services (the configured upstreams) and any configured exemptions skip the check. */
    @Bean
    GuardedAddressResolverGroup guardedAddressResolverGroup(UpstreamAddressGuard guard, GatewayProperties gateway,
            DispatchProperties dispatch) {
        Set<String> exempt = new HashSet<>();
        gateway.upstreams().values().forEach(upstream -> exempt.add(UpstreamOrigin.of(upstream.uri()).hostPort()));
        var exemptions = dispatch.connectCheckExemptions().stream().filter(e -> !e.isBlank())
                .map(e -> e.trim().toLowerCase(Locale.ROOT)).toList();
        if (!exemptions.isEmpty()) {
            LoggerFactory.getLogger(UpstreamGuardConfiguration.class)
                    .warn("Connect-time upstream address check is DISABLED for {} (test setting; for local upstreams "
                            + "use {} instead)", exemptions, UpstreamNetworkProperties.LOOPBACK_PORTS_PROPERTY);
        }
        exempt.addAll(exemptions);
        return new GuardedAddressResolverGroup(guard, exempt);
    }

    @Bean
    HttpClientCustomizer guardedUpstreamResolver(GuardedAddressResolverGroup resolver) {
        return client -> client.resolver(resolver).followRedirect(false);
    }

    @Bean(UpstreamNetworkHealthIndicator.NAME)
    UpstreamNetworkHealthIndicator upstreamNetworkHealth(UpstreamNetworkProperties properties) {
        return new UpstreamNetworkHealthIndicator(properties);
    }
}
