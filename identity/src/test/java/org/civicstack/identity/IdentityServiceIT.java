package org.civicstack.identity;

import org.civicstack.testkit.ServiceContractIT;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class IdentityServiceIT extends ServiceContractIT {

    @Override
    protected String database() {
        return "civicstack_identity";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack identity";
    }

    @Override
    protected String databaseHealthComponent() {
        return "db";
    }
}
