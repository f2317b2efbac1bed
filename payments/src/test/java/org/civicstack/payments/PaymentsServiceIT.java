package org.civicstack.payments;

import org.civicstack.testkit.ServiceContractIT;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class PaymentsServiceIT extends ServiceContractIT {

    @Override
    protected String database() {
        return "civicstack_payments";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack payments";
    }

    @Override
    protected String databaseHealthComponent() {
        return "r2dbc";
    }
}
