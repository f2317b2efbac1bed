#!/usr/bin/env bash
# Cold token-exchange latency (issue #8): p50/p99 of identity's RFC 8693 exchange of a citizen access token for an
# upstream assertion, each for a service it has not seen (what the gateway does on a token's first request to a
# service), measured one at a time with curl against the all-in-one. Starts its own platform (embedded PostgreSQL
# and Redis), signs a citizen in through the hosted login page (the console code), then exchanges.
#
#   bench/token-exchange/run.sh            # 500 exchanges (COUNT), results in results/<UTC stamp>/
#
# Needs the launcher jar (./mvnw -B -DskipTests install), curl, openssl. GATEWAY_PORT (28180) if 8080 is taken.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
COUNT="${COUNT:-500}"
GATEWAY_PORT="${GATEWAY_PORT:-28180}"
OUT="${OUT:-$HERE/results/$(date -u +%Y-%m-%d_%H%M)}"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
GW="http://127.0.0.1:$GATEWAY_PORT"
CLIENT=bench-exchanger
SECRET=bench-exchanger-secret-0123456789abcdefghijkl
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

{
    echo "date: $(date -u +%FT%TZ)  commit: $(git -C "$REPO" rev-parse --short HEAD)  count: $COUNT"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

env CIVICSTACK_LAUNCHER_PORTS_GATEWAY="$GATEWAY_PORT" CIVICSTACK_LAUNCHER_PORTS_IDENTITY=0 \
    CIVICSTACK_LAUNCHER_PORTS_SERVICES_REGISTRY=0 CIVICSTACK_LAUNCHER_PORTS_PAYMENTS=0 CIVICSTACK_LAUNCHER_PORTS_CERTIFICATES=0 \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTID=bench-app CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTTYPE=citizen_app \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_SCOPES=openid CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_REDIRECTURIS=http://127.0.0.1:18491/callback \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTID="$CLIENT" CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_SECRET="$SECRET" \
    CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_SCOPES=identity:token-exchange CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTTYPE=platform \
    CIVICSTACK_LAUNCHER_EXTRA_ARGS="--logging.level.root=WARN --civicstack.identity.access-token-ttl=1h" \
    java -jar "$REPO/launcher/target/civicstack-launcher.jar" >"$WORK/platform.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do grep -q "CivicStack is up" "$WORK/platform.log" && break; kill -0 "$PID" || { tail -20 "$WORK/platform.log"; exit 1; }; sleep 1; done

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
jar="$WORK/cookies"
verifier="$(openssl rand 48 | b64url)"
challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)"
curl -s -c "$jar" -b "$jar" -o /dev/null "$GW/oauth2/authorize?response_type=code&client_id=bench-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A18491%2Fcallback&scope=openid&state=s&code_challenge=$challenge&code_challenge_method=S256"
csrf() { grep -oE 'name="_csrf" value="[^"]+"' | head -1 | sed -e 's/.*value="//' -e 's/"$//'; }
c="$(curl -s -c "$jar" -b "$jar" "$GW/login" | csrf)"
c="$(curl -s -c "$jar" -b "$jar" --data-urlencode mobile=13800138000 --data-urlencode "_csrf=$c" "$GW/login/code" | csrf)"
sleep 1
code="$(grep -oE 'login code for \+86 138\*\*\*\*8000 is [0-9]{6}' "$WORK/platform.log" | tail -1 | grep -oE '[0-9]{6}$')"
next="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "code=$code" --data-urlencode "_csrf=$c" "$GW/login/verify")"
callback="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$next")"
authcode="$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$callback")"
token="$(curl -s -d grant_type=authorization_code -d client_id=bench-app --data-urlencode redirect_uri=http://127.0.0.1:18491/callback \
    -d "code=$authcode" -d "code_verifier=$verifier" "$GW/oauth2/token" | grep -oE '"access_token":"[^"]+"' | cut -d'"' -f4)"
[[ -n "$token" ]] || { echo "no citizen token"; exit 1; }

exchange() { # i -> "status seconds"
    curl -s -o "$WORK/answer" -w '%{http_code} %{time_total}\n' -u "$CLIENT:$SECRET" \
        -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange --data-urlencode "subject_token=$token" \
        -d subject_token_type=urn:ietf:params:oauth:token-type:access_token \
        -d "audience=urn:civicstack:service:bench-$(printf '%06d' "$1")" \
        -d "resource=urn:civicstack:agency:agy_bench$(( $1 % 50 ))" "$GW/oauth2/token"
}
for i in $(seq 1 50); do exchange "$((100000 + i))" >/dev/null; done   # warm-up (JIT, connections), other services
: >"$OUT/latencies.txt"
for i in $(seq 1 "$COUNT"); do exchange "$i" >>"$OUT/latencies.txt"; done
grep -vc '^200 ' "$OUT/latencies.txt" >"$OUT/non200.txt" || true
sort -n -k2 "$OUT/latencies.txt" | awk -v n="$COUNT" '{ t[NR] = $2 * 1000 } END {
    printf "cold token exchanges: %d, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
        n, t[int(n * 0.50)], t[int(n * 0.90)], t[int(n * 0.99)], t[n] }' | tee "$OUT/summary.txt"
echo "non-200 answers: $(cat "$OUT/non200.txt")" | tee -a "$OUT/summary.txt"
