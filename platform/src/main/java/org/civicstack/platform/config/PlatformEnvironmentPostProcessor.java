package org.civicstack.platform.config;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.civicstack.platform.infra.InfrastructurePropertySource;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Puts the platform's shared defaults (JSON conventions, actuator exposure, health groups, structured logs) under
 * every service's own configuration, and derives Spring's connection settings from {@code civicstack.postgres.*}
 * and {@code civicstack.redis.*}. A service overrides any of it in its {@code application.yml}.
 */
public final class PlatformEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String DEFAULTS = "civicstack-platform-defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource("civicstackPlatformDefaults",
                    new ClassPathResource(DEFAULTS, PlatformEnvironmentPostProcessor.class.getClassLoader())));
        } catch (IOException e) {
            throw new UncheckedIOException("platform defaults missing from the class path: " + DEFAULTS, e);
        }
        environment.getPropertySources().addLast(new InfrastructurePropertySource(environment));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
