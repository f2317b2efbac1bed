package org.civicstack.platform.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Every service's OpenAPI document is titled and described the same way, from {@code civicstack.service.*}. */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
@ConditionalOnProperty(prefix = "civicstack.service", name = "title")
@EnableConfigurationProperties(ServiceProperties.class)
public class OpenApiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenAPI serviceOpenApi(ServiceProperties service) {
        Package pkg = OpenApiAutoConfiguration.class.getPackage();
        String version = pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "dev";
        return new OpenAPI().info(new Info().title(service.title()).description(service.description()).version(version));
    }
}
