package org.civicstack.certificates;

import org.civicstack.testkit.ServiceContractIT;

/** The platform service contract, run against this service on the shared test PostgreSQL and Redis. */
class CertificatesServiceIT extends ServiceContractIT {

    @Override
    protected String database() {
        return "civicstack_certificates";
    }

    @Override
    protected String openApiTitle() {
        return "CivicStack certificates";
    }

    @Override
    protected String databaseHealthComponent() {
        return "r2dbc";
    }

    /** Only types, keys and status lists are public: an anonymous unknown path is refused, not revealed. */
    @Override
    protected int anonymousUnknownPathStatus() {
        return 401;
    }
}
