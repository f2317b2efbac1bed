#!/usr/bin/env bash
# Token endpoint benchmark (issue #8): CivicStack identity vs Keycloak 26.7.3, same machine, same load, same run.
# See README.md next to this file. Everything runs on loopback and stops by itself (every process by its pid).
#
#   bench/identity-tokens/run.sh             # official: 30 s warm-up per target, 3 alternating rounds of 30 s
#   QUICK=1 bench/identity-tokens/run.sh     # smoke run (10 s warm-up, 2 rounds of 15 s): not the official numbers
#
# Scenarios: client credentials (both), refresh_token (both), cold
# token-exchange latency (ours, when OURS_EXCHANGE_SEED_CMD is set).
#   refresh_token, ours: REFRESH_CHAINS (256) rotation chains, one citizen's session each, seeded by
#                           seed-refresh.sh (SMS login through sms-sink.py, code + PKCE) and driven by refresh-chain.lua
#   OURS_EXCHANGE_SEED_CMD  a command that prints "<gateway client_id> <gateway secret> <citizen access token>
#                           <audience> <resource>" for token exchange at $OURS_URL (issue #8 token exchange)
# Settings: WARM, DURATION, ROUNDS, THREADS (2), CONNECTIONS (32), PG_PORT (55542), REDIS_PORT (56389),
# PG_STATS=1 (pg_stat_statements of identity's database per scenario, round 1: raw/<scenario>-pg-statements.txt),
# OURS_PORT (18181), KC_PORT (18190), KC_JAVA_HOME (/usr/lib/jvm/temurin-25-jdk-amd64), OURS_JAVA_OPTS,
# KC_HEAP (-Xms512m -Xmx1g), SKIP_KEYCLOAK=1, JFR=1 (CPU profile of ours during the first round of JFR_SCENARIO, default ours-cc: it slowed identity ~8x here, so that round is not a throughput number), OURS_EXTRA_ARGS (more --key=value
# arguments for identity: experiments, not the official numbers), OUT (results directory), KEEP_WORK=1.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then WARM="${WARM:-10}"; DURATION="${DURATION:-15}"; ROUNDS="${ROUNDS:-2}"
else WARM="${WARM:-30}"; DURATION="${DURATION:-30}"; ROUNDS="${ROUNDS:-3}"; fi
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PG_PORT="${PG_PORT:-55542}"
REDIS_PORT="${REDIS_PORT:-56389}"
OURS_PORT="${OURS_PORT:-18181}"
KC_PORT="${KC_PORT:-18190}"
SMS_SINK_PORT="${SMS_SINK_PORT:-18199}"
REFRESH_CHAINS="${REFRESH_CHAINS:-256}"
KC_VERSION=26.7.3
KC_JAVA_HOME="${KC_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
KC_HEAP="${KC_HEAP:--Xms512m -Xmx1g}"
OURS_JAVA_OPTS="${OURS_JAVA_OPTS:--Xms512m -Xmx1g}"
SKIP_KEYCLOAK="${SKIP_KEYCLOAK:-0}"
JFR="${JFR:-0}"
JFR_SCENARIO="${JFR_SCENARIO:-ours-cc}"
STAMP="$(date -u +%Y-%m-%d_%H%M)"
OUT="${OUT:-$HERE/results/$(if [[ "$QUICK" == 1 ]]; then echo quick-; fi)$STAMP}"
IDENTITY_JAR="$REPO/identity/target/identity.jar"
OURS_URL="http://127.0.0.1:$OURS_PORT"
KC_URL="http://127.0.0.1:$KC_PORT"
CC_ID=bench-agency
CC_SECRET=bench-agency-secret-0123456789abcdefghijklmnop
KC_CC_ID=bench-cc
KC_CC_SECRET=bench-cc-secret-0123456789abcdefghijklmnopqrs
KC_APP_ID=bench-app
OURS_APP_ID=bench-city-app
OURS_APP_REDIRECT=http://127.0.0.1:18491/callback
KC_USER=bench-user
KC_USER_PASSWORD=bench-user-password-0123456789

