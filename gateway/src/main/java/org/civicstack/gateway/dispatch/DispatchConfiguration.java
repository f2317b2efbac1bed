package org.civicstack.gateway.dispatch;

import org.civicstack.gateway.ratelimit.RedisTokenBucketRateLimiter;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.gateway.routing.PlatformService;
import org.civicstack.gateway.routing.UpstreamClients;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Agency-service dispatch: the index, its sync with the registry, and the dispatch filter. */
@Configuration(proxyBeanMethods = false)
public class DispatchConfiguration {

    @Bean
    RoutingIndex routingIndex() {
        return new RoutingIndex();
    }

    @Bean
    AgencyDispatchFilter agencyDispatchFilter(RoutingIndex index, RedisTokenBucketRateLimiter limiter, UsageRecorder usage) {
        return new AgencyDispatchFilter(index, limiter, usage);
    }

    @Bean
    UsageRecorder usageRecorder(ReactiveStringRedisTemplate redis, io.micrometer.core.instrument.MeterRegistry meters,
            @org.springframework.beans.factory.annotation.Value("${civicstack.gateway.usage.stream-max-length:1000000}")
            long streamMaxLength) {
        return new UsageRecorder(redis, meters, streamMaxLength);
    }

    @Bean
    DispatchForwardedHeaders dispatchForwardedHeaders() {
        return new DispatchForwardedHeaders();
    }

    @Bean
    @ConditionalOnProperty(prefix = "civicstack.gateway.routing", name = "enabled", havingValue = "true", matchIfMissing = true)
    RegistryClient registryClient(GatewayProperties gateway, RegistryClientProperties properties, JsonMapper json) {
        return new RegistryClient(UpstreamClients.create(gateway.upstream(PlatformService.SERVICES_REGISTRY)),
                UpstreamClients.create(gateway.upstream(PlatformService.IDENTITY)), properties, json);
    }

    @Bean
    @ConditionalOnProperty(prefix = "civicstack.gateway.routing", name = "enabled", havingValue = "true", matchIfMissing = true)
    RoutingSync routingSync(RoutingIndex index, RegistryClient registry, ReactiveStringRedisTemplate redis, JsonMapper json,
            RegistryClientProperties properties) {
        return new RoutingSync(index, registry, redis, json, properties);
    }
}
