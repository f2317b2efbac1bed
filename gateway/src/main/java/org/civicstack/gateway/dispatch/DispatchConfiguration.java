package org.civicstack.gateway.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import org.civicstack.gateway.access.AccessControl;
import org.civicstack.gateway.connection.ClientConnectionGuard;
import org.civicstack.gateway.connection.ClientConnections;
import org.civicstack.gateway.connection.ConnectionProperties;
import org.civicstack.gateway.ratelimit.RedisTokenBucketRateLimiter;
import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.gateway.routing.PlatformService;
import org.civicstack.gateway.routing.UpstreamClients;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.platform.net.GuardedAddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agency-service dispatch: the routing index and its sync with the registry, and the dispatch handler installed in
 * the gateway's HTTP server right behind the HTTP codec (ADR 0005).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DispatchProperties.class, ConnectionProperties.class})
public class DispatchConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DispatchConfiguration.class);

    @Bean
    RoutingIndex routingIndex() {
        return new RoutingIndex();
    }

    @Bean(destroyMethod = "close")
    UpstreamConnector upstreamConnector(GuardedAddressResolverGroup resolver, DispatchProperties properties,
            MeterRegistry meters) {
        return new UpstreamConnector(resolver, properties.maxIdleConnectionsPerOrigin(),
                properties.idleConnectionTimeout().toMillis(), meters);
    }

    @Bean
    DispatchEngine dispatchEngine(RoutingIndex index, RedisTokenBucketRateLimiter limiter, UsageRecorder usage,
            UpstreamConnector connector, JsonMapper json, AccessControl access) {
        return new DispatchEngine(index, limiter, usage, connector, json, access);
    }

    @Bean
    ClientConnections clientConnections(ConnectionProperties properties, MeterRegistry meters) {
        return new ClientConnections(properties, meters);
    }

    /**
     * Puts the connection guard in front of and the dispatch handler behind the HTTP/1.1 codec of every connection
     * the gateway accepts.
     */
    @Bean
    NettyServerCustomizer dispatchHandlerInstaller(DispatchEngine engine, ClientConnections connections) {
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                log.error("No HTTP/1.1 codec on a gateway connection (HTTP/2 enabled?): agency dispatch under /s/ "
                        + "is not available on it");
                return;
            }
            DispatchConnectionHandler[] handler = new DispatchConnectionHandler[1];
            ClientConnectionGuard guard = new ClientConnectionGuard(connections, () -> handler[0].headerTimedOut());
            handler[0] = new DispatchConnectionHandler(engine, guard);
            pipeline.addBefore(NettyPipeline.HttpCodec, ClientConnectionGuard.NAME, guard);
            pipeline.addAfter(NettyPipeline.HttpCodec, DispatchConnectionHandler.NAME, handler[0]);
        });
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
