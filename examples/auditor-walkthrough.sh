#!/usr/bin/env bash
# The security auditor's journey on a running all-in-one, through the gateway only:
#   an operator's token calls the registry -> the auditor finds that token in the audit log, reads its whole life
#   and what is active for the client -> revokes the token -> the registry refuses it within a second -> its life
#   says revoked, by whom -> seal a signed checkpoint, export the log, the key and the checkpoints -> the OFFLINE
#   verifier (audit-verifier's CLI jar, no platform code) checks every entry, the chain and every checkpoint ->
#   identity runs the same checks itself.
#
#   terminal 1:  set -a; . examples/walkthrough.env; set +a; ./civicstack
#   terminal 2:  examples/auditor-walkthrough.sh
#
# Needs bash, curl and a JDK (the verifier jar is built by ./civicstack; run ./mvnw -q -pl audit-verifier package
# otherwise). Settings as examples/walkthrough.sh: CIVICSTACK_GATEWAY_URL, CIVICSTACK_WALKTHROUGH_ENV.
# Re-runnable. Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
ENV_FILE=${CIVICSTACK_WALKTHROUGH_ENV:-$HERE/walkthrough.env}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-auditor.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
. "$HERE/walkthrough-lib.sh"

AUDITOR_N=$(client_index operator audit:revoke) \
  || fail "no auditor client (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_CLIENTTYPE=operator with audit:read,audit:revoke) in the environment or $ENV_FILE"
OPERATOR_N=$(client_index operator registry:review) \
  || fail "no operator client (CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_CLIENTTYPE=operator with registry:review) in the environment or $ENV_FILE"
OPERATOR_ID=$(client_setting "$OPERATOR_N" CLIENTID)
VERIFIER_JAR=$(ls "$HERE"/../audit-verifier/target/audit-verifier-*-cli.jar 2>/dev/null | head -n 1 || true)
[ -n "$VERIFIER_JAR" ] || fail "no audit-verifier/target/audit-verifier-*-cli.jar: build it with ./mvnw -q -pl audit-verifier package"

echo "CivicStack auditor walkthrough against $GATEWAY (settings: $ENV_FILE)"

step "Tokens: the auditor's, and an operator's that calls the registry"
AUDITOR=$(token "$AUDITOR_N")
OPERATOR=$(token "$OPERATOR_N")
JTI=$(claims_of "$OPERATOR" | { grep -oE '"jti":"[^"]+"' || true; } | cut -d'"' -f4)
[ -n "$JTI" ] || fail "the operator's access token has no jti"
req "GET /v1/registry/agencies  (the operator's token, jti $JTI)"
send GET /v1/registry/agencies "$OPERATOR" 200
ans "$STATUS"

step "The audit log has the token's issue (the log reads identity's events within a moment)"
req "GET /v1/identity/audit/entries?jti=$JTI"
until_status 20 200 '"kind":"token_issued"' "/v1/identity/audit/entries?jti=$JTI" -H "Authorization: Bearer $AUDITOR"
ans "$STATUS first entry: index=$(json_scalar index "$BODY") kind=$(json_string kind "$BODY") client_id=$(json_string client_id "$BODY") grant_type=$(json_string grant_type "$BODY")"

step "The token's whole life, and what is active for its client"
req "GET /v1/identity/audit/tokens/$JTI"
send GET "/v1/identity/audit/tokens/$JTI" "$AUDITOR" 200
ans "$STATUS status=$(json_string status "$BODY") client_id=$(json_string client_id "$BODY") issued_at=$(json_string issued_at "$BODY") expires_at=$(json_string expires_at "$BODY")"
[ "$(json_string status "$BODY")" = active ] || fail "the token should be active" "$BODY"
req "GET /v1/identity/audit/active?client_id=$OPERATOR_ID"
send GET "/v1/identity/audit/active?client_id=$OPERATOR_ID" "$AUDITOR" 200
[[ "$BODY" == *"\"jti\":\"$JTI\""* ]] || fail "the token should be among the client's active tokens" "$BODY"
ans "$STATUS the token is among the client's active tokens"

