package org.civicstack.platform.config;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import org.civicstack.platform.security.SecurityProperties;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Every service's OpenAPI document describes the wire, for every service the same way: titled from
 * {@code civicstack.service.*}; served to clients at the gateway's public URL ({@link PublicApiProperties}); schemas
 * named and valued as the services' JSON mapper writes them ({@link WireModelResolver}, from the same
 * {@code spring.jackson.*} settings); the platform's problem+json errors, security schemes and per-operation
 * security ({@link PlatformOpenApiCustomizer}).
 */
@AutoConfiguration(afterName = "org.civicstack.platform.security.ReactiveSecurityAutoConfiguration")
@ConditionalOnClass({OpenAPI.class, OpenApiCustomizer.class})
@ConditionalOnProperty(prefix = "civicstack.service", name = "title")
@EnableConfigurationProperties({ServiceProperties.class, PublicApiProperties.class})
public class OpenApiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenAPI serviceOpenApi(ServiceProperties service, PublicApiProperties publicApi) {
        Package pkg = OpenApiAutoConfiguration.class.getPackage();
        String version = pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "dev";
        return new OpenAPI()
                .info(new Info().title(service.title()).description(service.description()).version(version))
                .servers(List.of(new Server().url(publicApi.base()).description("the gateway, the platform's only door")));
    }

    /** Picked up by springdoc ahead of its own resolver; resolves every request and response type. */
    @Bean
    WireModelResolver wireModelResolver(Environment environment, SpringDocConfigProperties springdoc) {
        return WireModelResolver.of(environment.getProperty("spring.jackson.property-naming-strategy"),
                environment.getProperty("spring.jackson.datatype.enum.write-enums-to-lowercase", Boolean.class, false),
                springdoc.isOpenapi31());
    }

    @Bean
    OpenApiCustomizer platformOpenApiCustomizer(ServiceProperties service, PublicApiProperties publicApi,
            ObjectProvider<SecurityProperties> resourceServer) {
        SecurityProperties security = resourceServer.getIfAvailable();
        return new PlatformOpenApiCustomizer(publicApi.base(), service.scopes(),
                security != null ? security.openPaths() : null);
    }
}
