#!/usr/bin/env bash
# Gateway dispatch benchmark (issue #3): throughput and p50/p99 latency of /s/{code}/** with 10, 8,000 and 100,000
# published services, against the same upstream called directly and through nginx proxy_pass, with the same load
# tool (wrk) in the same run; bootstrap time and memory per 1,000 services; 10 routing changes/s under load.
# See README.md next to this file. Everything runs on loopback and stops by itself.
#
#   bench/gateway-dispatch/run.sh              # official run (60 s warm-up + 30 s measurement per target), ~30 min
#   QUICK=1 bench/gateway-dispatch/run.sh      # smoke run (10 s + 10 s); its numbers are not the official ones
#
# Settings (environment): SIZES ("10 8000 100000"), WARM (60), DURATION (30), THREADS (2), CONNECTIONS (64),
# CHANGE_RATE (10), CHANGE_SECONDS (30), ports GATEWAY_PORT (18080) UPSTREAM_PORT (18081) PROXY_PORT (18082)
# PG_PORT (55432) REDIS_PORT (56379), NGINX_WORKERS (auto), OUT (results directory), KEEP_WORK=1 (keep temp dir),
# BENCH_JAVA_OPTS (JVM options for the platform), BENCH_EXTRA_ARGS (more --key=value Spring arguments for every
# service, for experiments: results of such runs are not the official numbers), JFR=0 (skip the JFR recording),
# CITIZEN=1 (issue #8: every service needs a level-1 citizen; the load carries one citizen's access token, obtained
# by the real SMS login through the gateway with the all-in-one's console code, so the gateway validates the token
# (cached after the first time) and exchanges it for an upstream assertion per service (cached); the same header
# goes to nginx too), TARGETS (which of "nginx-direct nginx-proxy gateway-one-code gateway-random-code" to run),
# CHANGES=0 (skip the changes-under-load phase), IDENTITY_PORT (0: random), AUDIT_SAMPLE=1 (issue #9: every 2 s
# during the gateway targets, identity's audit lag and appended count and the gateway's usage written/dropped, to
# raw/N<n>-<target>-audit.tsv; needs IDENTITY_PORT). bench/audit-under-dispatch/run.sh uses these.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
    WARM="${WARM:-10}"; DURATION="${DURATION:-10}"; CHANGE_SECONDS="${CHANGE_SECONDS:-10}"
else
    WARM="${WARM:-60}"; DURATION="${DURATION:-30}"; CHANGE_SECONDS="${CHANGE_SECONDS:-30}"
fi
SIZES="${SIZES:-10 8000 100000}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
CHANGE_RATE="${CHANGE_RATE:-10}"
GATEWAY_PORT="${GATEWAY_PORT:-18080}"
UPSTREAM_PORT="${UPSTREAM_PORT:-18081}"
PROXY_PORT="${PROXY_PORT:-18082}"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"
NGINX_WORKERS="${NGINX_WORKERS:-auto}"
JFR="${JFR:-1}"
CITIZEN="${CITIZEN:-0}"
TARGETS="${TARGETS:-nginx-direct nginx-proxy gateway-one-code gateway-random-code}"
CHANGES="${CHANGES:-1}"
IDENTITY_PORT="${IDENTITY_PORT:-0}"
AUDIT_SAMPLE="${AUDIT_SAMPLE:-0}"
if [[ "$CITIZEN" == 1 ]]; then
    ACCESS='{"level": "citizen", "min_assurance_level": 1, "scopes": []}'
else
    ACCESS='{"level": "anonymous", "min_assurance_level": 0, "scopes": []}'
fi
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-}"
STAMP="$(date -u +%Y-%m-%d_%H%M)"
if [[ "$QUICK" == 1 ]]; then
    OUT="${OUT:-$HERE/results/quick-$STAMP}"
else
    OUT="${OUT:-$HERE/results/$STAMP}"
