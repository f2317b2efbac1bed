#!/usr/bin/env bash
# Taking money on a running all-in-one, through the gateway, as an agency and a citizen do it:
#   the agency publishes a citizen service (a tiny local system this script starts) -> a citizen signs in and uses it,
#   so the agency learns the citizen's pairwise sub -> the agency opens its merchant account (settlement, webhook URL),
#   an account at the sandbox payment provider, and makes out an order for that sub (Idempotency-Key; a replay gives
#   the same order, a changed request is refused) -> the citizen sees it in the app's cashier, pays through the
#   sandbox, presses "pay" on the provider's checkout -> the provider's signed notification settles it -> receipt;
#   the agency sees it succeeded and receives one signed webhook -> a partial refund, an over-refund refused -> the
#   operator proves the ledger balances.
#
#   terminal 1:  set -a; . examples/walkthrough.env; set +a; ./civicstack
#   terminal 2:  examples/payments-walkthrough.sh
#
# The sign-in needs the SMS code the all-in-one prints on its console (terminal 1):
#   WARN ... LOCAL SMS ... login code for +86 138****8010 is 123456
# type it when asked (one line on standard input), or set CIVICSTACK_WALKTHROUGH_CODE.
# Settings: CIVICSTACK_GATEWAY_URL (default http://localhost:8080), CIVICSTACK_WALKTHROUGH_ENV (default
# examples/walkthrough.env), CIVICSTACK_WALKTHROUGH_MOBILE (default 13800138010). Needs bash, curl, openssl, a JDK.
# Re-runnable against the same platform. Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
ENV_FILE=${CIVICSTACK_WALKTHROUGH_ENV:-$HERE/walkthrough.env}
MOBILE=${CIVICSTACK_WALKTHROUGH_MOBILE:-13800138010}
WAIT_SECONDS=${CIVICSTACK_WALKTHROUGH_WAIT_SECONDS:-60}
APP=walkthrough-city-app
REDIRECT=http://127.0.0.1:18491/callback
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-payments.XXXXXX")
cleanup() {
  stop_tiny_agency
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
. "$HERE/walkthrough-lib.sh"

OPERATOR_N=$(client_index operator payments:operate) \
  || fail "no operator client with payments:operate (and registry:review) in the environment or $ENV_FILE"
AGENCY_N=$(client_index agency payments:create) \
  || fail "no agency client with payments:create (and registry:write) in the environment or $ENV_FILE"
[ -n "$(client_setting "$AGENCY_N" AGENCYID)" ] \
  || fail "the agency client needs its agency id (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_${AGENCY_N}_AGENCYID): payments knows agencies by it"
UPSTREAM_PORT=${CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS:-}
UPSTREAM_PORT=${UPSTREAM_PORT%%,*}
UPSTREAM_PORT=${UPSTREAM_PORT// /}
[[ "$UPSTREAM_PORT" =~ ^[0-9]+$ ]] || fail "CIVICSTACK_UPSTREAMNETWORK_LOOPBACKPORTS names no port (see $ENV_FILE)"
RUN=$(date +%Y%m%d%H%M%S)-$((RANDOM % 1000))
CODE="sz-clinic-fees-$RUN"
# provider: a call straight to the sandbox payment provider (a third party: not through the gateway)
provider() {
  local method=$1 url=$2
  shift 2
  STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 30 -X "$method" -H 'Content-Type: application/json' \
    "$@" "$url" 2>"$WORK/curl-error") || STATUS=000
  BODY=$(cat "$WORK/body" 2>/dev/null || cat "$WORK/curl-error")
}

echo "CivicStack payments walkthrough against $GATEWAY (settings: $ENV_FILE)"

step "Tokens (client credentials) for the operator and the agency"
OPERATOR=$(token "$OPERATOR_N")
AGENCY=$(token "$AGENCY_N")
say "the agency's token says which agency it acts for: agency_id=$(json_string agency_id "$(claims_of "$AGENCY")")"

step "The agency's system: a tiny local server on 127.0.0.1:$UPSTREAM_PORT"
start_tiny_agency "$UPSTREAM_PORT"

step "The operator registers the agency (once) and the agency publishes a citizen service, $CODE"
register_agency "$OPERATOR" "$AGENCY_N"
SERVICE_BODY=$(cat <<EOF
{"code": "$CODE", "definition": {
  "name": {"zh_cn": "门诊缴费（演示 $RUN）", "en": "Clinic fees (walkthrough $RUN)"},
  "description": {"zh_cn": "门诊费用在线缴纳", "en": "Pay clinic fees online"},
  "category": "medical_health", "tags": ["缴费", "hospital"], "audience": "citizen", "districts": [], "city_wide": true,
  "upstream": {"base_url": "http://127.0.0.1:$UPSTREAM_PORT/his", "allowed_methods": ["GET"], "path_prefixes": ["/bills"],
               "timeout_ms": 3000, "max_body_bytes": 65536, "health_check_path": "/health", "retry_attempts": 1},
  "access": {"level": "citizen", "min_assurance_level": 1, "scopes": []},
  "rate_limits": {"per_citizen": {"requests_per_second": 5, "burst": 10},
                  "per_service": {"requests_per_second": 200, "burst": 400}},
  "circuit_breaker": {"failure_rate_threshold": 50, "slow_call_ms": 2000, "minimum_calls": 20,
                      "open_seconds": 30, "max_concurrent_calls": 100},
  "version": "1.0.0"}}
EOF
)
req "POST /v1/registry/services  (agency token; access: citizen, level 1)"
send POST /v1/registry/services "$AGENCY" 201 "$SERVICE_BODY"
SERVICE_ID=$(json_string id "$BODY")
send POST "/v1/registry/services/$SERVICE_ID/submit" "$AGENCY" 200
send POST "/v1/registry/services/$SERVICE_ID/approve" "$OPERATOR" 200
ans "$STATUS $SERVICE_ID status=$(json_string status "$BODY")"
say "polling until the gateway routes it (without a citizen token it asks for one: 401) ..."
until_status 30 401 '' "/s/$CODE/bills"

step "A citizen signs in with the city app ($MOBILE)"
citizen_sign_in "$APP" "$REDIRECT" "$MOBILE" "openid offline_access"

step "The citizen opens the service: the agency gets the gateway's assertion, never the citizen's token"
req "GET /s/$CODE/bills  (citizen token)"
until_status 30 200 '"assertion_sub"' "/s/$CODE/bills" -H "Authorization: Bearer $CITIZEN_ACCESS"
SUBJECT=$(json_string assertion_sub "$BODY")
ans "$STATUS the agency knows this citizen as sub=$SUBJECT (pairwise: another agency gets another value)"

step "The agency opens its merchant account: settlement details and where its webhooks go"
MERCHANT_BODY=$(cat <<EOF
{"display_name": "深圳市卫生健康委员会 Shenzhen Health Commission",
 "settlement": {"account_name": "深圳市卫生健康委员会", "bank_name": "中国银行深圳分行", "account_number": "6216601234567890"},
 "webhook_url": "http://127.0.0.1:$UPSTREAM_PORT/webhooks/payments"}
EOF
)
req "PUT /v1/payments/merchant  (agency token, payments:merchant)"
send PUT /v1/payments/merchant "$AGENCY" "200 201" "$MERCHANT_BODY"
if [ "$STATUS" = 201 ]; then
  ans "$STATUS created; webhook_secret=$(json_string webhook_secret "$BODY" | cut -c1-12)… (shown once: verify webhooks with it)"
else
  ans "$STATUS updated (created by an earlier run; its webhook secret was shown then, POST …/webhook-secret/rotate makes a new one)"
fi

step "The agency opens an account at the sandbox payment provider and enters it"
req "GET /v1/payments/merchant/channels"
send GET /v1/payments/merchant/channels "$AGENCY" 200
PORTAL=$(json_string merchant_portal "$(grep -oE '\{"channel":"sandbox"[^}]*' <<<"$BODY")")
[ -n "$PORTAL" ] || fail "this platform offers no sandbox channel" "$BODY"
ans "$STATUS channels offered: $(grep -oE '"channel":"[a-z_]+"' <<<"$BODY" | sed 's/"channel"://' | tr '\n' ' ')— sandbox accounts at $PORTAL"
req "POST $PORTAL/v1/merchants  (at the provider, as its own merchant onboarding)"
provider POST "$PORTAL/v1/merchants" -d '{}'
expect 200 201
MERCHANT_ID=$(json_string merchant_id "$BODY")
ans "$STATUS merchant_id=$MERCHANT_ID api_key=… provider_public_key=…"
ACCOUNT_BODY="{\"merchant_id\": \"$MERCHANT_ID\", \"properties\": {\"api_key\": \"$(json_string api_key "$BODY")\", \"provider_public_key\": \"$(json_string provider_public_key "$BODY")\"}}"
req "PUT /v1/payments/merchant/channels/sandbox  {merchant_id, properties: {api_key, provider_public_key}}"
send PUT /v1/payments/merchant/channels/sandbox "$AGENCY" 200 "$ACCOUNT_BODY"
ans "$STATUS enabled=$(json_scalar enabled "$BODY") secret_properties_set=$(grep -oE '"secret_properties_set":\[[^]]*\]' <<<"$BODY" | cut -d: -f2) notification_url=$(json_string notification_url "$BODY")"

step "The agency makes out an order for the citizen (25.00 CNY), with an Idempotency-Key"
KEY="walkthrough-$RUN"
ORDER_BODY=$(cat <<EOF
{"reference": "FEE-$RUN", "citizen_subject": "$SUBJECT", "amount": 2500, "currency": "CNY",
 "description": "门诊缴费 clinic fees",
 "line_items": [{"name": "挂号费", "unit_amount": 2000, "quantity": 1}, {"name": "诊金", "unit_amount": 500, "quantity": 1}]}
EOF
)
req "POST /v1/payments/orders  Idempotency-Key: $KEY  (payments:create)"
keyed POST /v1/payments/orders "$AGENCY" "$KEY" 201 "$ORDER_BODY"
ORDER_ID=$(json_string id "$BODY")
ans "$STATUS id=$ORDER_ID status=$(json_string status "$BODY") amount=$(json_scalar amount "$BODY") expires_at=$(json_string expires_at "$BODY")"
say "the same request again (a retry after a lost answer) replays the first answer:"
keyed POST /v1/payments/orders "$AGENCY" "$KEY" 201 "$ORDER_BODY"
[ "$(json_string id "$BODY")" = "$ORDER_ID" ] || fail "a replay made another order" "$BODY"
ans "$STATUS id=$(json_string id "$BODY") (the same order) Idempotent-Replayed: $(last_header idempotent-replayed)"
say "the same key with a different request (another description) is refused:"
keyed POST /v1/payments/orders "$AGENCY" "$KEY" 422 "${ORDER_BODY/clinic fees/clinic fees, changed}"
ans "$STATUS code=$(json_string code "$BODY")"

step "In the app's cashier: the citizen's payable orders, then pay with the sandbox channel"
req "GET /v1/payments/me/orders?status=created,pending  (citizen token)"
call GET "/v1/payments/me/orders?status=created,pending" -H "Authorization: Bearer $CITIZEN_ACCESS"
expect 200
[[ "$BODY" == *"\"$ORDER_ID\""* ]] || fail "the order is not among the citizen's payable orders" "$BODY"
ans "$STATUS the order $ORDER_ID is there"
call GET "/v1/payments/me/orders/$ORDER_ID" -H "Authorization: Bearer $CITIZEN_ACCESS"
expect 200
ans "$STATUS agency_name=\"$(json_string agency_name "$BODY")\" $(grep -oE '"channels":\[[^]]*\]' <<<"$BODY") amount=$(json_scalar amount "$BODY")"
req "POST /v1/payments/me/orders/$ORDER_ID/pay  {\"channel\": \"sandbox\", \"scene\": \"app\"}"
send POST "/v1/payments/me/orders/$ORDER_ID/pay" "$CITIZEN_ACCESS" 200 '{"channel": "sandbox", "scene": "app"}'
CHECKOUT=$(json_string checkout_url "$BODY")
PROVIDER_ORDER=$(json_string order_id "$BODY")
ans "$STATUS status=$(json_string status "$BODY") app_parameters: checkout_url=$CHECKOUT"

step "The app opens the provider's checkout and the citizen presses \"pay\""
req "POST $PORTAL/v1/checkout/$PROVIDER_ORDER/pay  {\"outcome\": \"succeed\"}"
provider POST "$PORTAL/v1/checkout/$PROVIDER_ORDER/pay" -d '{"outcome": "succeed"}'
expect 200
ans "$STATUS $BODY"
say "the provider sends its signed notification to payments; the app polls the order:"
until_status 30 200 '"status":"succeeded"' "/v1/payments/me/orders/$ORDER_ID" -H "Authorization: Bearer $CITIZEN_ACCESS"
ans "$STATUS status=succeeded"
call GET "/v1/payments/me/orders/$ORDER_ID/receipt" -H "Authorization: Bearer $CITIZEN_ACCESS"
expect 200
ans "$STATUS receipt: $(json_string amount_display "$BODY") $(json_string currency "$BODY") via $(json_string channel "$BODY"), channel_transaction_id=$(json_string channel_transaction_id "$BODY"), paid_at=$(json_string paid_at "$BODY")"

step "The agency sees it paid, and its system got one signed webhook"
send GET "/v1/payments/orders/$ORDER_ID" "$AGENCY" 200
ans "$STATUS status=$(json_string status "$BODY") fee=$(json_scalar fee "$BODY") channel_transaction_id=$(json_string channel_transaction_id "$BODY")"
req "GET /v1/payments/webhook-events  (payments:read)"
until_status 30 200 '"status":"delivered"' "/v1/payments/webhook-events?status=delivered" -H "Authorization: Bearer $AGENCY"
ans "$STATUS $(grep -oE '"type":"payment.succeeded"' <<<"$BODY" | head -n 1) status=delivered attempts=$(json_scalar attempts "$BODY")"
deadline=$((SECONDS + 10))
until grep -q '^webhook ' "$WORK/tiny.log"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the tiny agency logged no webhook" "$(cat "$WORK/tiny.log")"
  sleep 0.2
done
ans "the tiny agency's console: $(grep '^webhook ' "$WORK/tiny.log" | head -n 1)"

step "The agency refunds 10.00 of it; a refund beyond what is left is refused"
keyed POST "/v1/payments/orders/$ORDER_ID/refunds" "$AGENCY" "refund-$RUN" 201 '{"amount": 1000, "reason": "检查取消 cancelled test"}'
REFUND_ID=$(json_string id "$BODY")
ans "$STATUS id=$REFUND_ID status=$(json_string status "$BODY") amount=$(json_scalar amount "$BODY")"
keyed POST "/v1/payments/orders/$ORDER_ID/refunds" "$AGENCY" "refund-too-much-$RUN" 422 '{"amount": 2000, "reason": "too much"}'
ans "$STATUS code=$(json_string code "$BODY") detail=$(json_string detail "$BODY")"
until_status 30 200 '"status":"succeeded"' "/v1/payments/orders/$ORDER_ID/refunds" -H "Authorization: Bearer $AGENCY"
ans "$STATUS refund $REFUND_ID succeeded at the channel"

step "The operator: the whole ledger balances (every transaction sums to zero)"
req "GET /v1/payments/ledger/check  (payments:operate)"
send GET /v1/payments/ledger/check "$OPERATOR" 200
[ "$(json_scalar balanced "$BODY")" = true ] || fail "the ledger does not balance" "$BODY"
ans "$STATUS $BODY"

printf '\nPayments walkthrough complete: order %s paid (25.00), refunded 10.00, webhook delivered, ledger balanced.\n' "$ORDER_ID"
echo "The whole payments guide: docs/payments.md"
