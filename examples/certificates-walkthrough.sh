#!/usr/bin/env bash
# Electronic certificates on a running all-in-one, through the gateway, as an agency and a citizen do it:
#   the agency publishes a citizen service (a tiny local system this script starts) -> a citizen signs in and uses
#   it, so the agency learns the citizen's pairwise sub -> the agency registers a credential type (its claims, which
#   are selectively disclosable, names in zh-CN and en) and issues a credential to that sub (Idempotency-Key) -> the
#   citizen sees it in the wallet in their language and downloads the SD-JWT VC -> the agency asks for two claims with
#   a purpose (a DCQL query) -> the citizen sees what is asked and by whom and approves -> the agency gets a
#   presentation holding exactly those two disclosures and verifies it; the same presentation again, a tampered one
#   and one made for another agency are refused; a request the citizen declines gives the agency nothing ->
#   the citizen shows the credential in person with a single-use QR token -> the agency revokes it: the public status
#   list says so and a presentation made before fails -> the citizen's access log shows every use.
#
#   terminal 1:  set -a; . examples/walkthrough.env; set +a; ./civicstack
#   terminal 2:  examples/certificates-walkthrough.sh
#
# The sign-in needs the SMS code the all-in-one prints on its console (terminal 1):
#   WARN ... LOCAL SMS ... login code for +86 138****8011 is 123456
# type it when asked (one line on standard input), or set CIVICSTACK_WALKTHROUGH_CODE.
# Settings: CIVICSTACK_GATEWAY_URL (default http://localhost:8080), CIVICSTACK_WALKTHROUGH_ENV (default
# examples/walkthrough.env), CIVICSTACK_WALKTHROUGH_MOBILE (default 13800138011). Needs bash, curl, openssl, a JDK.
# Re-runnable against the same platform. Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
ENV_FILE=${CIVICSTACK_WALKTHROUGH_ENV:-$HERE/walkthrough.env}
MOBILE=${CIVICSTACK_WALKTHROUGH_MOBILE:-13800138011}
WAIT_SECONDS=${CIVICSTACK_WALKTHROUGH_WAIT_SECONDS:-60}
APP=walkthrough-city-app
REDIRECT=http://127.0.0.1:18491/callback
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-certificates.XXXXXX")
cleanup() {
  stop_tiny_agency
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
. "$HERE/walkthrough-lib.sh"

OPERATOR_N=$(client_index operator registry:review) \
  || fail "no operator client with registry:review in the environment or $ENV_FILE"
AGENCY_N=$(client_index agency certificates:issue) \
  || fail "no agency client with certificates:types, certificates:issue and certificates:verify in the environment or $ENV_FILE"
[ -n "$(client_setting "$AGENCY_N" AGENCYID)" ] \
  || fail "the agency client needs its agency id (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_${AGENCY_N}_AGENCYID)"
UPSTREAM_PORT=${CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS:-}
UPSTREAM_PORT=${UPSTREAM_PORT%%,*}
UPSTREAM_PORT=${UPSTREAM_PORT// /}
[[ "$UPSTREAM_PORT" =~ ^[0-9]+$ ]] || fail "CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS names no port (see $ENV_FILE)"
RUN=$(date +%Y%m%d%H%M%S)-$((RANDOM % 1000))
CODE="sz-health-check-$RUN"
TYPE="health_certificate_${RUN//-/_}"
# disclosed PRESENTATION: the claim names of its disclosures (base64url JSON arrays [salt, name, value])
disclosed() {
  local part names=""
  IFS='~' read -ra parts <<<"$1"
  for part in "${parts[@]:1}"; do
    case "$part" in '' | *.*.*) continue ;; esac
    local padded=$part
    while [ $(( ${#padded} % 4 )) -ne 0 ]; do padded="$padded="; done
    names="$names $(printf '%s' "$padded" | tr '_-' '/+' | openssl base64 -d -A | sed -e 's/^\["[^"]*","\([^"]*\)".*/\1/')"
  done
  printf '%s' "${names# }"
}

echo "CivicStack certificates walkthrough against $GATEWAY (settings: $ENV_FILE)"

step "Tokens (client credentials) for the operator and the agency"
OPERATOR=$(token "$OPERATOR_N")
AGENCY=$(token "$AGENCY_N")
AGENCY_ID=$(json_string agency_id "$(claims_of "$AGENCY")")
say "the agency's token says which agency it acts for: agency_id=$AGENCY_ID, scope=$(json_string scope "$(claims_of "$AGENCY")")"

step "The agency's system: a tiny local server on 127.0.0.1:$UPSTREAM_PORT"
start_tiny_agency "$UPSTREAM_PORT"

step "The operator registers the agency (once) and the agency publishes a citizen service, $CODE"
register_agency "$OPERATOR" "$AGENCY_N"
SERVICE_BODY=$(cat <<EOF
{"code": "$CODE", "definition": {
  "name": {"zh_cn": "健康证办理（演示 $RUN）", "en": "Health certificate (walkthrough $RUN)"},
  "description": {"zh_cn": "从业人员健康证明", "en": "Health certificates for food workers"},
  "category": "medical_health", "tags": ["健康证"], "audience": "citizen", "districts": [], "city_wide": true,
  "upstream": {"base_url": "http://127.0.0.1:$UPSTREAM_PORT/his", "allowed_methods": ["GET"], "path_prefixes": ["/checks"],
               "timeout_ms": 3000, "max_body_bytes": 65536, "health_check_path": "/health", "retry_attempts": 1},
  "access": {"level": "citizen", "min_assurance_level": 1, "scopes": []},
  "rate_limits": {"per_citizen": {"requests_per_second": 5, "burst": 10},
                  "per_service": {"requests_per_second": 200, "burst": 400}},
  "circuit_breaker": {"failure_rate_threshold": 50, "slow_call_ms": 2000, "minimum_calls": 20,
                      "open_seconds": 30, "max_concurrent_calls": 100},
  "version": "1.0.0"}}
EOF
)
send POST /v1/registry/services "$AGENCY" 201 "$SERVICE_BODY"
SERVICE_ID=$(json_string id "$BODY")
send POST "/v1/registry/services/$SERVICE_ID/submit" "$AGENCY" 200
send POST "/v1/registry/services/$SERVICE_ID/approve" "$OPERATOR" 200
ans "$STATUS $SERVICE_ID status=$(json_string status "$BODY")"
until_status 30 401 '' "/s/$CODE/checks"

step "A citizen signs in with the city app ($MOBILE) and uses the service: the agency learns its pairwise sub"
citizen_sign_in "$APP" "$REDIRECT" "$MOBILE" "openid offline_access"
until_status 30 200 '"assertion_sub"' "/s/$CODE/checks" -H "Authorization: Bearer $CITIZEN_ACCESS"
SUBJECT=$(json_string assertion_sub "$BODY")
ans "$STATUS the agency knows this citizen as sub=$SUBJECT"

step "The agency registers a credential type: $TYPE"
TYPE_BODY=$(cat <<EOF
{"id": "$TYPE", "name": {"zh-CN": "健康证明", "en": "Health certificate"},
 "description": {"zh-CN": "食品从业人员健康证明", "en": "Health certificate for food workers"},
 "validity_days": 365, "display": {"background_color": "#2E7D32", "text_color": "#FFFFFF"},
 "claims": [
   {"name": "full_name", "type": "string", "display": {"zh-CN": "姓名", "en": "Name"}},
   {"name": "birth_date", "type": "date", "display": {"zh-CN": "出生日期", "en": "Date of birth"}},
   {"name": "examined_on", "type": "date", "display": {"zh-CN": "体检日期", "en": "Examined on"}},
   {"name": "fit_for_food_work", "type": "boolean", "display": {"zh-CN": "适合从事食品工作", "en": "Fit for food work"}},
   {"name": "certificate_number", "type": "string", "disclosable": false, "display": {"zh-CN": "证号", "en": "Certificate number"}}]}
EOF
)
req "POST /v1/certificates/types  (certificates:types)"
send POST /v1/certificates/types "$AGENCY" 201 "$TYPE_BODY"
TYPE_VCT=$(json_string vct "$BODY")
ans "$STATUS vct=$TYPE_VCT"
call GET "/v1/certificates/types/$TYPE"
expect 200
ans "$STATUS anyone reads the type's metadata at its vct, without a token: $(grep -oE '"sd":"[a-z]+"' <<<"$BODY" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"

step "The agency issues a health certificate to sub=$SUBJECT, with an Idempotency-Key"
KEY="walkthrough-$RUN"
ISSUE_BODY=$(cat <<EOF
{"type": "$TYPE", "subject": "$SUBJECT",
 "claims": {"full_name": "林晓华", "birth_date": "1992-06-18", "examined_on": "2026-11-20", "fit_for_food_work": true,
            "certificate_number": "SZJK-2026-$RUN"}}
EOF
)
req "POST /v1/certificates/credentials  Idempotency-Key: $KEY  (certificates:issue)"
keyed POST /v1/certificates/credentials "$AGENCY" "$KEY" 201 "$ISSUE_BODY"
CREDENTIAL=$(json_string id "$BODY")
ans "$STATUS id=$CREDENTIAL status=$(json_string status "$BODY") expires_at=$(json_string expires_at "$BODY") (no claim values in the answer)"
keyed POST /v1/certificates/credentials "$AGENCY" "$KEY" 201 "$ISSUE_BODY"
[ "$(json_string id "$BODY")" = "$CREDENTIAL" ] || fail "a replay issued another credential" "$BODY"
ans "$STATUS the retry replays the first answer (Idempotent-Replayed: $(last_header idempotent-replayed))"

step "Many at once: the batch form is all or nothing"
NOBODY=$(printf 'nobody%016d' "$RANDOM")   # a well-formed pairwise sub (22 characters) no citizen has
BATCH_BODY=$(cat <<EOF
{"credentials": [
  {"type": "$TYPE", "subject": "$SUBJECT", "claims": {"full_name": "林晓华", "birth_date": "1992-06-18",
   "examined_on": "2026-11-20", "fit_for_food_work": true, "certificate_number": "SZJK-2026-$RUN-B"}},
  {"type": "$TYPE", "subject": "$NOBODY", "claims": {"full_name": "无此人", "birth_date": "1990-01-01",
   "examined_on": "2026-11-20", "fit_for_food_work": true, "certificate_number": "SZJK-2026-$RUN-C"}}]}
EOF
)
req "POST /v1/certificates/credentials/batch  Idempotency-Key: batch-$KEY  (up to 500 items)"
keyed POST /v1/certificates/credentials/batch "$AGENCY" "batch-$KEY" 422 "$BATCH_BODY"
ans "$STATUS $(json_string code "$BODY"): $(json_string detail "$BODY") $(grep -oE '"field":"[^"]*","code":"[^"]*"' <<<"$BODY" | sed -e 's/"field":"\([^"]*\)","code":"\([^"]*\)"/\1 \2/' | tr '\n' ' ')"
ans "(a batch of known citizens answers 201 with every credential; one item that cannot be issued issues none)"

step "The citizen's wallet, in English and in Chinese"
call GET /v1/certificates/me/credentials -H "Authorization: Bearer $CITIZEN_ACCESS" -H 'Accept-Language: zh-CN'
expect 200
ans "$STATUS $(json_string type_name "$BODY") status=$(json_string status "$BODY")"
call GET "/v1/certificates/me/credentials/$CREDENTIAL" -H "Authorization: Bearer $CITIZEN_ACCESS" -H 'Accept-Language: en'
expect 200
ans "$STATUS $(json_string type_name "$BODY"): $(grep -oE '"label":"[^"]*","value":[^,]*' <<<"$BODY" | sed -e 's/"label":"\([^"]*\)","value":/\1=/' | tr '\n' ' ')"
call GET "/v1/certificates/me/credentials/$CREDENTIAL/sd-jwt" -H "Authorization: Bearer $CITIZEN_ACCESS"
expect 200
ans "$STATUS the SD-JWT VC to download: $(printf '%s' "$BODY" | cut -c1-40)… with disclosures of: $(disclosed "$BODY")"

step "The agency asks the citizen for two claims, saying why (a DCQL query)"
REQUEST_BODY=$(cat <<EOF
{"subject": "$SUBJECT", "purpose": {"zh-CN": "核验从业健康证明", "en": "To check your health certificate for a food stall permit"},
 "dcql_query": {"credentials": [{"id": "health", "format": "dc+sd-jwt",
   "meta": {"vct_values": ["$TYPE_VCT"]},
   "claims": [{"path": ["full_name"]}, {"path": ["fit_for_food_work"]}]}]}}
EOF
)
req "POST /v1/certificates/presentation-requests  (certificates:verify)"
send POST /v1/certificates/presentation-requests "$AGENCY" 201 "$REQUEST_BODY"
REQUEST=$(json_string id "$BODY")
NONCE=$(json_string nonce "$BODY")
ans "$STATUS id=$REQUEST status=$(json_string status "$BODY") nonce=$NONCE audience=$(json_string audience "$BODY")"

step "The citizen sees what is asked, by whom and why, and approves"
call GET /v1/certificates/me/presentation-requests -H "Authorization: Bearer $CITIZEN_ACCESS" -H 'Accept-Language: en'
expect 200
[[ "$BODY" == *"\"$REQUEST\""* ]] || fail "the request is not among the citizen's waiting requests" "$BODY"
ans "$STATUS from $(json_string agency_name "$BODY") ($(json_string agency_id "$BODY")): \"$(json_string purpose "$BODY")\" asks for: $(grep -oE '"claims":\[[^]]*\]' <<<"$BODY" | head -n 1 | grep -oE '"label":"[^"]*"' | cut -d'"' -f4 | tr '\n' ',' | sed 's/,$//'); always visible: $(grep -oE '"also_visible":\[[^]]*\]' <<<"$BODY" | head -n 1 | grep -oE '"label":"[^"]*"' | cut -d'"' -f4 | tr '\n' ',' | sed 's/,$//')"
req "POST /v1/certificates/me/presentation-requests/$REQUEST/approve  {\"credentials\": {\"health\": \"$CREDENTIAL\"}}"
send POST "/v1/certificates/me/presentation-requests/$REQUEST/approve" "$CITIZEN_ACCESS" 200 "{\"credentials\": {\"health\": \"$CREDENTIAL\"}}"
ans "$STATUS status=$(json_string status "$BODY") consent_id=$(json_string consent_id "$BODY")"

step "The agency receives exactly the approved claims and verifies them"
send GET "/v1/certificates/presentation-requests/$REQUEST" "$AGENCY" 200
PRESENTATION=$(json_string health "$(grep -oE '"vp_token":\{[^}]*\}' <<<"$BODY")")
[ -n "$PRESENTATION" ] || fail "no vp_token" "$BODY"
ans "$STATUS vp_token.health disclosures: $(disclosed "$PRESENTATION") (birth_date and examined_on stay with the citizen)"
[ "$(disclosed "$PRESENTATION")" = "full_name fit_for_food_work" ] || fail "the presentation discloses more or less than approved"
req "POST /v1/certificates/verifications  {presentation, nonce}"
send POST /v1/certificates/verifications "$AGENCY" 200 "{\"presentation\": \"$PRESENTATION\", \"nonce\": \"$NONCE\"}"
ans "$STATUS valid=$(json_scalar valid "$BODY") claims=$(grep -oE '"claims":\{[^}]*\}' <<<"$BODY" | cut -c10-)"
say "the same presentation a second time (a replay) is refused:"
send POST /v1/certificates/verifications "$AGENCY" 422 "{\"presentation\": \"$PRESENTATION\", \"nonce\": \"$NONCE\"}"
ans "$STATUS code=$(json_string code "$BODY")"

say "a tampered presentation (one character of the issuer's signature changed) and one made for another agency fail:"
SIG=${PRESENTATION%%~*}
AT=$((${#SIG} - 10))
if [ "${SIG:$AT:1}" = A ]; then SWAP=B; else SWAP=A; fi
TAMPERED="${SIG:0:$AT}$SWAP${SIG:$AT+1}~${PRESENTATION#*~}"
send POST /v1/certificates/verifications "$AGENCY" 422 "{\"presentation\": \"$TAMPERED\", \"nonce\": \"$NONCE\"}"
ans "$STATUS code=$(json_string code "$BODY")"
send POST "/v1/certificates/me/credentials/$CREDENTIAL/presentations" "$CITIZEN_ACCESS" 200 \
  "{\"audience\": \"agy_sz_market_regulation\", \"nonce\": \"elsewhere-$RUN\", \"claims\": [\"full_name\"]}"
send POST /v1/certificates/verifications "$AGENCY" 422 "{\"presentation\": \"$(json_string presentation "$BODY")\", \"nonce\": \"elsewhere-$RUN\"}"
ans "$STATUS code=$(json_string code "$BODY")"

step "Another request, which the citizen declines: the agency gets nothing"
send POST /v1/certificates/presentation-requests "$AGENCY" 201 "$REQUEST_BODY"
DECLINED=$(json_string id "$BODY")
send POST "/v1/certificates/me/presentation-requests/$DECLINED/decline" "$CITIZEN_ACCESS" 200
send GET "/v1/certificates/presentation-requests/$DECLINED" "$AGENCY" 200
[[ "$BODY" != *'"vp_token"'* ]] || fail "a declined request carries a presentation" "$BODY"
ans "$STATUS status=$(json_string status "$BODY"), no vp_token"

step "In person: the citizen shows a single-use QR token; the agency's inspector scans it"
send POST "/v1/certificates/me/credentials/$CREDENTIAL/qr" "$CITIZEN_ACCESS" 201 '{"claims": ["fit_for_food_work"]}'
QR=$(json_string token "$BODY")
ans "$STATUS token=${QR:0:12}… expires_at=$(json_string expires_at "$BODY")"
send POST /v1/certificates/qr-verifications "$AGENCY" 200 "{\"token\": \"$QR\"}"
ans "$STATUS valid=$(json_scalar valid "$BODY") claims=$(grep -oE '"claims":\{[^}]*\}' <<<"$BODY" | cut -c10-)"
send POST /v1/certificates/qr-verifications "$AGENCY" 409 "{\"token\": \"$QR\"}"
ans "$STATUS code=$(json_string code "$BODY") (single use)"

step "The agency revokes the certificate: the public status list says so, and old presentations fail"
send POST "/v1/certificates/me/credentials/$CREDENTIAL/presentations" "$CITIZEN_ACCESS" 200 \
  "{\"audience\": \"$AGENCY_ID\", \"nonce\": \"offline-$RUN\", \"claims\": [\"full_name\"]}"
OFFLINE=$(json_string presentation "$BODY")
send POST "/v1/certificates/credentials/$CREDENTIAL/revoke" "$AGENCY" 200 '{"reason": "examination_withdrawn"}'
ans "$STATUS status=$(json_string status "$BODY") status_list=$(json_string uri "$(grep -oE '"status_list":\{[^}]*\}' <<<"$BODY")")"
LIST_PATH=$(json_string uri "$(grep -oE '"status_list":\{[^}]*\}' <<<"$BODY")" | sed -e "s#^https\?://[^/]*##")
call GET "$LIST_PATH" -D "$WORK/headers"
expect 200
ans "$STATUS $(last_header content-type), $(last_header cache-control): a verifier caches it and checks offline"
send POST /v1/certificates/verifications "$AGENCY" 422 "{\"presentation\": \"$OFFLINE\", \"nonce\": \"offline-$RUN\"}"
ans "$STATUS code=$(json_string code "$BODY")"

step "The citizen's access log: who used the certificate, when, which claims, for what"
call GET "/v1/certificates/me/access-log?credential=$CREDENTIAL" -H "Authorization: Bearer $CITIZEN_ACCESS"
expect 200
ans "$STATUS $(grep -oE '"kind":"[a-z_]+"' <<<"$BODY" | cut -d'"' -f4 | tr '\n' ' ')"

echo
echo "Certificates walkthrough complete."
