#!/usr/bin/env bash
# The audit log's sustained rates on its own (issue #9): real PostgreSQL and Redis (the test kit's embedded ones, or
# CIVICSTACK_POSTGRES_* / CIVICSTACK_REDIS_URL when set). audit-append: the real appender, gateway-use entries in
# ingest-sized batches. audit-ingest: usage records already on the stream, read through the consumer group,
# mapped, appended and acknowledged by one ingest (RECORDS, default 300,000).
#   bench/audit-append/run.sh                 # 150 batches of 4096
#   BATCHES=300 BATCH=2048 bench/audit-append/run.sh
# Run on a quiet machine; compare the rate with the gateway's peak dispatch rate (bench/gateway-dispatch).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q -pl audit-verifier,identity install -DskipTests >/dev/null
./mvnw -B -o -q -pl identity verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='AuditAppendBenchmarkIT,AuditIngestBenchmarkIT' -Dfailsafe.failIfNoSpecifiedTests=false -Dcivicstack.bench=true -Dnetty.leak.level=disabled \
  -Dcivicstack.bench.batches="${BATCHES:-150}" -Dcivicstack.bench.batch="${BATCH:-4096}" \
  -Dcivicstack.bench.records="${RECORDS:-300000}" 2>/dev/null | true
grep -ho "audit-\(append\|seal\|ingest\) [^<]*" identity/target/failsafe-reports/TEST-*Audit*BenchmarkIT.xml \
  2>/dev/null | sort -u