fi
[[ "$CITIZEN" == 1 && "$OUT" != *-citizen ]] && OUT="$OUT-citizen"
LAUNCHER_JAR="$REPO/launcher/target/civicstack-launcher.jar"
OPERATOR_ID=bench-operator
OPERATOR_SECRET=bench-operator-secret-0123456789abcdefghij
LARGEST="$(tr ' ' '\n' <<<"$SIZES" | grep -v '^$' | sort -n | tail -1)"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- plan
n_sizes=$(wc -w <<<"$SIZES")
per_size=$(( 4 * (WARM + DURATION) ))
eta=$(( n_sizes * (per_size + 90) + WARM + CHANGE_SECONDS + 20 + 120 ))
MAX_SECONDS=$(( eta * 2 + 900 ))
mkdir -p "$OUT/raw"
: >"$OUT/run.log"
log "plan: sizes [$SIZES]; per size 4 targets (nginx direct, nginx proxy_pass, gateway one code, gateway random codes),"
log "      each warmed ${WARM}s then measured ${DURATION}s with wrk -t$THREADS -c$CONNECTIONS --latency;"
log "      memory after GC per size; ${CHANGE_RATE} changes/s for ${CHANGE_SECONDS}s under load at N=$LARGEST"
log "ETA ~$(( eta / 60 )) min (hard stop after $(( MAX_SECONDS / 60 )) min); results in $OUT"
[[ "$QUICK" == 1 ]] && log "QUICK mode: smoke numbers only, not the official ones"

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v redis-server >/dev/null || need+=(redis-server)
command -v psql >/dev/null || need+=(postgresql-client)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
if (( ${#need[@]} )); then
    log "installing ${need[*]} (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
command -v jcmd >/dev/null || die "jcmd (a JDK, not a JRE) is needed for the memory measurement"
[[ -f "$LAUNCHER_JAR" && -d "$REPO/launcher/target/services" ]] \
    || die "build first: ./mvnw -B -DskipTests package (launcher/target/civicstack-launcher.jar is missing)"
for port in "$GATEWAY_PORT" "$UPSTREAM_PORT" "$PROXY_PORT" "$PG_PORT" "$REDIS_PORT"; do
    if ss -ltnH "( sport = :$port )" | grep -q .; then die "port $port is in use: set another (see the header)"; fi
done

# ---------------------------------------------------------------- clean-up: everything we start, by pid
WORK="$(mktemp -d /tmp/civicstack-bench.XXXXXX)"
chmod 755 "$WORK"
PLATFORM_PID="" NGINX_PID="" REDIS_PID="" PG_DATA="" WATCHDOG_PID="" LOAD_PID=""
stop_pid() { # pid [seconds]
    local pid="$1" wait="${2:-30}"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$wait"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n "$LOAD_PID" ]] && stop_pid "$LOAD_PID" 5
    [[ -n "$PLATFORM_PID" ]] && stop_pid "$PLATFORM_PID" 60
    [[ -n "$NGINX_PID" ]] && stop_pid "$NGINX_PID" 10
    [[ -n "$REDIS_PID" ]] && stop_pid "$REDIS_PID" 10
    if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [[ -n "$WATCHDOG_PID" ]] && kill "$WATCHDOG_PID" 2>/dev/null || true
    if [[ -d "$WORK" ]]; then
        cp "$WORK"/platform-*.log "$OUT/raw/" 2>/dev/null || true
        gzip -f "$OUT"/raw/platform-*.log 2>/dev/null || true
        [[ "${KEEP_WORK:-0}" == 1 ]] && echo "work dir kept: $WORK" >&2 || rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
( trap 'kill $sleeper 2>/dev/null; exit 0' TERM
  sleep "$MAX_SECONDS" & sleeper=$!
  wait "$sleeper" && { echo "[bench] hard time limit reached, stopping" >&2; kill -TERM $$; } ) &
WATCHDOG_PID=$!

as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---------------------------------------------------------------- machine
{
    echo "date (UTC): $(date -u '+%F %T')"
    echo "mode: $([[ "$QUICK" == 1 ]] && echo QUICK || echo official) warm=${WARM}s measure=${DURATION}s wrk -t$THREADS -c$CONNECTIONS"
    echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO" status --porcelain 2>/dev/null | wc -l) uncommitted paths)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "kernel: $(uname -r)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "nginx: $("$NGINX" -v 2>&1)"
    echo "wrk: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
    echo "redis: $(redis-server --version | awk '{print $3}')"
    echo "postgresql: $("$PG_BIN/postgres" --version)"
    echo "load before: $(uptime)"
    if [[ -n "${BENCH_EXTRA_ARGS:-}" ]]; then echo "EXPERIMENT, extra arguments: $BENCH_EXTRA_ARGS"; fi
} >"$OUT/environment.txt"

# ---------------------------------------------------------------- PostgreSQL, Redis, nginx (ours, on loopback)
PG_DATA="$WORK/pg/data"
mkdir -p "$WORK/pg"
[[ $EUID -eq 0 ]] && chown postgres "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/pg/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -3 "$WORK/pg/initdb.log")"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || die "PostgreSQL did not start: $(tail -5 "$WORK/pg/postgres.log")"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -c "CREATE ROLE civicstack LOGIN SUPERUSER PASSWORD 'civicstack'"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U civicstack -X -q -v ON_ERROR_STOP=1)
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --logfile "$WORK/redis.log" >/dev/null &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || die "Redis did not start"
log "Redis on 127.0.0.1:$REDIS_PORT"

mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
chmod 777 "$WORK/nginx/tmp"
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
sed -e "s/@WORKERS@/$NGINX_WORKERS/" -e "s/@UPSTREAM_PORT@/$UPSTREAM_PORT/g" -e "s/@PROXY_PORT@/$PROXY_PORT/g" \
    -e "s#@WORK@#$WORK/nginx#g" -e "s/@BODY@/$BODY/" "$HERE/nginx.conf" >"$WORK/nginx/nginx.conf"
cp "$WORK/nginx/nginx.conf" "$OUT/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>"$WORK/nginx/stderr.log" &
NGINX_PID=$!
sleep 1
body_len="$(curl -s http://127.0.0.1:"$UPSTREAM_PORT"/ | wc -c)"
[[ "$body_len" == 1024 ]] || die "nginx upstream did not answer the 1 KB body ($body_len bytes): $(cat "$WORK/nginx/stderr.log")"
[[ "$(curl -s http://127.0.0.1:"$PROXY_PORT"/ | wc -c)" == 1024 ]] || die "nginx proxy_pass did not answer"
log "nginx $("$NGINX" -v 2>&1 | cut -d/ -f2): upstream 127.0.0.1:$UPSTREAM_PORT (1 KB), proxy_pass 127.0.0.1:$PROXY_PORT; workers $NGINX_WORKERS"

# ---------------------------------------------------------------- the platform
EXTRA_ARGS="--logging.level.root=WARN --logging.level.org.civicstack.gateway.dispatch=INFO \
--civicstack.gateway.dispatch.connect-check-exemptions=localhost:$UPSTREAM_PORT \
--civicstack.identity.bootstrap-clients[1].client-id=$OPERATOR_ID \
--civicstack.identity.bootstrap-clients[1].secret=$OPERATOR_SECRET \
--civicstack.identity.bootstrap-clients[1].scopes=registry:review,registry:read \
--civicstack.identity.bootstrap-clients[1].client-type=operator ${BENCH_EXTRA_ARGS:-}"
if [[ "$CITIZEN" == 1 ]]; then
    # the city app, and 1-hour access tokens so that one token lasts the whole run
    EXTRA_ARGS="$EXTRA_ARGS --civicstack.identity.bootstrap-clients[2].client-id=bench-app \
--civicstack.identity.bootstrap-clients[2].client-type=citizen_app \
--civicstack.identity.bootstrap-clients[2].scopes=openid,offline_access \
--civicstack.identity.bootstrap-clients[2].redirect-uris=http://127.0.0.1:18491/callback \
--civicstack.identity.access-token-ttl=1h --logging.level.org.civicstack.identity.login=WARN"
fi
AUTH=()
PLATFORM_LOG=""
start_platform() { # label
    PLATFORM_LOG="$WORK/platform-$1.log"
    env CIVICSTACK_POSTGRES_HOST=127.0.0.1 CIVICSTACK_POSTGRES_PORT="$PG_PORT" CIVICSTACK_POSTGRES_USERNAME=civicstack \
        CIVICSTACK_POSTGRES_PASSWORD=civicstack CIVICSTACK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
        CIVICSTACK_LAUNCHER_PORTS_GATEWAY="$GATEWAY_PORT" CIVICSTACK_LAUNCHER_PORTS_IDENTITY="$IDENTITY_PORT" \
        CIVICSTACK_LAUNCHER_PORTS_SERVICES_REGISTRY=0 CIVICSTACK_LAUNCHER_PORTS_PAYMENTS=0 \
        CIVICSTACK_LAUNCHER_PORTS_CERTIFICATES=0 CIVICSTACK_LAUNCHER_EXTRA_ARGS="$EXTRA_ARGS" \
        java $BENCH_JAVA_OPTS -jar "$LAUNCHER_JAR" >"$PLATFORM_LOG" 2>&1 &
    PLATFORM_PID=$!
    PLATFORM_STARTED=$(date +%s%N)
    for _ in $(seq 1 300); do
        grep -q "CivicStack is up" "$PLATFORM_LOG" && return 0
        kill -0 "$PLATFORM_PID" 2>/dev/null || die "platform exited: $(grep -m1 -A2 'could not start' "$PLATFORM_LOG")"
        sleep 1
    done
    die "platform not up after 300 s (log: $PLATFORM_LOG)"
}
stop_platform() {
    stop_pid "$PLATFORM_PID" 60
    wait "$PLATFORM_PID" 2>/dev/null || true
    PLATFORM_PID=""
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
citizen_token() { # the hosted SMS login through the gateway, as the city app; the code from the console log
    local gw="http://127.0.0.1:$GATEWAY_PORT" jar="$WORK/cookies" redirect="http://127.0.0.1:18491/callback"
    local verifier challenge csrf code next callback authcode
    rm -f "$jar"
    verifier="$(openssl rand 48 | b64url)"
    challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)"
    curl -s -c "$jar" -b "$jar" -o /dev/null "$gw/oauth2/authorize?response_type=code&client_id=bench-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A18491%2Fcallback&scope=openid&state=bench&code_challenge=$challenge&code_challenge_method=S256"
    csrf="$(curl -s -c "$jar" -b "$jar" "$gw/login" | grep -oE 'name="_csrf" value="[^"]+"' | head -1 | sed -e 's/.*value="//' -e 's/"$//')"
    csrf="$(curl -s -c "$jar" -b "$jar" --data-urlencode mobile=13800138000 --data-urlencode "_csrf=$csrf" "$gw/login/code" \
        | grep -oE 'name="_csrf" value="[^"]+"' | head -1 | sed -e 's/.*value="//' -e 's/"$//')"
    sleep 1
    code="$(grep -oE 'login code for \+86 138\*\*\*\*8000 is [0-9]{6}' "$PLATFORM_LOG" | tail -1 | grep -oE '[0-9]{6}$')"
    [[ -n "$code" ]] || die "no login code on the platform console"
    next="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "code=$code" --data-urlencode "_csrf=$csrf" "$gw/login/verify")"
    callback="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$next")"
    authcode="$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$callback")"
    curl -s -d grant_type=authorization_code -d client_id=bench-app --data-urlencode "redirect_uri=$redirect" \
        -d "code=$authcode" -d "code_verifier=$verifier" "$gw/oauth2/token" | grep -oE '"access_token":"[^"]+"' | cut -d'"' -f4
}
wait_for_routing() { # N -> sets ROUTING_LINE
    for _ in $(seq 1 600); do
        ROUTING_LINE="$(grep -m1 "Routing table loaded: $1 services" "$PLATFORM_LOG" || true)"
        [[ -n "$ROUTING_LINE" ]] && return 0
        sleep 0.5
    done
    die "gateway did not load $1 services within 300 s: $(grep -m3 'Routing' "$PLATFORM_LOG")"
}
heap_after_gc() { # file -> prints used KiB
    jcmd "$PLATFORM_PID" GC.run >/dev/null
    sleep 1
    jcmd "$PLATFORM_PID" GC.run >/dev/null
    jcmd "$PLATFORM_PID" GC.heap_info >"$1"
    grep -m1 -oE 'used [0-9]+K' "$1" | grep -oE '[0-9]+'
}

# ---------------------------------------------------------------- wrk
SUMMARY_TSV="$OUT/summary.tsv"
printf 'services\ttarget\trps\tp50\tp99\trequests\tnon_2xx\tsocket_errors\n' >"$SUMMARY_TSV"
row() { # N target file
    local f="$3"
    local rps p50 p99 reqs non2xx errs
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
    p50="$(awk '$1 == "50%" {print $2}' "$f")"
    p99="$(awk '$1 == "99%" {print $2}' "$f")"
    reqs="$(awk '/requests in/ {print $1}' "$f")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$f")"
    errs="$(awk '/Socket errors:/ {gsub(",", ""); print $4+$6+$8+$10}' "$f")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${rps:-0}" "${p50:--}" "${p99:--}" "${reqs:-0}" \
        "${non2xx:-0}" "${errs:-0}" >>"$SUMMARY_TSV"
    log "  N=$1 $2: ${rps:-0} req/s, p50 ${p50:--}, p99 ${p99:--}, non-2xx ${non2xx:-0}, socket errors ${errs:-0}"
}
audit_sampler() { # file: one line every 2 s until killed
    printf 'epoch_s\taudit_lag_s\taudit_appended\tusage_written\tusage_dropped\n' >"$1"
    while true; do
        local id gw
        id="$(curl -s -m 2 "http://127.0.0.1:$IDENTITY_PORT/actuator/prometheus" || true)"
        gw="$(curl -s -m 2 "http://127.0.0.1:$GATEWAY_PORT/actuator/prometheus" || true)"
        printf '%s\t%s\t%s\t%s\t%s\n' "$(date +%s)" \
            "$(awk '/^civicstack_identity_audit_lag_seconds[ {]/ {print $NF}' <<<"$id")" \
            "$(awk '/^civicstack_identity_audit_appended_total[ {]/ {print $NF}' <<<"$id")" \
            "$(awk '/^civicstack_gateway_usage_written_total[ {]/ {print $NF}' <<<"$gw")" \
            "$(awk '/^civicstack_gateway_usage_dropped_total[ {]/ {print $NF}' <<<"$gw")" >>"$1"
        sleep 2
    done
}
cpu_ticks() { # pid: user + system CPU ticks of the process so far (/proc/<pid>/stat fields 14 and 15)
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}
bench_target() { # N name wrk-arguments (URL, optional -s script ... -- args)
    local n="$1" name="$2" sampler=""
    shift 2
    [[ " $TARGETS " == *" $name "* ]] || { log "N=$n $name: skipped (TARGETS)"; return 0; }
    if [[ "$AUDIT_SAMPLE" == 1 && "$name" == gateway-* ]]; then
        audit_sampler "$OUT/raw/N$n-$name-audit.tsv" &
        sampler=$!
    fi
    log "N=$n $name: warm-up ${WARM}s"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARM}s" "$@" >"$OUT/raw/N$n-$name-warmup.txt" 2>&1 || true
    log "N=$n $name: measuring ${DURATION}s"
    # mid-measurement snapshot of who uses the CPU (the machine is shared: wrk, nginx, the platform, anyone else)
    ( sleep $(( DURATION / 2 )); top -b -n 1 -w 200 | head -25 >"$OUT/raw/N$n-$name-top.txt" 2>&1
      [[ -n "$PLATFORM_PID" ]] && top -b -n 1 -H -w 200 -p "$PLATFORM_PID" | head -35 >>"$OUT/raw/N$n-$name-top.txt" 2>&1 ) &
    local ticks_before=""
    [[ "$name" == gateway-* && -n "$PLATFORM_PID" ]] && ticks_before="$(cpu_ticks "$PLATFORM_PID")"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" >"$OUT/raw/N$n-$name.txt" 2>&1 \
        || die "wrk failed on $name: $(tail -3 "$OUT/raw/N$n-$name.txt")"
    row "$n" "$name" "$OUT/raw/N$n-$name.txt"
    if [[ -n "$ticks_before" ]]; then
        # the platform's CPU per request in the measured window: steadier than req/s on a machine whose speed varies
        local ticks requests
        ticks=$(( $(cpu_ticks "$PLATFORM_PID") - ticks_before ))
        requests="$(grep -oE '^ +[0-9]+ requests in' "$OUT/raw/N$n-$name.txt" | grep -oE '[0-9]+' | head -1)"
        awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v r="${requests:-0}" 'BEGIN {
            printf "platform_cpu_s\t%.2f\nrequests\t%d\nplatform_cpu_us_per_request\t%.1f\n", t / hz, r, (r > 0 ? t / hz * 1e6 / r : 0) }' \
            >"$OUT/raw/N$n-$name-cpu.tsv"
        log "  N=$n $name: platform CPU $(awk -F'\t' '/per_request/ {print $2}' "$OUT/raw/N$n-$name-cpu.tsv") us per request"
    fi
    if [[ -n "$sampler" ]]; then
        sleep 6 # the log catching up after the load stopped
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
    fi
    if [[ "$name" == gateway-* ]]; then
        # the gateway's own counters (cumulative since start): rate-limit decisions by mode, fallbacks, usage records
        curl -s -m 10 "http://127.0.0.1:$GATEWAY_PORT/actuator/prometheus" \
            | grep -E '^(civicstack_gateway_(ratelimit|usage)|civicstack_gateway_dispatch_seconds_(count|sum|max)|jvm_gc_pause_seconds_(count|sum)|process_cpu_usage|system_cpu_usage|resilience4j_bulkhead|reactor_netty_connection_provider)' \
            >"$OUT/raw/N$n-$name-metrics.txt" 2>&1 || true
    fi
}

