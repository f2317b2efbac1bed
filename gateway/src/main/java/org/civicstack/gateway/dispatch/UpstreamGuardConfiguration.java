package org.civicstack.gateway.dispatch;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamNetworkProperties;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the upstream network policy ({@code civicstack.upstream-network.*}, the same settings the registry checks
 * registrations with) into every connection the gateway opens: agency dispatch resolves through it, and the platform
 * routes' HTTP client uses it too and never follows redirects.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class UpstreamGuardConfiguration {

    @Bean
    UpstreamAddressGuard upstreamAddressGuard(UpstreamNetworkProperties properties) {
        return new UpstreamAddressGuard(properties);
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
                    .warn("Connect-time upstream address check is DISABLED for {} (test/development setting)", exemptions);
        }
        exempt.addAll(exemptions);
        return new GuardedAddressResolverGroup(guard, exempt);
    }

    @Bean
    HttpClientCustomizer guardedUpstreamResolver(GuardedAddressResolverGroup resolver) {
        return client -> client.resolver(resolver).followRedirect(false);
    }
}
