-- CivicStack — creates one database per service on the shared PostgreSQL server.
-- Mounted into /docker-entrypoint-initdb.d of the postgres:17 container by docker-compose.yml; the
-- image runs it (as POSTGRES_USER, i.e. civicstack, who then owns the databases) only when the
-- data volume is empty, i.e. on the very first `docker compose up`. To run it again, drop the
-- volume: `docker compose down -v`. The services also create their database at start when missing.
-- The gateway has no database.
CREATE DATABASE civicstack_identity;
CREATE DATABASE civicstack_registry;
CREATE DATABASE civicstack_payments;
CREATE DATABASE civicstack_certificates;
