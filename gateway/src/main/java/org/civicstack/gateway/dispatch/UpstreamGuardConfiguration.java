package org.civicstack.gateway.dispatch;

import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamNetworkProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the upstream network policy ({@code civicstack.upstream-network.*}, the same settings the registry checks
 * registrations with) into the gateway's HTTP client, and makes sure it never follows redirects.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class UpstreamGuardConfiguration {

    @Bean
    UpstreamAddressGuard upstreamAddressGuard(UpstreamNetworkProperties properties) {
        return new UpstreamAddressGuard(properties);
    }

    /**
     * @param exemptions {@code civicstack.gateway.dispatch.connect-check-exemptions}: extra {@code host:port}s that
     *        skip the connect-time check — for tests and local development only (an upstream on loopback); logged
     *        at start so it cannot go unnoticed.
     */
    @Bean
    HttpClientCustomizer guardedUpstreamResolver(UpstreamAddressGuard guard, GatewayProperties gateway,
            @org.springframework.beans.factory.annotation.Value("${civicstack.gateway.dispatch.connect-check-exemptions:}")
            java.util.List<String> exemptions) {
        Set<String> platform = new HashSet<>();
        gateway.upstreams().values().forEach(upstream -> platform.add(hostPort(upstream.uri())));
        exemptions.stream().filter(e -> !e.isBlank()).map(e -> e.trim().toLowerCase(Locale.ROOT)).forEach(platform::add);
        if (!exemptions.isEmpty() && exemptions.stream().anyMatch(e -> !e.isBlank())) {
            org.slf4j.LoggerFactory.getLogger(UpstreamGuardConfiguration.class)
                    .warn("Connect-time upstream address check is DISABLED for {} (test/development setting)", exemptions);
        }
        GuardedAddressResolverGroup resolver = new GuardedAddressResolverGroup(guard, platform);
        return client -> client.resolver(resolver).followRedirect(false);
    }

    static String hostPort(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return (uri.getHost() + ":" + port).toLowerCase(Locale.ROOT);
    }
}
