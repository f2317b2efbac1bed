#!/usr/bin/env bash
# The agency journey on a running all-in-one, through the gateway only:
#   tokens for an operator and an agency -> the operator registers the agency -> the agency creates a service whose
#   upstream is a tiny local server this script starts -> submit -> the operator approves -> citizens' calls reach
#   the tiny server through /s/{code}/... -> the service is in the catalog (Chinese and English) -> suspend (404 in
#   zh-CN and en) -> resume (answers again).
#
#   terminal 1:  set -a; . examples/walkthrough.env; set +a; ./civicstack
#   terminal 2:  examples/walkthrough.sh
#
# Needs bash, curl and a JDK (for the tiny agency, examples/TinyAgency.java). Settings:
#   CIVICSTACK_GATEWAY_URL       the gateway (default http://localhost:8080)
#   CIVICSTACK_WALKTHROUGH_ENV   the settings the platform was started with (default examples/walkthrough.env);
#                                variables already set in the environment win over the file
# Re-runnable against the same platform: every run creates a new service code; the agency is registered once.
# Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
ENV_FILE=${CIVICSTACK_WALKTHROUGH_ENV:-$HERE/walkthrough.env}
WAIT_SECONDS=${CIVICSTACK_WALKTHROUGH_WAIT_SECONDS:-60}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-walkthrough.XXXXXX")
cleanup() {
  stop_tiny_agency
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------- helpers
# output, JSON, HTTP calls, the settings file and the bootstrap clients: shared with the other walkthroughs
. "$HERE/walkthrough-lib.sh"

OPERATOR_N=$(client_index operator registry:review) \
  || fail "no operator client (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_CLIENTTYPE=operator with registry:review) in the environment or $ENV_FILE"
AGENCY_N=$(client_index agency registry:write) \
  || fail "no agency client (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_CLIENTTYPE=agency with registry:write) in the environment or $ENV_FILE"
UPSTREAM_PORT=${CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS:-}
UPSTREAM_PORT=${UPSTREAM_PORT%%,*}
UPSTREAM_PORT=${UPSTREAM_PORT// /}
[[ "$UPSTREAM_PORT" =~ ^[0-9]+$ ]] \
  || fail "CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS names no port: the platform must allow a loopback upstream port (see $ENV_FILE)"

RUN=$(date +%Y%m%d%H%M%S)-$((RANDOM % 1000))
CODE="sz-walkthrough-$RUN"
NAME_ZH="市人民医院预约挂号（演示 $RUN）"
NAME_EN="People's Hospital registration (walkthrough $RUN)"

echo "CivicStack agency walkthrough against $GATEWAY (settings: $ENV_FILE)"

# ---------------------------------------------------------------------------------------------------- 0. platform
step "Is the platform up?"
req "GET /actuator/health"
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  call GET /actuator/health
  if [ "$STATUS" = 200 ]; then break; fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    fail "the gateway at $GATEWAY is not UP after $WAIT_SECONDS s (last answer $STATUS). Start the platform with
  set -a; . examples/walkthrough.env; set +a; ./civicstack
or point CIVICSTACK_GATEWAY_URL at it." "$BODY"
  fi
  sleep 0.5
done
ans "$STATUS status=$(json_string status "$BODY")"

# ---------------------------------------------------------------------------------------------------- 1. tokens
step "Tokens (OAuth 2.0 client credentials) for the operator and the agency"
OPERATOR_ID=$(client_setting "$OPERATOR_N" CLIENTID)
AGENCY_CLIENT=$(client_setting "$AGENCY_N" CLIENTID)
OPERATOR=$(token "$OPERATOR_N")
AGENCY=$(token "$AGENCY_N")

# ---------------------------------------------------------------------------------------------------- 2. upstream
step "Start a tiny agency system on 127.0.0.1:$UPSTREAM_PORT (examples/TinyAgency.java)"
start_tiny_agency "$UPSTREAM_PORT"

# ---------------------------------------------------------------------------------------------------- 3. agency
step "The operator registers the agency and binds it to the OAuth client $AGENCY_CLIENT"
register_agency "$OPERATOR" "$AGENCY_N"
say "The agency looks itself up with its own token (registry:read):"
req "GET /v1/registry/agencies  (agency token)"
send GET /v1/registry/agencies "$AGENCY" 200
AGENCY_ID=$(json_string id "$BODY")
[ -n "$AGENCY_ID" ] || fail "the agency does not see its own record" "$BODY"
ans "$STATUS data[0].id=$AGENCY_ID oauth_client_id=$(json_string oauth_client_id "$BODY")"

# ---------------------------------------------------------------------------------------------------- 4. service
step "The agency creates the service $CODE (a draft)"
SERVICE_BODY=$(cat <<EOF
{
  "code": "$CODE",
  "definition": {
    "name": {"zh_cn": "$NAME_ZH", "en": "$NAME_EN"},
    "description": {"zh_cn": "在线预约门诊号源", "en": "Book a clinic appointment online"},
    "category": "medical_health",
    "tags": ["挂号", "hospital"],
    "audience": "citizen",
    "districts": [],
    "city_wide": true,
    "upstream": {
      "base_url": "http://127.0.0.1:$UPSTREAM_PORT/his",
      "allowed_methods": ["GET", "POST"],
      "path_prefixes": ["/appointments"],
      "timeout_ms": 3000,
      "max_body_bytes": 65536,
      "health_check_path": "/health",
      "retry_attempts": 1
    },
    "access": {"level": "anonymous", "min_assurance_level": 0, "scopes": []},
    "rate_limits": {"per_citizen": {"requests_per_second": 5, "burst": 10},
                    "per_service": {"requests_per_second": 200, "burst": 400}},
    "circuit_breaker": {"failure_rate_threshold": 50, "slow_call_ms": 2000, "minimum_calls": 20,
                        "open_seconds": 30, "max_concurrent_calls": 100},
    "version": "1.0.0"
  }
}
EOF
)
req "POST /v1/registry/services  (agency token)"
printf '%s\n' "$SERVICE_BODY" | sed 's/^/     /'
send POST /v1/registry/services "$AGENCY" 201 "$SERVICE_BODY"
SERVICE_ID=$(json_string id "$BODY")
ans "$STATUS id=$SERVICE_ID status=$(json_string status "$BODY") latest_revision=$(json_scalar latest_revision "$BODY") agency_id=$(json_string agency_id "$BODY")"
say "A draft is not routed:"
req "GET /s/$CODE/appointments/today"
call GET "/s/$CODE/appointments/today"
expect 404
ans "$STATUS code=$(json_string code "$BODY")"

step "The agency submits it for review"
req "POST /v1/registry/services/$SERVICE_ID/submit  (agency token)"
send POST "/v1/registry/services/$SERVICE_ID/submit" "$AGENCY" 200
ans "$STATUS status=$(json_string status "$BODY") latest_revision_state=$(json_string latest_revision_state "$BODY")"

step "The operator approves it: it is published"
req "POST /v1/registry/services/$SERVICE_ID/approve  (operator token)"
send POST "/v1/registry/services/$SERVICE_ID/approve" "$OPERATOR" 200
ans "$STATUS status=$(json_string status "$BODY") live_revision=$(json_scalar live_revision "$BODY")"

# ---------------------------------------------------------------------------------------------------- 5. dispatch
step "A citizen's call reaches the tiny agency through the gateway"
req "GET /s/$CODE/appointments/today?dept=cardiology  (no token: the service is anonymous)"
say "polling until the gateway has the route (a change reaches every gateway within about a second) ..."
until_status 30 200 '"agency":"tiny-agency"' "/s/$CODE/appointments/today?dept=cardiology" -H 'X-Request-Id: walkthrough-call-1'
ans "$STATUS from the tiny agency: $BODY"
say "the agency received path=$(json_string path "$BODY") x-request-id=$(json_string x-request-id "$BODY") x-forwarded-prefix=$(json_string x-forwarded-prefix "$BODY")"

# ---------------------------------------------------------------------------------------------------- 6. catalog
# find_in_catalog LANGUAGE TERM: pages through the catalog search until $CODE appears; prints its display name.
find_in_catalog() {
  local language=$1 term=$2 cursor="" page=0 name
  while [ "$page" -lt 100 ]; do
    page=$((page + 1))
    call GET "/v1/catalog/services?q=$(urlencode "$term")&limit=200${cursor:+&cursor=$cursor}" -H "Accept-Language: $language"
    expect 200
    if [[ "$BODY" == *"\"code\":\"$CODE\""* ]]; then
      name=${BODY#*\"code\":\"$CODE\"}
      json_string display_name "$name"
      return 0
    fi
    cursor=$(json_string next_cursor "$BODY")
    [ -n "$cursor" ] || break
  done
  fail "$CODE is not in the catalog for q=$term ($language)" "$BODY"
}
step "Citizens find it in the catalog, in Chinese and in English (no login)"
req "GET /v1/catalog/services?q=$(urlencode 挂号)   (q=挂号, Accept-Language: zh-CN)"
FOUND=$(find_in_catalog zh-CN 挂号)
ans "found $CODE: display_name=$FOUND"
req "GET /v1/catalog/services?q=registration   (Accept-Language: en)"
FOUND=$(find_in_catalog en registration)
ans "found $CODE: display_name=$FOUND"

# ---------------------------------------------------------------------------------------------------- 7. suspend
step "The operator suspends it: citizens get a 404 problem in their language"
req "POST /v1/registry/services/$SERVICE_ID/suspend  {\"reason\": \"系统维护 / maintenance\"}  (operator token)"
send POST "/v1/registry/services/$SERVICE_ID/suspend" "$OPERATOR" 200 '{"reason": "系统维护 / maintenance"}'
ans "$STATUS status=$(json_string status "$BODY") status_reason=\"$(json_string status_reason "$BODY")\""
req "GET /s/$CODE/appointments/today   (Accept-Language: zh-CN)"
until_status 30 404 '"service_suspended"' "/s/$CODE/appointments/today" -H 'Accept-Language: zh-CN'
ans "$STATUS code=$(json_string code "$BODY") detail=$(json_string detail "$BODY")"
req "GET /s/$CODE/appointments/today   (Accept-Language: en)"
call GET "/s/$CODE/appointments/today" -H 'Accept-Language: en'
expect 404
ans "$STATUS code=$(json_string code "$BODY") detail=$(json_string detail "$BODY")"

# ---------------------------------------------------------------------------------------------------- 8. resume
step "The operator resumes it: it answers again"
req "POST /v1/registry/services/$SERVICE_ID/resume  (operator token)"
send POST "/v1/registry/services/$SERVICE_ID/resume" "$OPERATOR" 200
ans "$STATUS status=$(json_string status "$BODY")"
req "GET /s/$CODE/appointments/today"
until_status 30 200 '"agency":"tiny-agency"' "/s/$CODE/appointments/today"
ans "$STATUS from the tiny agency: method=$(json_string method "$BODY") path=$(json_string path "$BODY")"

printf '\nWalkthrough complete: %s (%s) is published and answering at %s/s/%s/appointments/...\n' \
  "$CODE" "$SERVICE_ID" "$GATEWAY" "$CODE"
echo "It stays published; the operator can retire it: POST /v1/registry/services/$SERVICE_ID/retire {\"reason\": \"…\"}"
echo "The whole agency guide: docs/agency-guide.md"
