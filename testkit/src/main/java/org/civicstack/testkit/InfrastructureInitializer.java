package org.civicstack.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points a service's Spring context at the shared test PostgreSQL and Redis. */
public final class InfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> props = new LinkedHashMap<>(TestInfrastructure.shared().serviceProperties());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("civicstackTestInfrastructure", props));
    }
}