# ---------------------------------------------------------------- schema (first start on an empty database)
log "first start on empty databases (creates the schemas)"
start_platform schema
stop_platform

MEMORY_TSV="$OUT/memory.tsv"
printf 'services\theap_used_after_gc_kib\trss_kib\tbootstrap_ms\tplatform_start_s\n' >"$MEMORY_TSV"
CHANGES_RESULT="not run"
for N in $SIZES; do
    log "==== N=$N: seeding the registry"
    redis-cli -p "$REDIS_PORT" flushall >/dev/null
    seed_started=$(date +%s%N)
    "${PSQL[@]}" -d civicstack_registry -v n="$N" -v upstream="http://localhost:$UPSTREAM_PORT" -v access="$ACCESS" -f "$HERE/seed.sql" \
        >"$OUT/raw/N$N-seed.txt"
    log "N=$N seeded in $(( ($(date +%s%N) - seed_started) / 1000000 )) ms"
    start_platform "N$N"
    wait_for_routing "$N"
    up_s="$(grep -m1 -oE 'CivicStack is up in [0-9.]+ s' "$PLATFORM_LOG" | grep -oE '[0-9.]+')"
    boot_ms="$(grep -oE 'in [0-9]+ ms' <<<"$ROUTING_LINE" | grep -oE '[0-9]+')"
    log "N=$N: platform up in ${up_s} s; gateway: ${ROUTING_LINE##*RoutingSync*: }"
    if [[ "$CITIZEN" == 1 ]]; then
        TOKEN="$(citizen_token)"
        [[ -n "$TOKEN" ]] || die "no citizen access token from the login"
        AUTH=(-H "Authorization: Bearer $TOKEN")
        log "N=$N: citizen signed in through the hosted login page; the load carries its access token"
    fi
    CODE="$(printf 'bench-%06d' "$N")"
    GW_URL="http://127.0.0.1:$GATEWAY_PORT/s/$CODE/"
    # the first dispatched request after start: up to 3 tries of 10 s each; a slow or hung one is a finding
    : >"$OUT/raw/N$N-first-requests.txt"
    for attempt in 1 2 3; do
        status="$(curl -s -m 10 "${AUTH[@]}" -o "$WORK/probe.txt" -w '%{http_code} %{time_total}s' "$GW_URL" || true)"
        echo "attempt $attempt: GET $GW_URL -> HTTP $status, $(wc -c <"$WORK/probe.txt" 2>/dev/null || echo 0) bytes" \
            >>"$OUT/raw/N$N-first-requests.txt"
        [[ "$status" == "200 "* && "$(wc -c <"$WORK/probe.txt")" == 1024 ]] && break
        log "WARNING: first request attempt $attempt to $GW_URL: HTTP $status"
        [[ "$attempt" == 3 ]] && die "gateway did not forward $GW_URL: $(head -c 400 "$WORK/probe.txt" 2>/dev/null)"
    done
    sleep 5
    used="$(heap_after_gc "$OUT/raw/N$N-heap-info.txt")"
    jcmd "$PLATFORM_PID" GC.class_histogram 2>/dev/null | head -45 >"$OUT/raw/N$N-class-histogram.txt" || true
    rss="$(ps -o rss= -p "$PLATFORM_PID" | xargs)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$N" "$used" "$rss" "$boot_ms" "$up_s" >>"$MEMORY_TSV"
    log "N=$N: heap used after GC ${used} KiB, RSS ${rss} KiB"

    bench_target "$N" nginx-direct "${AUTH[@]}" "http://127.0.0.1:$UPSTREAM_PORT/"
    bench_target "$N" nginx-proxy "${AUTH[@]}" "http://127.0.0.1:$PROXY_PORT/"
    if [[ "$JFR" == 1 ]]; then
        # CPU profile of the gateway under load, recorded during the gateway's warm-up (not the measured window)
        jcmd "$PLATFORM_PID" JFR.start name=bench settings=profile duration="$(( WARM < 30 ? WARM : 30 ))s" \
            filename="$WORK/gateway-N$N.jfr" >/dev/null
    fi
    bench_target "$N" gateway-one-code "${AUTH[@]}" "$GW_URL"
    bench_target "$N" gateway-random-code "${AUTH[@]}" -s "$HERE/random-service.lua" "http://127.0.0.1:$GATEWAY_PORT" -- "$N"
    if [[ "$JFR" == 1 && -f "$WORK/gateway-N$N.jfr" ]]; then
        jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/gateway-N$N.jfr" \
            | python3 "$HERE/jfr_top.py" >"$OUT/raw/N$N-gateway-jfr-top.txt" 2>&1 || true
        jfr print --events jdk.CPULoad,jdk.GarbageCollection,jdk.Compilation "$WORK/gateway-N$N.jfr" \
            | python3 "$HERE/jfr_stats.py" >"$OUT/raw/N$N-gateway-jfr-stats.txt" 2>&1 || true
        jfr print --events jdk.ExecutionSample --stack-depth 96 "$WORK/gateway-N$N.jfr" \
            | python3 "$HERE/jfr_categories.py" >"$OUT/raw/N$N-gateway-jfr-layers.txt" 2>&1 || true
        cp "$WORK/gateway-N$N.jfr" "$OUT/raw/" 2>/dev/null || true   # *.jfr are not committed (.gitignore)
        log "JFR CPU summary: $OUT/raw/N$N-gateway-jfr-top.txt"
    fi

    if [[ "$N" == "$LARGEST" && "$CHANGES" == 1 ]]; then
        log "N=$N: ${CHANGE_RATE} changes/s for ${CHANGE_SECONDS}s (suspend/resume through the API) while wrk loads $CODE"
        targets=()
        while read -r i; do
            targets+=("$(printf 'svc_%020d:bench-%06d' "$i" "$i")")
        done < <(seq 1 20 | awk -v n="$N" '{ print int($1 * (n - 1) / 21) + 1 }' | sort -un)
        javac -d "$WORK/changes" "$HERE/Changes.java"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$(( CHANGE_SECONDS + 10 ))s" --latency "${AUTH[@]}" "$GW_URL" \
            >"$OUT/raw/N$N-changes-under-load-wrk.txt" 2>&1 &
        LOAD_PID=$!
        sleep 3
        set +e
        java -cp "$WORK/changes" Changes "http://127.0.0.1:$GATEWAY_PORT" "$CHANGE_RATE" "$CHANGE_SECONDS" "$OPERATOR_ID" \
            "$OPERATOR_SECRET" "${targets[@]}" >"$OUT/raw/N$N-changes.txt" 2>&1
        changes_rc=$?
        wait "$LOAD_PID"
        set -e
        LOAD_PID=""
        row "$N" gateway-during-changes "$OUT/raw/N$N-changes-under-load-wrk.txt"
        CHANGES_RESULT="$(grep -E '^(changes requested|answers|completed|change latency|final states)' "$OUT/raw/N$N-changes.txt" \
            | sed 's/^/    /')"
        log "changes (exit $changes_rc):"
        sed 's/^/    /' "$OUT/raw/N$N-changes.txt" | head -20 | tee -a "$OUT/run.log" >&2
    fi
    grep -cE ' ERROR ' "$PLATFORM_LOG" >"$OUT/raw/N$N-platform-error-count.txt" || true
    log "N=$N: platform log has $(cat "$OUT/raw/N$N-platform-error-count.txt") ERROR lines"
    stop_platform
