#!/usr/bin/env bash
# JMH benchmark of citizen-token validation at the gateway (issue #8): ops/s on one thread (= per core) for the cold
# path (EdDSA as identity signs access tokens, and PS256; signature + claims) and the warm path (verified-token cache hit). Target: >= 20,000 validations/s per
# core. See README.md next to this file.
#
#   bench/token-validation/run.sh                 # official: 3 x 2 s warm-up, 5 x 2 s measurement, 1 fork
#   QUICK=1 bench/token-validation/run.sh         # smoke: 1 x 1 s + 2 x 1 s
#
# Settings: MAVEN_ARGS (e.g. -Dmaven.repo.local=...), OUT (results directory), JMH_ARGS (more JMH options).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STAMP="$(date -u +%Y-%m-%d_%H%M)"
QUICK="${QUICK:-0}"
OUT="${OUT:-$HERE/results/$(if [[ "$QUICK" == 1 ]]; then echo quick-; fi)$STAMP}"
mkdir -p "$OUT"
cd "$REPO"
./mvnw -B -q -o -pl gateway -am test-compile
./mvnw -B -q -o -pl gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/.classpath"
CP="gateway/target/test-classes:gateway/target/classes:$(cat "$OUT/.classpath")"
if [[ "$QUICK" == 1 ]]; then
    SHAPE=(-wi 1 -w 1s -i 2 -r 1s -f 1)
else
    SHAPE=()
fi
{
    echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD)  mode: $([[ "$QUICK" == 1 ]] && echo QUICK || echo official)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
    java -version 2>&1 | head -1
} | tee "$OUT/machine.txt"
java -cp "$CP" org.openjdk.jmh.Main 'org.civicstack.gateway.access.TokenValidationBenchmark' "${SHAPE[@]}" \
    -rf text -rff "$OUT/jmh.txt" ${JMH_ARGS:-} | tee "$OUT/run.log"
echo "results: $OUT/jmh.txt"
rm -f "$OUT/.classpath"
