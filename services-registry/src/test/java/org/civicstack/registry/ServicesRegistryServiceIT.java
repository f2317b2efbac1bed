package org.civicstack.registry;

import org.civicstack.testkit.ServiceContractIT;
import org.civicstack.testkit.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class ServicesRegistryServiceIT extends ServiceContractIT {

    static final TestTokens tokens = new TestTokens();

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
        registry.add("civicstack.upstream-network.allow-public-internet", () -> "true");
    }

    @Override
    protected String database() {
        return "civicstack_registry";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack services registry";
    }

    @Override
    protected int anonymousUnknownPathStatus() {
        return 401;
    }

    @Override
    protected String databaseHealthComponent() {
        return "r2dbc";
    }
}