step "Revoke it everywhere"
req "POST /v1/identity/audit/revocations {\"kind\":\"token\",\"value\":\"$JTI\",\"reason\":\"auditor walkthrough\"}"
send POST /v1/identity/audit/revocations "$AUDITOR" 201 "{\"kind\":\"token\",\"value\":\"$JTI\",\"reason\":\"auditor walkthrough\"}"
ans "$STATUS actor=$(json_string actor "$BODY") revoked_at=$(json_string revoked_at "$BODY")"

step "The registry refuses the revoked token (every service reads the revocation stream)"
req "GET /v1/registry/agencies  (the same operator token)"
started=$(date +%s%N)
until_status 5 401 'revoked' /v1/registry/agencies -H "Authorization: Bearer $OPERATOR"
ans "$STATUS $(json_string detail "$BODY")  (refused $(( ($(date +%s%N) - started) / 1000000 )) ms after the revocation answered)"

step "Its life now says revoked, and by which revocation"
send GET "/v1/identity/audit/tokens/$JTI" "$AUDITOR" 200
[ "$(json_string status "$BODY")" = revoked ] || fail "the token should be revoked" "$BODY"
ans "$STATUS status=revoked revoked_by: kind=$(json_string kind "$(grep -oE '"revoked_by":\{[^}]*\}' <<<"$BODY")") actor=$(json_string actor "$BODY") reason=$(json_string reason "$(grep -oE '"revoked_by":\{[^}]*\}' <<<"$BODY")")"

step "Seal a signed checkpoint now, and take the log away: key, checkpoints, entries"
req "POST /v1/identity/audit/checkpoints"
call POST /v1/identity/audit/checkpoints -H "Authorization: Bearer $AUDITOR"
expect 200
ans "$STATUS $(head -n 2 <<<"$BODY" | tr '\n' ' ')"
for part in key checkpoints; do
  req "GET /v1/identity/audit/$part"
  call GET "/v1/identity/audit/$part" -H "Authorization: Bearer $AUDITOR"
  expect 200
  printf '%s\n' "$BODY" >"$WORK/$part.txt"
done
ans "key: $(cat "$WORK/key.txt")"
req "GET /v1/identity/audit/export  (NDJSON, streamed)"
curl -sS --fail --max-time 120 -H "Authorization: Bearer $AUDITOR" -o "$WORK/entries.ndjson" "$GATEWAY/v1/identity/audit/export" \
  || fail "the export failed"
ans "200 $(wc -l <"$WORK/entries.ndjson" | tr -d ' ') entries"

step "Verify it OFFLINE with the audit-verifier jar (no platform code, only the files)"
req "java -jar $(basename "$VERIFIER_JAR") log --key key.txt --checkpoints checkpoints.txt --entries entries.ndjson"
if ! java -jar "$VERIFIER_JAR" log --key "$WORK/key.txt" --checkpoints "$WORK/checkpoints.txt" \
    --entries "$WORK/entries.ndjson" >"$WORK/verifier.txt" 2>&1; then
  fail "the offline verifier found a problem" "$(cat "$WORK/verifier.txt")"
fi
ans "$(cat "$WORK/verifier.txt")"

step "Identity runs the same checks, against its database and the checkpoints anchored outside it"
req "POST /v1/identity/audit/verify"
call POST /v1/identity/audit/verify -H "Authorization: Bearer $AUDITOR"
expect 200
[ "$(json_scalar verified "$BODY")" = true ] || fail "identity's verification found a problem" "$BODY"
ans "$STATUS verified=true entries=$(json_scalar entries "$BODY") database_checkpoints=$(json_scalar database_checkpoints "$BODY") anchored_checkpoints=$(json_scalar anchored_checkpoints "$BODY")"

echo
echo "Auditor walkthrough complete."