mkdir -p "$OUT/raw"
: >"$OUT/run.log"
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v psql >/dev/null || need+=(postgresql-client)
command -v jq >/dev/null || need+=(jq)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
if (( ${#need[@]} )); then
    log "installing ${need[*]} (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
[[ -f "$IDENTITY_JAR" ]] || die "build first: ./mvnw -B -DskipTests -pl identity -am package"
KC_ZIP="$HERE/target/keycloak-quarkus-dist-$KC_VERSION.zip"
if [[ "$SKIP_KEYCLOAK" != 1 && ! -f "$KC_ZIP" ]]; then
    log "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven Central"
    "$REPO/mvnw" -B -q -f "$HERE/jmh/pom.xml" dependency:copy \
        -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$HERE/target"
fi
[[ "$SKIP_KEYCLOAK" == 1 || -x "$KC_JAVA_HOME/bin/java" ]] || die "Keycloak needs the JDK at $KC_JAVA_HOME"
for port in "$PG_PORT" "$REDIS_PORT" "$OURS_PORT" "$KC_PORT"; do
    if ss -ltnH "( sport = :$port )" | grep -q .; then die "port $port is in use: set another (see the header)"; fi
done

# ---------------------------------------------------------------- clean-up: everything we start, by pid
WORK="$(mktemp -d /tmp/civicstack-tokbench.XXXXXX)"
chmod 755 "$WORK"
OURS_PID="" KC_PID="" REDIS_PID="" PG_DATA=""
stop_pid() { # pid [seconds]
    local pid="$1" wait="${2:-30}"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$wait"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
}
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n "$OURS_PID" ]] && stop_pid "$OURS_PID" 30
    [[ -n "$KC_PID" ]] && stop_pid "$KC_PID" 30
    [[ -n "${KC_SHELL_PID:-}" ]] && stop_pid "$KC_SHELL_PID" 10
    [[ -n "$REDIS_PID" ]] && stop_pid "$REDIS_PID" 10
    [[ -n "${SMS_SINK_PID:-}" ]] && stop_pid "$SMS_SINK_PID" 5
    if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    cp "$WORK"/*.log "$WORK"/pg/*.log "$OUT/raw/" 2>/dev/null || true
    gzip -f "$OUT"/raw/*.log 2>/dev/null || true
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "work dir kept: $WORK" >&2 || rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

{
    echo "date (UTC): $(date -u '+%F %T')"
    echo "mode: $([[ "$QUICK" == 1 ]] && echo QUICK || echo official) warm=${WARM}s measure=${DURATION}s x ${ROUNDS} rounds wrk -t$THREADS -c$CONNECTIONS"
    echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO" status --porcelain 2>/dev/null | wc -l) uncommitted paths)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "ours java: $(java -version 2>&1 | head -1) $OURS_JAVA_OPTS"
    echo "keycloak java: $("$KC_JAVA_HOME/bin/java" -version 2>&1 | head -1) $KC_HEAP"
    echo "postgresql: $("$PG_BIN/postgres" --version)"
    echo "wrk: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
    echo "load before: $(uptime)"
    echo "other processes using CPU before the run:"; ps -eo pcpu,comm --sort=-pcpu | head -6
} >"$OUT/environment.txt"

# ---------------------------------------------------------------- PostgreSQL (one server, a database each) and Redis
PG_DATA="$WORK/pg/data"
PG_EXTRA=""
[[ "${PG_STATS:-0}" == 1 ]] && PG_EXTRA="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
mkdir -p "$WORK/pg"
[[ $EUID -eq 0 ]] && chown postgres "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/pg/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -3 "$WORK/pg/initdb.log")"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200 $PG_EXTRA" start >/dev/null \
    || die "PostgreSQL did not start: $(tail -5 "$WORK/pg/postgres.log")"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -c "CREATE ROLE civicstack LOGIN SUPERUSER PASSWORD 'civicstack'"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -c "CREATE DATABASE keycloak OWNER civicstack"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U civicstack -X -qAt)
PG_PID="$(head -1 "$PG_DATA/postmaster.pid")"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (databases civicstack_identity, keycloak)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --logfile "$WORK/redis.log" >/dev/null &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# ---------------------------------------------------------------- ours: identity alone
# identity alone has no local SMS adapter: a stand-in for Aliyun's SendSms API keeps the last login code in a file
mkdir -p "$WORK/sms-codes"
python3 "$HERE/sms-sink.py" "$SMS_SINK_PORT" "$WORK/sms-codes" &
SMS_SINK_PID=$!
# (identity refuses to start without an SMS account; the benchmark sends no SMS, so a dummy one on a closed port)
env CIVICSTACK_POSTGRES_HOST=127.0.0.1 CIVICSTACK_POSTGRES_PORT="$PG_PORT" CIVICSTACK_POSTGRES_USERNAME=civicstack \
    CIVICSTACK_POSTGRES_PASSWORD=civicstack CIVICSTACK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTID="$CC_ID" CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_SECRET="$CC_SECRET" \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_SCOPES=registry:read CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTTYPE=agency \
    CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYID=bench CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYSECRET=bench \
    CIVICSTACK_IDENTITY_SMS_ALIYUN_SIGNNAME=bench CIVICSTACK_IDENTITY_SMS_ALIYUN_TEMPLATECODE=bench \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTID="$OURS_APP_ID" CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTTYPE=citizen_app \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_SCOPES=openid,offline_access,phone \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_REDIRECTURIS="$OURS_APP_REDIRECT" \
    CIVICSTACK_IDENTITY_SMS_ALIYUN_ENDPOINT="http://127.0.0.1:$SMS_SINK_PORT/" \
    CIVICSTACK_IDENTITY_LOGIN_PERADDRESS_MAX=100000 \
    java $OURS_JAVA_OPTS -jar "$IDENTITY_JAR" --server.port="$OURS_PORT" --logging.level.root=WARN \
    ${OURS_EXTRA_ARGS:-} >"$WORK/identity.log" 2>&1 &
OURS_PID=$!
for _ in $(seq 1 180); do
    curl -fsS "$OURS_URL/actuator/health/readiness" >/dev/null 2>&1 && break
    kill -0 "$OURS_PID" 2>/dev/null || die "identity exited: $(tail -5 "$WORK/identity.log")"
    sleep 1
done
curl -fsS "$OURS_URL/actuator/health/readiness" >/dev/null || die "identity not ready after 180 s"
log "identity up on $OURS_URL (pid $OURS_PID)"

# ---------------------------------------------------------------- Keycloak on the same PostgreSQL
if [[ "$SKIP_KEYCLOAK" != 1 ]]; then
    KC_HOME="$HERE/target/keycloak-$KC_VERSION"
    [[ -d "$KC_HOME" ]] || (cd "$HERE/target" && unzip -q "$KC_ZIP")
    env JAVA_HOME="$KC_JAVA_HOME" PATH="$KC_JAVA_HOME/bin:$PATH" JAVA_OPTS_KC_HEAP="$KC_HEAP" \
        KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        "$KC_HOME/bin/kc.sh" start --db=postgres --db-url="jdbc:postgresql://127.0.0.1:$PG_PORT/keycloak" \
        --db-username=civicstack --db-password=civicstack --http-enabled=true --http-host=127.0.0.1 \
        --http-port="$KC_PORT" --hostname-strict=false --cache=local --log-level=warn \
        >"$WORK/keycloak.log" 2>&1 &
    KC_SHELL_PID=$!
    KC_PID="$KC_SHELL_PID"
    for _ in $(seq 1 300); do
        curl -fsS "$KC_URL/realms/master" >/dev/null 2>&1 && break
        kill -0 "$KC_PID" 2>/dev/null || die "Keycloak exited: $(tail -5 "$WORK/keycloak.log")"
        sleep 1
    done
    curl -fsS "$KC_URL/realms/master" >/dev/null || die "Keycloak not up after 300 s"
    KC_JAVA_PID="$(pgrep -P "$KC_SHELL_PID" java || true)"   # kc.sh runs java as its child
    [[ -n "$KC_JAVA_PID" ]] && KC_PID="$KC_JAVA_PID"
    KCADM=(env JAVA_HOME="$KC_JAVA_HOME" PATH="$KC_JAVA_HOME/bin:$PATH" "$KC_HOME/bin/kcadm.sh")
    "${KCADM[@]}" config credentials --config "$WORK/kcadm.config" --server "$KC_URL" --realm master \
        --user admin --password admin >/dev/null 2>&1
    kc() { "${KCADM[@]}" "$@" --config "$WORK/kcadm.config"; }
    kc create realms -s realm=bench -s enabled=true >/dev/null 2>&1
    kc create clients -r bench -s clientId="$KC_CC_ID" -s secret="$KC_CC_SECRET" -s publicClient=false \
        -s serviceAccountsEnabled=true -s standardFlowEnabled=false -s directAccessGrantsEnabled=false >/dev/null 2>&1
    kc create clients -r bench -s clientId="$KC_APP_ID" -s publicClient=true -s standardFlowEnabled=false \
        -s directAccessGrantsEnabled=true >/dev/null 2>&1
    kc create users -r bench -s username="$KC_USER" -s enabled=true -s email=bench-user@example.org \
        -s emailVerified=true -s firstName=Bench -s lastName=User >/dev/null 2>&1
    kc set-password -r bench --username "$KC_USER" --new-password "$KC_USER_PASSWORD" >/dev/null 2>&1
    log "Keycloak $KC_VERSION up on $KC_URL (pid $KC_PID): realm bench, clients $KC_CC_ID, $KC_APP_ID, user $KC_USER"
fi

# ---------------------------------------------------------------- one check of every scenario before any load
b64() { printf '%s' "$1" | base64 -w0; }
OURS_CC_BASIC="$(b64 "$CC_ID:$CC_SECRET")"
OURS_CC_FORM="grant_type=client_credentials&scope=registry%3Aread"
KC_CC_BASIC="$(b64 "$KC_CC_ID:$KC_CC_SECRET")"
KC_CC_FORM="grant_type=client_credentials"
KC_TOKEN_URL="$KC_URL/realms/bench/protocol/openid-connect/token"
check() { # label url basic form
    local status
    status="$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H "Authorization: Basic $3" --data "$4" "$2")"
    [[ "$status" == 200 ]] || die "$1: token request answered $status: $(head -c 300 "$WORK/check.json")"
    log "$1: 200, token of $(jq -r '.access_token | length' "$WORK/check.json") characters"
}
check "ours client_credentials" "$OURS_URL/oauth2/token" "$OURS_CC_BASIC" "$OURS_CC_FORM"
SCENARIOS=("ours-cc|$OURS_URL/oauth2/token|$OURS_CC_BASIC|$OURS_CC_FORM")
if [[ "$SKIP_KEYCLOAK" != 1 ]]; then
    check "keycloak client_credentials" "$KC_TOKEN_URL" "$KC_CC_BASIC" "$KC_CC_FORM"
    SCENARIOS+=("keycloak-cc|$KC_TOKEN_URL|$KC_CC_BASIC|$KC_CC_FORM")
    KC_REFRESH="$(curl -fsS --data "grant_type=password&client_id=$KC_APP_ID&username=$KC_USER&password=$KC_USER_PASSWORD&scope=openid" \
        "$KC_TOKEN_URL" | jq -r .refresh_token)"
    [[ -n "$KC_REFRESH" && "$KC_REFRESH" != null ]] || die "Keycloak direct grant gave no refresh token"
    KC_REFRESH_FORM="grant_type=refresh_token&client_id=$KC_APP_ID&refresh_token=$KC_REFRESH"
    check "keycloak refresh_token" "$KC_TOKEN_URL" "" "$KC_REFRESH_FORM"
    SCENARIOS+=("keycloak-refresh|$KC_TOKEN_URL||$KC_REFRESH_FORM")
fi
# ours refresh: rotation with reuse detection makes every refresh token single-use, so the load follows chains
OURS_CHAINS="$WORK/ours-refresh-chains.txt"
OURS_URL="$OURS_URL" APP="$OURS_APP_ID" REDIRECT="$OURS_APP_REDIRECT" CODE_DIR="$WORK/sms-codes" \
    COUNT="$REFRESH_CHAINS" "$HERE/seed-refresh.sh" >"$OURS_CHAINS" || die "seeding the refresh chains failed"
log "ours refresh_token: $(wc -l <"$OURS_CHAINS") rotation chains seeded (a citizen's SMS login + code + PKCE each)"
SCENARIOS+=("ours-refresh|$OURS_URL/oauth2/token||chains")

# ---------------------------------------------------------------- load, alternating
SUMMARY="$OUT/summary.tsv"
printf 'scenario\tround\trequests_per_s\tp50\tp99\tnon_2xx\terrors\tidentity_cpu_s\tkeycloak_cpu_s\tpostgres_cpu_s\n' >"$SUMMARY"
cpu_seconds() { # pid -> utime+stime in seconds of the process and its children threads
    [[ -n "$1" && -r /proc/$1/stat ]] || { echo 0; return; }
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"
}
pg_cpu_seconds() { # all postgres processes of our server
    local total=0 p
    for p in $(pgrep -P "$PG_PID") "$PG_PID"; do total=$(awk -v a="$total" -v b="$(cpu_seconds "$p")" 'BEGIN{printf "%.2f", a+b}'); done
    echo "$total"
}
run_wrk() { # label url basic form seconds file   (form "chains": ours refresh, refresh-chain.lua)
    local script="$HERE/token-request.lua"
    [[ "$4" == chains ]] && script="$HERE/refresh-chain.lua"
    BENCH_BASIC="$3" BENCH_FORM="$4" BENCH_CHAINS="${OURS_CHAINS:-}" BENCH_CLIENT="$OURS_APP_ID" \
        BENCH_THREADS="$THREADS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$5"s --latency \
        -s "$script" "$2" >"$6" 2>&1 || die "wrk failed for $1: $(tail -3 "$6")"
}
for entry in "${SCENARIOS[@]}"; do
    IFS='|' read -r label url basic form <<<"$entry"
    log "warm-up $label ${WARM}s"
    run_wrk "$label" "$url" "$basic" "$form" "$WARM" "$OUT/raw/warm-$label.txt"
done
for round in $(seq 1 "$ROUNDS"); do
    for entry in "${SCENARIOS[@]}"; do
        IFS='|' read -r label url basic form <<<"$entry"
        file="$OUT/raw/$label-round$round.txt"
        id_before="$(cpu_seconds "$OURS_PID")"; kc_before="$(cpu_seconds "$KC_PID")"; pg_before="$(pg_cpu_seconds)"
        if [[ "$JFR" == 1 && "$round" == 1 && "$label" == "$JFR_SCENARIO" ]]; then
            jcmd "$OURS_PID" JFR.start name=bench settings=profile duration="${DURATION}s" \
                filename="$WORK/$JFR_SCENARIO.jfr" >/dev/null
        fi
        if [[ "${PG_STATS:-0}" == 1 && "$round" == 1 ]]; then
            "${PSQL[@]}" -d civicstack_identity -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
            "${PSQL[@]}" -d civicstack_identity -c "SELECT pg_stat_statements_reset()" >/dev/null
        fi
        run_wrk "$label" "$url" "$basic" "$form" "$DURATION" "$file"
        if [[ "${PG_STATS:-0}" == 1 && "$round" == 1 ]]; then
            psql -h 127.0.0.1 -p "$PG_PORT" -U civicstack -X -d civicstack_identity -c "SELECT calls,
                    round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                    rows, left(regexp_replace(query, '\s+', ' ', 'g'), 140) AS query
                FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >"$OUT/raw/$label-pg-statements.txt" 2>&1 || true
        fi
        id_after="$(cpu_seconds "$OURS_PID")"; kc_after="$(cpu_seconds "$KC_PID")"; pg_after="$(pg_cpu_seconds)"
        rps="$(awk '/Requests\/sec/ {print $2}' "$file")"
        p50="$(awk '$1 == "50%" {print $2}' "$file")"
        p99="$(awk '$1 == "99%" {print $2}' "$file")"
        non2xx="$(awk '/Non-2xx/ {print $NF}' "$file")"
        errors="$(grep -oE 'Socket errors:.*' "$file" || true)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$rps" "$p50" "$p99" "${non2xx:-0}" \
            "${errors:-none}" "$(awk -v a="$id_before" -v b="$id_after" 'BEGIN{printf "%.1f", b-a}')" \
            "$(awk -v a="$kc_before" -v b="$kc_after" 'BEGIN{printf "%.1f", b-a}')" \
            "$(awk -v a="$pg_before" -v b="$pg_after" 'BEGIN{printf "%.1f", b-a}')" >>"$SUMMARY"
        log "$label round $round: $rps req/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}"
    done
done

if [[ "$JFR" == 1 ]]; then
    for _ in $(seq 1 30); do [[ -s "$WORK/$JFR_SCENARIO.jfr" ]] && break; sleep 1; done
    if [[ -s "$WORK/$JFR_SCENARIO.jfr" ]]; then
        jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/$JFR_SCENARIO.jfr" \
            | python3 "$REPO/bench/gateway-dispatch/jfr_top.py" >"$OUT/raw/$JFR_SCENARIO-jfr-top.txt" 2>&1 || true
        log "CPU profile of identity during $JFR_SCENARIO: $OUT/raw/$JFR_SCENARIO-jfr-top.txt"
    fi
fi

# ---------------------------------------------------------------- what each client-credentials token leaves behind
{
    echo "oauth2_authorization rows after the run: $("${PSQL[@]}" -d civicstack_identity -c 'SELECT count(*) FROM oauth2_authorization')"
    echo "oauth2_authorization size: $("${PSQL[@]}" -d civicstack_identity -c "SELECT pg_size_pretty(pg_total_relation_size('oauth2_authorization'))")"
    echo "stored secret scheme of $CC_ID: $("${PSQL[@]}" -d civicstack_identity -c "SELECT substring(client_secret from '^\{[^}]*\}') FROM oauth2_registered_client WHERE client_id = '$CC_ID'")"
    echo "load after: $(uptime)"
} >>"$OUT/environment.txt"

# ---------------------------------------------------------------- cold token exchange (ours)
if [[ -n "${OURS_EXCHANGE_SEED_CMD:-}" ]]; then
    : >"$OUT/raw/exchange-ms.txt"
    for i in $(seq 1 200); do
        read -r GW_ID GW_SECRET SUBJECT AUDIENCE RESOURCE < <(OURS_URL="$OURS_URL" bash -c "$OURS_EXCHANGE_SEED_CMD")
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -u "$GW_ID:$GW_SECRET" \
            --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange" \
            --data-urlencode "subject_token=$SUBJECT" \
            --data-urlencode "subject_token_type=urn:ietf:params:oauth:token-type:access_token" \
            --data-urlencode "audience=$AUDIENCE" --data-urlencode "resource=$RESOURCE" \
            "$OURS_URL/oauth2/token" >>"$OUT/raw/exchange-ms.txt"
    done
    awk '$1 == 200 {print $2 * 1000}' "$OUT/raw/exchange-ms.txt" | sort -n | awk '{a[NR]=$1} END {
        if (NR == 0) { print "token exchange: no 200 answer"; exit }
        printf "token exchange (cold: a new subject token each time), %d ok: p50 %.1f ms, p99 %.1f ms\n",
            NR, a[int(NR*0.5)+1 > NR ? NR : int(NR*0.5)+1], a[int(NR*0.99)+1 > NR ? NR : int(NR*0.99)+1] }' \
        | tee -a "$OUT/run.log"
else
    log "token exchange: not measured (set OURS_EXCHANGE_SEED_CMD once token exchange exists)"
fi

log "summary ($SUMMARY):"
column -t -s $'\t' "$SUMMARY" | tee -a "$OUT/run.log" >&2
