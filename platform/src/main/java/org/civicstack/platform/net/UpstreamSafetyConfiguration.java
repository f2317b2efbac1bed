package org.civicstack.platform.net;

import java.util.Map;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Registration-time SSRF check with the platform's upstream network policy ({@code civicstack.upstream-network.*}),
 * and the policy ({@link UpstreamAddressGuard}) for connect-time re-checks.
 * The host is resolved (a blocking DNS lookup, so off the event loop) and every address must be allowed. The
 * local-development loopback ports are announced at start and shown in health ({@code upstream_network}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class UpstreamSafetyConfiguration {

    /** The JVM's resolver (tests replace it with a {@code @Primary} one, to resolve names without DNS). */
    @Bean
    HostResolver upstreamHostResolver() {
        return HostResolver.system();
    }

    /** The address policy itself, also for connect-time re-checks ({@link GuardedAddressResolverGroup}). */
    @Bean
    UpstreamAddressGuard upstreamAddressGuard(UpstreamNetworkProperties properties, Environment environment) {
        Map<String, Integer> ownPorts = LoopbackUpstreams.ownPorts(environment);
        LoopbackUpstreams.announce(environment.getProperty("spring.application.name", "service"), properties,
                ownPorts);
        return new UpstreamAddressGuard(properties);
    }

    @Bean
    UpstreamUrlPolicy upstreamUrlPolicy(UpstreamAddressGuard guard, HostResolver resolver) {
        return new UpstreamUrlPolicy(guard, resolver);
    }

    @Bean
    UpstreamUrlCheck upstreamUrlCheck(UpstreamUrlPolicy policy) {
        return url -> Mono.fromCallable(() -> policy.validate(url)).subscribeOn(Schedulers.boundedElastic());
    }

    @Bean(UpstreamNetworkHealthIndicator.NAME)
    UpstreamNetworkHealthIndicator upstreamNetworkHealth(UpstreamNetworkProperties properties) {
        return new UpstreamNetworkHealthIndicator(properties);
    }
}
