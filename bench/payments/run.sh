#!/usr/bin/env bash
# Issue #10's benchmark: payment orders created and paid per second end to end through the sandbox channel, beside
# pgbench's simple-update TPS on the same PostgreSQL server in the same run (the commit rate is the physical limit;
# target >= 0.3x), and webhook deliveries per second to a local receiver. Real PostgreSQL and Redis (the test kit's
# embedded ones, or CIVICSTACK_POSTGRES_* / CIVICSTACK_REDIS_URL when set); payments in a JVM of its own.
#   bench/payments/run.sh
#   WORKERS=32 DURATION=60 bench/payments/run.sh    (DURATION: seconds of the payments phase)
#   JFR=/tmp/payments.jfr bench/payments/run.sh       (a JFR profile of the payments JVM)
#   ARGS="--some.setting=value" bench/payments/run.sh (more settings for the payments JVM)
# Needs a JDK and pgbench (Debian postgresql-client; /usr/bin/pgbench). Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v pgbench >/dev/null || { echo "pgbench is missing: apt-get install -y postgresql-client" >&2; exit 1; }
./mvnw -B -o -q -pl platform,testkit,infra-provisioning install -DskipTests >/dev/null
./mvnw -B -o -q -pl payments verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=PaymentsBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false -Dcivicstack.bench=true -Dnetty.leak.level=disabled \
  -Dcivicstack.bench.workers="${WORKERS:-16}" -Dcivicstack.bench.seconds="${DURATION:-30}" -Dcivicstack.bench.jfr="${JFR:-}" -Dcivicstack.bench.pool="${POOL:-10}" -Dcivicstack.bench.args="${ARGS:-}" >/dev/null 2>&1 || true
out=bench/payments/results/$(date -u +%Y-%m-%d).txt
grep -ho "payments-bench [^<]*" payments/target/failsafe-reports/TEST-*PaymentsBenchmarkIT.xml | sed 's/&gt;/>/g' | tee "$out"
[ -s "$out" ] || { echo "no results: see payments/target/failsafe-reports/*PaymentsBenchmarkIT*" >&2; exit 1; }
