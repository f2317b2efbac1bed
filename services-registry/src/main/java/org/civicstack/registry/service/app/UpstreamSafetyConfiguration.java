package org.civicstack.registry.service.app;

import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamNetworkProperties;
import org.civicstack.platform.net.UpstreamUrlPolicy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Registration-time SSRF check with the platform's upstream network policy ({@code civicstack.upstream-network.*}).
 * The host is resolved (a blocking DNS lookup, so off the event loop) and every address must be allowed.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamNetworkProperties.class)
public class UpstreamSafetyConfiguration {

    @Bean
    UpstreamUrlPolicy upstreamUrlPolicy(UpstreamNetworkProperties properties) {
        return UpstreamUrlPolicy.of(properties);
    }

    @Bean
    UpstreamUrlCheck upstreamUrlCheck(UpstreamUrlPolicy policy) {
        return (field, url) -> Mono.fromCallable(() -> policy.validate(url))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(UnsafeUpstreamException.class, e -> e.toProblem(field))
                .then();
    }
}
