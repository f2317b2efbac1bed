package org.civicstack.registry;

import org.civicstack.platform.net.UpstreamSafetyConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** CivicStack services registry: agencies, service definitions and their lifecycle, the citizen catalog and the route change feed. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(UpstreamSafetyConfiguration.class)
public class ServicesRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(ServicesRegistryApplication.class, args);
    }
}
