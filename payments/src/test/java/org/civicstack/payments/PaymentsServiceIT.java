package org.civicstack.payments;

import org.civicstack.testkit.ServiceContractIT;
import org.civicstack.testkit.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class PaymentsServiceIT extends ServiceContractIT {

    static final TestTokens tokens = new TestTokens();

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        registry.add("civicstack.security.jwks-uri", tokens::jwksUri);
    }

    @Override
    protected String database() {
        return "civicstack_payments";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack payments";
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
