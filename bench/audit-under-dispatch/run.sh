#!/usr/bin/env bash
# The audit log under the gateway's citizen dispatch benchmark (issue #9): does the log keep up (its lag stays
# bounded) and how much dispatch does it cost? bench/gateway-dispatch/run.sh with CITIZEN=1 at 8,000 services,
# the gateway-one-code target only, alternating runs with identity's audit ingest on and off (ROUNDS pairs), and
# sampling identity's audit lag and appended count and the gateway's usage records every 2 s.
#
#   ./mvnw -B -DskipTests package && bench/audit-under-dispatch/run.sh     # ~4 min per run, 2 x ROUNDS runs
#
# Settings: ROUNDS (2), WARM (60), DURATION (30), IDENTITY_PORT (18083), plus everything run.sh reads.
# Everything (wrk, the upstream nginx, the platform, PostgreSQL, Redis) shares this machine's cores, so the cost
# measured includes the log's PostgreSQL work competing with the gateway for CPU.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
STAMP="$(date -u +%Y-%m-%d_%H%M)"
OUT="${OUT:-$HERE/results/$STAMP}"
mkdir -p "$OUT"
export CITIZEN=1 SIZES=8000 TARGETS=gateway-one-code CHANGES=0 JFR=0 AUDIT_SAMPLE=1
export IDENTITY_PORT="${IDENTITY_PORT:-18083}" WARM="${WARM:-60}" DURATION="${DURATION:-30}"
printf 'run\taudit\treq_per_s\tp99\tmax_lag_s\tlag_after_s\tappended\tusage_written\tusage_dropped\n' >"$OUT/summary.tsv"
for round in $(seq 1 "$ROUNDS"); do
    for audit in on off; do
        run="r$round-audit-$audit"
        extra="${BENCH_EXTRA_ARGS:-}"
        [[ "$audit" == off ]] && extra="$extra --civicstack.identity.audit.enabled=false"
        echo "[audit-under-dispatch] $run" >&2
        BENCH_EXTRA_ARGS="$extra" OUT="$OUT/$run-citizen" "$REPO/bench/gateway-dispatch/run.sh" >"$OUT/$run.log" 2>&1 \
            || { echo "run $run failed: $(tail -5 "$OUT/$run.log")" >&2; exit 1; }
        dir="$OUT/$run-citizen"
        rps="$(awk -F'\t' '$2 == "gateway-one-code" {print $3}' "$dir/summary.tsv")"
        p99="$(awk -F'\t' '$2 == "gateway-one-code" {print $5}' "$dir/summary.tsv")"
        samples="$dir/raw/N8000-gateway-one-code-audit.tsv"
        # lag over the whole load (warm-up and measurement), and once the load stopped; counters at the end
        read -r maxlag lastlag appended written dropped < <(awk -F'\t' 'NR > 1 {
                if ($2 != "" && $2 + 0 > max) max = $2 + 0; last = $2; a = $3; w = $4; d = $5 }
            END { printf "%s %s %s %s %s\n", max + 0, (last == "" ? "-" : last), (a == "" ? "-" : a), w, d }' "$samples")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$audit" "$rps" "$p99" "$maxlag" "$lastlag" "$appended" \
            "$written" "$dropped" >>"$OUT/summary.tsv"
        echo "[audit-under-dispatch] $run: $rps req/s, p99 $p99, max audit lag ${maxlag}s, appended $appended of $written usage records written" >&2
    done
done
{
    echo "# Audit log under citizen dispatch — $STAMP"
    echo
    echo "| run | audit | req/s | p99 | max lag (s) | lag after load (s) | entries appended | usage records written | dropped |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$OUT/summary.tsv" | awk -F'\t' '{printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}'
    echo
    awk -F'\t' 'NR > 1 { if ($2 == "on") { on += $3; n_on++ } else { off += $3; n_off++ } }
        END { if (n_on && n_off) printf "Dispatch with the audit ingest on / off (mean of %d runs each): %.0f / %.0f req/s = %.3f (drop %.1f %%; target < 10 %%)\n",
            n_on, on / n_on, off / n_off, (on / n_on) / (off / n_off), 100 * (1 - (on / n_on) / (off / n_off)) }' "$OUT/summary.tsv"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
