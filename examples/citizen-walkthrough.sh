#!/usr/bin/env bash
# The citizen app's journey on a running all-in-one, through the gateway only, as the city app does it:
#   OIDC discovery -> /oauth2/authorize with PKCE S256 -> identity's hosted login page: mobile number, then the
#   6-digit SMS code -> back at the app's redirect URI with the authorization code -> tokens (access, ID, refresh)
#   -> userinfo and the citizen's sessions -> refresh (the refresh token rotates) -> presenting the old refresh
#   token again is refused AND signs the citizen out (the whole token family is revoked).
#
#   terminal 1:  set -a; . examples/walkthrough.env; set +a; ./civicstack
#   terminal 2:  examples/citizen-walkthrough.sh
#
# The all-in-one run has no SMS account: it prints each login code on its console (terminal 1) as
#   WARN ... LOCAL SMS ... login code for +86 138****8000 is 123456
# and this script asks you to type it, as a citizen would (it reads one line from standard input).
# CIVICSTACK_WALKTHROUGH_CODE=123456 skips the question.
# Settings: CIVICSTACK_GATEWAY_URL (default http://localhost:8080), CIVICSTACK_WALKTHROUGH_MOBILE (default
# 13800138000). Needs bash, curl, openssl. Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
ENV_FILE=${CIVICSTACK_WALKTHROUGH_ENV:-$HERE/walkthrough.env}
MOBILE=${CIVICSTACK_WALKTHROUGH_MOBILE:-13800138000}
APP=walkthrough-city-app
REDIRECT=http://127.0.0.1:18491/callback
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-citizen.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
. "$HERE/walkthrough-lib.sh"
bearer() { call GET "$1" -H "Authorization: Bearer $CITIZEN_ACCESS"; expect 200; ans "$STATUS $BODY"; }

step "Discovery: what the authorization server really supports"
call GET /.well-known/openid-configuration
expect 200
ans "$STATUS issuer: $(json_string issuer "$BODY")"
say "$(grep -oE '"code_challenge_methods_supported":\[[^]]*\]' <<<"$BODY")  $(grep -oE '"grant_types_supported":\[[^]]*\]' <<<"$BODY")"

step "Sign in: code + PKCE S256 in an in-app browser tab, identity's hosted login page, the SMS code, tokens"
citizen_sign_in "$APP" "$REDIRECT" "$MOBILE" "openid offline_access phone"
say "ID token claims: $(claims_of "$(json_string id_token "$CITIZEN_TOKENS")")"

step "userinfo and the citizen's own sessions"
bearer /userinfo
bearer /v1/identity/me/sessions
bearer /v1/identity/me/assurance

step "My activity: the citizen's own trail in the audit log (who used my identity, when, at what level)"
until_status 10 200 '"type":"signed_in"' /v1/identity/me/activity -H "Authorization: Bearer $CITIZEN_ACCESS"
ans "$(grep -oE '\{"at":"[^"]*","type":"signed_in"[^}]*\}' <<<"$BODY" | head -n 1)"

step "Refresh: a new access token and a NEW refresh token (rotation)"
call POST /oauth2/token -d grant_type=refresh_token -d "client_id=$APP" --data-urlencode "refresh_token=$CITIZEN_REFRESH"
expect 200
NEW_REFRESH=$(json_string refresh_token "$BODY")
[ -n "$NEW_REFRESH" ] && [ "$NEW_REFRESH" != "$CITIZEN_REFRESH" ] || fail "the refresh token did not rotate" "$BODY"
ans "$STATUS rotated: the old refresh token is spent"

step "Someone presents the OLD refresh token again (a stolen copy): refused, and the whole family is revoked"
call POST /oauth2/token -d grant_type=refresh_token -d "client_id=$APP" --data-urlencode "refresh_token=$CITIZEN_REFRESH"
expect 400
ans "$STATUS $BODY"
call POST /oauth2/token -d grant_type=refresh_token -d "client_id=$APP" --data-urlencode "refresh_token=$NEW_REFRESH"
expect 400
ans "$STATUS the newest refresh token is dead too: $BODY"

printf '\nDone: signed in with code + PKCE, read userinfo, sessions and my activity, refreshed with rotation, and saw reuse revoke the family.\n'
