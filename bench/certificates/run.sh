#!/usr/bin/env bash
# Issue #11's benchmark: issuances/s and verifications/s through the certificates HTTP API beside the raw ES256
# signature and verification rates measured in the same JVM in the same run (target: issuance >= 0.3x raw signing),
# and the revocation latency until the public status list shows it. Real PostgreSQL and Redis (the test kit's
# embedded ones, or CIVICSTACK_POSTGRES_* / CIVICSTACK_REDIS_URL when set).
#   bench/certificates/run.sh
#   WORKERS=16 DURATION=60 bench/certificates/run.sh     (DURATION: seconds of the issuance phase)
#   VERIFICATIONS=5000 REVOCATIONS=100 bench/certificates/run.sh
#   BATCH_SIZE=500 BATCH_WORKERS=4 bench/certificates/run.sh   (the batch API phase: concurrent batches of that size)
# Needs a JDK. Run on a quiet machine: the service, PostgreSQL and the load generator share it.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q -pl platform,testkit,infra-provisioning install -DskipTests >/dev/null
./mvnw -B -o -q -pl certificates verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CertificatesBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false -Dcivicstack.bench=true -Dnetty.leak.level=disabled \
  -Dcivicstack.bench.workers="${WORKERS:-8}" -Dcivicstack.bench.seconds="${DURATION:-20}" \
  -Dcivicstack.bench.verifications="${VERIFICATIONS:-2000}" -Dcivicstack.bench.revocations="${REVOCATIONS:-50}" \
  -Dcivicstack.bench.warmup="${WARMUP:-3000}" \
  -Dcivicstack.bench.batch-size="${BATCH_SIZE:-500}" -Dcivicstack.bench.batch-workers="${BATCH_WORKERS:-4}" \
  -Dlogging.level.root=WARN >/dev/null 2>&1 || true
out=${OUT:-bench/certificates/results/$(date -u +%Y-%m-%d).txt}
grep -ho "certificates-bench [^<]*" certificates/target/failsafe-reports/TEST-*CertificatesBenchmarkIT.xml | sed 's/&gt;/>/g' | tee "$out"
[ -s "$out" ] || { echo "no results: see certificates/target/failsafe-reports/*CertificatesBenchmarkIT*" >&2; exit 1; }
grep -q "issuances/s" "$out" && grep -q "revocation:" "$out" || { echo "the run did not finish: see the report" >&2; exit 1; }
