#!/usr/bin/env bash
# The audit log's sustained append rate on its own (issue #9): real PostgreSQL (the test kit's embedded one, or
# CIVICSTACK_POSTGRES_* when set), the real appender, gateway-use entries in ingest-sized batches.
#   bench/audit-append/run.sh                 # 150 batches of 4096
#   BATCHES=300 BATCH=2048 bench/audit-append/run.sh
# Run on a quiet machine; compare the rate with the gateway's peak dispatch rate (bench/gateway-dispatch).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q -pl audit-verifier,identity install -DskipTests >/dev/null
./mvnw -B -o -q -pl identity verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=AuditAppendBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false -Dcivicstack.bench=true \
  -Dcivicstack.bench.batches="${BATCHES:-150}" -Dcivicstack.bench.batch="${BATCH:-4096}" 2>/dev/null | true
grep -ho "audit-\(append\|seal\) [^<]*" identity/target/failsafe-reports/*AuditAppendBenchmarkIT*-output.txt \
  identity/target/failsafe-reports/TEST-*AuditAppendBenchmarkIT.xml 2>/dev/null | sort -u