done
echo "load after: $(uptime)" >>"$OUT/environment.txt"

# ---------------------------------------------------------------- summary
{
    echo "# Gateway dispatch benchmark — $STAMP$([[ "$QUICK" == 1 ]] && echo ' (QUICK: not official numbers)')"
    echo
    echo '```'
    cat "$OUT/environment.txt"
    echo '```'
    echo
    echo "wrk -t$THREADS -c$CONNECTIONS --latency, ${WARM} s warm-up then ${DURATION} s measured per target; 1 KB upstream body."
    echo
    echo "| services | target | req/s | p50 | p99 | requests | non-2xx | socket errors |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$SUMMARY_TSV" | awk -F'\t' '{printf "| %s | %s | %.0f | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}'
    echo
    echo "## Ratios"
    echo
    awk -F'\t' -v smallest="$(tr ' ' '\n' <<<"$SIZES" | grep -v '^$' | sort -n | head -1)" -v largest="$LARGEST" '
        NR > 1 { rps[$1 "/" $2] = $3 }
        END {
            for (t = 1; t <= 2; t++) {
                target = t == 1 ? "gateway-one-code" : "gateway-random-code"
                a = rps[largest "/" target]; b = rps[smallest "/" target]
                if (b > 0) printf "- %s: %s services / %s services = %.3f (target >= 0.95)\n", target, largest, smallest, a / b
            }
            n = split("'"$SIZES"'", sizes, " ")
            for (i = 1; i <= n; i++) {
                s = sizes[i]
                if (rps[s "/nginx-proxy"] > 0)
                    printf "- N=%s: gateway-one-code / nginx-proxy = %.3f, gateway-random-code / nginx-proxy = %.3f (target >= 0.5); nginx-proxy / nginx-direct = %.3f\n",
                        s, rps[s "/gateway-one-code"] / rps[s "/nginx-proxy"], rps[s "/gateway-random-code"] / rps[s "/nginx-proxy"],
                        rps[s "/nginx-proxy"] / rps[s "/nginx-direct"]
            }
        }' "$SUMMARY_TSV"
    echo
    echo "## Bootstrap and memory"
    echo
    echo "| services | routing table loaded in (gateway log) | platform up in | heap used after full GC | RSS |"
    echo "|---:|---:|---:|---:|---:|"
    tail -n +2 "$MEMORY_TSV" | awk -F'\t' '{printf "| %s | %s ms | %s s | %.1f MiB | %.0f MiB |\n", $1, $4, $5, $2 / 1024, $3 / 1024}'
    echo
    awk -F'\t' 'NR > 1 { n[NR] = $1; h[NR] = $2 } END {
        lo = 2; hi = 2
        for (i in n) { if (n[i] + 0 < n[lo] + 0) lo = i; if (n[i] + 0 > n[hi] + 0) hi = i }
        if (n[hi] > n[lo]) printf "Memory per 1,000 services (heap after GC, N=%s vs N=%s): %.1f KiB (%.0f bytes per service)\n",
            n[hi], n[lo], (h[hi] - h[lo]) / (n[hi] - n[lo]) * 1000, (h[hi] - h[lo]) * 1024 / (n[hi] - n[lo]) }' "$MEMORY_TSV"
    echo
    echo "## Changes under load (N=$LARGEST)"
    echo
    echo '```'
    echo "$CHANGES_RESULT"
    echo '```'
    echo
    echo "The gateway-during-changes row above is the wrk run that was loading bench-$(printf '%06d' "$LARGEST") meanwhile."
} >"$OUT/summary.md"
log "done: $OUT/summary.md"
cat "$OUT/summary.md"
