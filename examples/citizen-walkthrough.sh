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
# and this script asks you to type it, as a citizen would. CIVICSTACK_WALKTHROUGH_CODE=123456 skips the question.
# Settings: CIVICSTACK_GATEWAY_URL (default http://localhost:8080), CIVICSTACK_WALKTHROUGH_MOBILE (default
# 13800138000). Needs bash, curl, openssl. Exits non-zero, showing the response, on any status it did not expect.
set -euo pipefail

GATEWAY=${CIVICSTACK_GATEWAY_URL:-http://localhost:8080}
GATEWAY=${GATEWAY%/}
MOBILE=${CIVICSTACK_WALKTHROUGH_MOBILE:-13800138000}
APP=walkthrough-city-app
REDIRECT=http://127.0.0.1:18491/callback
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-citizen.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
JAR="$WORK/cookies"

STEP=0
step() { STEP=$((STEP + 1)); printf '\n== %d. %s\n' "$STEP" "$*"; }
say() { printf '   %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$1" >&2; [ $# -gt 1 ] && printf '%s\n' "$2" >&2; exit 1; }
json_string() {
  { grep -oE "\"$1\":\"([^\"\\\\]|\\\\.)*\"" <<<"$2" || true; } | head -n 1 | sed -e "s/^\"$1\":\"//" -e 's/"$//'
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
claims() { local p; p=$(cut -d. -f2 <<<"$1" | tr '_-' '/+'); while [ $(( ${#p} % 4 )) -ne 0 ]; do p="$p="; done; openssl base64 -d -A <<<"$p"; }
urlenc() { local LC_ALL=C s="$1" out="" c i; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}; case "$c" in [a-zA-Z0-9.~_-]) out+="$c" ;; *) out+=$(printf '%%%02X' "'$c") ;; esac; done; printf '%s' "$out"; }
# curl: -s, the browser's cookie jar, status + headers + body in one file
http() { curl -s -b "$JAR" -c "$JAR" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@"; }
header() { grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
csrf() { grep -oE 'name="_csrf" value="[^"]+"' "$WORK/body" | head -n 1 | sed -e 's/.*value="//' -e 's/"$//'; }
expect() { [ "$1" = "$2" ] || fail "$3: expected HTTP $2, got $1" "$(cat "$WORK/headers" "$WORK/body")"; }

step "Discovery: what the authorization server really supports"
status=$(http "$GATEWAY/.well-known/openid-configuration"); expect "$status" 200 "discovery"
say "issuer: $(json_string issuer "$(cat "$WORK/body")")"
say "$(grep -oE '"code_challenge_methods_supported":\[[^]]*\]' "$WORK/body")  $(grep -oE '"grant_types_supported":\[[^]]*\]' "$WORK/body")"

step "The app opens /oauth2/authorize (code + PKCE S256) in an in-app browser tab"
VERIFIER=$(openssl rand 48 | b64url)
CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | b64url)
STATE=$(openssl rand 12 | b64url); NONCE=$(openssl rand 12 | b64url)
AUTHORIZE="$GATEWAY/oauth2/authorize?response_type=code&client_id=$APP&redirect_uri=$(urlenc "$REDIRECT")&scope=$(urlenc 'openid offline_access phone')&state=$STATE&nonce=$NONCE&code_challenge=$CHALLENGE&code_challenge_method=S256"
status=$(http "$AUTHORIZE"); expect "$status" 302 "authorize"
LOGIN=$(header location)
case "$LOGIN" in /login*|"$GATEWAY"/login*) ;; *) fail "the login page must stay on the gateway, got $LOGIN" ;; esac
say "not signed in yet -> $LOGIN"

step "The hosted login page: the mobile number"
status=$(http -H 'Accept-Language: en' "$GATEWAY/login"); expect "$status" 200 "login page"
status=$(http -H 'Accept-Language: en' --data-urlencode "mobile=$MOBILE" --data-urlencode "_csrf=$(csrf)" "$GATEWAY/login/code")
expect "$status" 200 "send code"
say "code sent to $MOBILE (the page says the same whether or not the number has an account)"

step "The SMS code"
CODE=${CIVICSTACK_WALKTHROUGH_CODE:-}
if [ -z "$CODE" ]; then
  read -r -p "   Type the 6-digit code printed on the platform's console (LOCAL SMS ... login code ... is NNNNNN): " CODE </dev/tty
fi
status=$(http -H 'Accept-Language: en' --data-urlencode "code=$CODE" --data-urlencode "_csrf=$(csrf)" "$GATEWAY/login/verify")
expect "$status" 303 "enter code"
status=$(http "$GATEWAY$(header location | sed -e "s#^$GATEWAY##")"); expect "$status" 302 "back to authorize"
CALLBACK=$(header location)
case "$CALLBACK" in "$REDIRECT"*) ;; *) fail "expected a redirect to $REDIRECT, got $CALLBACK" ;; esac
AUTH_CODE=$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$CALLBACK")
[ "$(sed -e 's/.*[?&]state=\([^&]*\).*/\1/' <<<"$CALLBACK")" = "$STATE" ] || fail "state changed: $CALLBACK"
say "signed in; the browser is sent back to the app: ${CALLBACK%%\?*}?code=…&state=(unchanged)"

step "Tokens: the code and the PKCE verifier (a public client: client_id, no secret)"
status=$(http -d grant_type=authorization_code -d client_id=$APP --data-urlencode "redirect_uri=$REDIRECT" \
  -d "code=$AUTH_CODE" -d "code_verifier=$VERIFIER" "$GATEWAY/oauth2/token"); expect "$status" 200 "token"
TOKENS=$(cat "$WORK/body"); ACCESS=$(json_string access_token "$TOKENS"); REFRESH=$(json_string refresh_token "$TOKENS")
say "access token claims: $(claims "$ACCESS")"
say "ID token claims:     $(claims "$(json_string id_token "$TOKENS")")"

step "userinfo and the citizen's own sessions"
status=$(http -H "Authorization: Bearer $ACCESS" "$GATEWAY/userinfo"); expect "$status" 200 "userinfo"; say "$(cat "$WORK/body")"
status=$(http -H "Authorization: Bearer $ACCESS" "$GATEWAY/v1/identity/me/sessions"); expect "$status" 200 "sessions"; say "$(cat "$WORK/body")"
status=$(http -H "Authorization: Bearer $ACCESS" "$GATEWAY/v1/identity/me/assurance"); expect "$status" 200 "assurance"; say "$(cat "$WORK/body")"

step "My activity: the citizen's own trail in the audit log (who used my identity, when, at what level)"
for _ in $(seq 1 50); do # the log reads identity's events within a moment
  status=$(http -H "Authorization: Bearer $ACCESS" "$GATEWAY/v1/identity/me/activity"); expect "$status" 200 "activity"
  grep -q '"type":"signed_in"' "$WORK/body" && break
  sleep 0.2
done
grep -q '"type":"signed_in"' "$WORK/body" || fail "the sign-in is not in my activity" "$(cat "$WORK/body")"
say "$(grep -oE '\{"at":"[^"]*","type":"signed_in"[^}]*\}' "$WORK/body" | head -n 1)"

step "Refresh: a new access token and a NEW refresh token (rotation)"
status=$(http -d grant_type=refresh_token -d client_id=$APP --data-urlencode "refresh_token=$REFRESH" "$GATEWAY/oauth2/token")
expect "$status" 200 "refresh"
NEW_REFRESH=$(json_string refresh_token "$(cat "$WORK/body")")
[ -n "$NEW_REFRESH" ] && [ "$NEW_REFRESH" != "$REFRESH" ] || fail "the refresh token did not rotate"
say "rotated: the old refresh token is spent"

step "Someone presents the OLD refresh token again (a stolen copy): refused, and the whole family is revoked"
status=$(http -d grant_type=refresh_token -d client_id=$APP --data-urlencode "refresh_token=$REFRESH" "$GATEWAY/oauth2/token")
expect "$status" 400 "reuse"; say "$(cat "$WORK/body")"
status=$(http -d grant_type=refresh_token -d client_id=$APP --data-urlencode "refresh_token=$NEW_REFRESH" "$GATEWAY/oauth2/token")
expect "$status" 400 "the newest refresh token after reuse"; say "the newest refresh token is dead too: $(cat "$WORK/body")"

printf '\nDone: signed in with code + PKCE, read userinfo, sessions and my activity, refreshed with rotation, and saw reuse revoke the family.\n'
