package org.civicstack.registry;

import org.civicstack.testkit.ServiceContractIT;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class ServicesRegistryServiceIT extends ServiceContractIT {

    @Override
    protected String database() {
        return "civicstack_registry";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack services registry";
    }

    @Override
    protected String databaseHealthComponent() {
        return "r2dbc";
    }
}
