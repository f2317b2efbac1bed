package org.civicstack.gateway.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.gateway.routing.PlatformService;
import org.civicstack.gateway.routing.UpstreamClients;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The gateway's health shows each platform service's readiness as component {@code services.<id>}, so an
 * operator sees the whole platform from the one public door. The gateway's own liveness and readiness probes do
 * not include them: a service outage must not take the gateway out of the load balancer.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformServicesHealthConfiguration {

    @Bean
    CompositeReactiveHealthContributor services(GatewayProperties properties) {
        Map<String, ReactiveHealthIndicator> indicators = new LinkedHashMap<>();
        for (PlatformService service : PlatformService.values()) {
            GatewayProperties.Upstream upstream = properties.upstream(service);
            indicators.put(service.id(), new ServiceReadinessIndicator(UpstreamClients.create(upstream), upstream));
        }
        return CompositeReactiveHealthContributor.fromMap(indicators);
    }

    /** Asks a service's readiness probe; anything but a timely 200 is DOWN, with the reason. */
    static final class ServiceReadinessIndicator implements ReactiveHealthIndicator {

        private final WebClient client;
        private final GatewayProperties.Upstream upstream;

        ServiceReadinessIndicator(WebClient client, GatewayProperties.Upstream upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        @Override
        public Mono<Health> health() {
            return client.get()
                    .uri("/actuator/health/readiness")
                    .exchangeToMono(response -> Mono.just(response.statusCode().value() == 200
                            ? Health.up().build()
                            : Health.down().withDetail("status", response.statusCode().value()).build()))
                    .timeout(UpstreamClients.overall(upstream))
                    .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
        }
    }
}
