#!/usr/bin/env bash
# Seeds the refresh-token scenario of run.sh: ONE citizen login on identity's hosted page (mobile number, SMS code
# read from the sms-sink.py file), then COUNT authorization-code + PKCE flows in that signed-in browser session,
# each redeemed for its own token family. Prints one refresh token per line (COUNT independent rotation chains).
# Environment: OURS_URL, APP (citizen_app client id), REDIRECT (its registered redirect URI), CODE_FILE (the sink's
# file), COUNT (default 256), MOBILE (default 13800138000). Exits non-zero, showing the answer, on any surprise.
set -euo pipefail
: "${OURS_URL:?}" "${APP:?}" "${REDIRECT:?}" "${CODE_FILE:?}"
COUNT=${COUNT:-256}
MOBILE=${MOBILE:-13800138000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-seed.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
JAR="$WORK/cookies"
http() { curl -s -b "$JAR" -c "$JAR" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@"; }
header() { grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
csrf() { grep -oE 'name="_csrf" value="[^"]+"' "$WORK/body" | head -n 1 | sed -e 's/.*value="//' -e 's/"$//'; }
expect() { [[ "$1" == "$2" ]] || { echo "seed: $3: expected HTTP $2, got $1: $(head -c 400 "$WORK/body")" >&2; exit 1; }; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
redirect_enc=$(jq -rn --arg v "$REDIRECT" '$v|@uri')
scope_enc=$(jq -rn --arg v 'openid offline_access phone' '$v|@uri')

authorize() { # -> sets VERIFIER and STATUS (no subshell: the verifier is needed for the redemption)
    VERIFIER=$(openssl rand 48 | b64url)
    local challenge state
    challenge=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | b64url)
    state=$(openssl rand 12 | b64url)
    STATUS=$(http "$OURS_URL/oauth2/authorize?response_type=code&client_id=$APP&redirect_uri=$redirect_enc&scope=$scope_enc&state=$state&nonce=$state&code_challenge=$challenge&code_challenge_method=S256")
}
redeem() { # location-with-code -> prints the refresh token
    local code status
    code=$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$1")
    status=$(http -d grant_type=authorization_code -d "client_id=$APP" --data-urlencode "redirect_uri=$REDIRECT" \
        -d "code=$code" -d "code_verifier=$VERIFIER" "$OURS_URL/oauth2/token")
    expect "$status" 200 "code redemption"
    jq -er .refresh_token "$WORK/body"
}

# the one login: authorize -> /login -> number -> code from the sink -> back to authorize -> code
rm -f "$CODE_FILE"
authorize; expect "$STATUS" 302 "first authorize"
status=$(http "$OURS_URL/login"); expect "$status" 200 "login page"
status=$(http --data-urlencode "mobile=$MOBILE" --data-urlencode "_csrf=$(csrf)" "$OURS_URL/login/code")
expect "$status" 200 "send code"
for _ in $(seq 50); do [[ -s "$CODE_FILE" ]] && break; sleep 0.1; done
[[ -s "$CODE_FILE" ]] || { echo "seed: the SMS sink received no code" >&2; exit 1; }
status=$(http --data-urlencode "code=$(cat "$CODE_FILE")" --data-urlencode "_csrf=$(csrf)" "$OURS_URL/login/verify")
expect "$status" 303 "enter code"
location=$(header location)
[[ "$location" == http* ]] || location="$OURS_URL$location"
status=$(http "$location"); expect "$status" 302 "back to authorize"
redeem "$(header location)"
# the other chains: the browser session is signed in, so authorize answers with a code at once
for _ in $(seq 2 "$COUNT"); do
    authorize; expect "$STATUS" 302 "authorize (signed in)"
    location=$(header location)
    [[ "$location" == "$REDIRECT"* ]] || { echo "seed: expected a redirect to $REDIRECT, got $location" >&2; exit 1; }
    redeem "$location"
done
