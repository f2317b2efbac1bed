#!/usr/bin/env bash
# Token signing algorithm benchmark (docs/adr/0006-token-signing-algorithm.md): builds the self-contained JMH
# project and runs it on the default JDK (17 here). Extra arguments go to JMH, e.g. -p algorithm=PS256-2048.
# Results land in bench/identity-tokens/results/jmh-<UTC time>.txt together with the machine state.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
"$root/mvnw" -B -q -f "$here/jmh/pom.xml" package -DskipTests
out="$here/results/jmh-$(date -u +%Y-%m-%d_%H%M).txt"
mkdir -p "$here/results"
{
  echo "# $(date -u +%FT%TZ) $(uname -srm)"
  echo "# CPU: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(java -version 2>&1 | head -1)"
} > "$out"
args=("$@")
(( ${#args[@]} )) || args=(TokenSigningBenchmark ClientSecretBenchmark)
java -jar "$here/jmh/target/token-signing-benchmarks.jar" "${args[@]}" 2>&1 | tee -a "$out"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
echo "results: $out"
