-- Seeds the services registry with N published services, straight into its tables, in one transaction.
-- Usage: psql -v ON_ERROR_STOP=1 -v n=100000 -v upstream=http://localhost:18081 -d civicstack_registry -f seed.sql
--
-- The rows have the shapes the registry's own API writes (checked against a service registered, submitted and
-- approved through /v1/registry/**): one agency; per service a `service` row (published, live revision 1), its
-- approved `service_revision` (the definition JSON), a `catalog_entry`, and a `routing_change` with contiguous
-- versions 1..N. No outbox rows and no audit events: the gateway under test reads the routing table from the
-- registry's snapshot at start, as it would after a restart long after the services were published.
-- Codes are bench-000001 .. bench-NNNNNN, ids svc_00000000000000000001 ...; every service points at the same
-- loopback upstream with every per-request feature on: both rate limits (set high enough never to refuse),
-- circuit breaker and bulkhead, method and path allow-lists, body limit.

\set ON_ERROR_STOP on
BEGIN;
TRUNCATE agency, service, service_revision, catalog_entry, routing_change, outbox_event, audit_event,
         idempotency_record;

INSERT INTO agency (id, name_zh_cn, name_en, unit_type, contact_name, contact_email, oauth_client_id)
VALUES ('agy_bench000000000000001', '深圳市基准测试局', 'Shenzhen Benchmark Bureau', 'municipal_unit', '王工',
        'bench@example.org', 'bench-agency');

CREATE TEMP TABLE bench_service ON COMMIT DROP AS
SELECT i,
       'svc_' || lpad(i::text, 20, '0') AS id,
       'bench-' || lpad(i::text, 6, '0') AS code,
       '基准服务 ' || i AS name_zh_cn,
       'Benchmark service ' || i AS name_en,
       jsonb_build_object(
           'base_url', :'upstream',
           'allowed_methods', '["GET"]'::jsonb,
           'path_prefixes', '["/"]'::jsonb,
           'timeout_ms', 5000,
           'max_body_bytes', 1048576,
           'health_check_path', '/',
           'retry_attempts', 0) AS upstream,
       :'access'::jsonb AS access,
       '{"per_citizen": {"requests_per_second": 100000.0, "burst": 1000000},
         "per_service": {"requests_per_second": 100000.0, "burst": 1000000}}'::jsonb AS rate_limits,
       '{"failure_rate_threshold": 50, "slow_call_ms": 2000, "minimum_calls": 20, "open_seconds": 30,
         "max_concurrent_calls": 10000}'::jsonb AS circuit_breaker
FROM generate_series(1, :n) AS i;

INSERT INTO service (id, code, agency_id, status, live_revision, previous_revision, latest_revision)
SELECT id, code, 'agy_bench000000000000001', 'published', 1, NULL, 1 FROM bench_service ORDER BY i;

INSERT INTO service_revision (service_id, revision, state, definition, created_by)
SELECT id, 1, 'approved',
       jsonb_build_object(
           'name', jsonb_build_object('zh_cn', name_zh_cn, 'en', name_en),
           'description', jsonb_build_object('zh_cn', '基准测试用服务', 'en', 'benchmark service'),
           'category', 'benchmark', 'tags', '["bench"]'::jsonb, 'audience', 'citizen',
           'districts', '[]'::jsonb, 'city_wide', true,
           'upstream', upstream, 'access', access, 'rate_limits', rate_limits, 'circuit_breaker', circuit_breaker,
           'version', '1.0.0'),
       'bench-agency'
FROM bench_service ORDER BY i;

INSERT INTO catalog_entry (service_id, code, agency_id, category, audience, city_wide, districts, search_text, definition)
SELECT s.id, s.code, 'agy_bench000000000000001', 'benchmark', 'citizen', true, '{}',
       lower(s.code || ' ' || s.name_zh_cn || ' ' || s.name_en || ' 基准测试用服务 benchmark service bench'),
       r.definition
FROM bench_service s JOIN service_revision r ON r.service_id = s.id AND r.revision = 1
ORDER BY s.i;

INSERT INTO routing_change (version, service_code, status, route)
SELECT i, code, 'published',
       jsonb_build_object(
           'version', i, 'code', code, 'status', 'published', 'revision', 1,
           'agency_id', 'agy_bench000000000000001',
           'base_url', upstream->'base_url', 'allowed_methods', upstream->'allowed_methods',
           'path_prefixes', upstream->'path_prefixes', 'timeout_ms', upstream->'timeout_ms',
           'max_body_bytes', upstream->'max_body_bytes', 'retry_attempts', upstream->'retry_attempts',
           'access', access, 'rate_limits', rate_limits, 'circuit_breaker', circuit_breaker,
           'name_zh_cn', name_zh_cn, 'name_en', name_en)
FROM bench_service ORDER BY i;

COMMIT;
ANALYZE agency, service, service_revision, catalog_entry, routing_change;
SELECT count(*) AS services, max(version) AS routing_version FROM service, (SELECT max(version) AS version FROM routing_change) v GROUP BY v.version;
