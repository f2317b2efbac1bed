#!/usr/bin/env bash
# Seeds the refresh-token scenario of run.sh: COUNT citizens each sign in once on identity's hosted page (their own
# mobile number, the SMS code read from the file sms-sink.py writes, authorization code + PKCE S256), so each chain
# is its own session and token family, as in the field. Prints one refresh token per line. Four logins at a time.
# Environment: OURS_URL, APP (citizen_app client id), REDIRECT (its registered redirect URI), CODE_DIR (where the
# sink writes codes, one file per number), COUNT (default 256). identity's per-address send limit must allow COUNT
# sends (run.sh raises it). Exits non-zero, showing the answer, on any surprise.
set -euo pipefail
: "${OURS_URL:?}" "${APP:?}" "${REDIRECT:?}" "${CODE_DIR:?}"
COUNT=${COUNT:-256}

if [[ "${1:-}" != --one ]]; then
    seq 1 "$COUNT" | xargs -P 4 -I{} "$0" --one {}
    exit
fi

# one citizen: 1380000NNNN
MOBILE=$(printf '1380000%04d' "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/civicstack-seed.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
JAR="$WORK/cookies"
http() { curl -s -b "$JAR" -c "$JAR" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@"; }
header() { grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
csrf() { grep -oE 'name="_csrf" value="[^"]+"' "$WORK/body" | head -n 1 | sed -e 's/.*value="//' -e 's/"$//'; }
expect() { [[ "$1" == "$2" ]] || { echo "seed $MOBILE: $3: expected HTTP $2, got $1: $(head -c 400 "$WORK/body")" >&2; exit 1; }; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

VERIFIER=$(openssl rand 48 | b64url)
challenge=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | b64url)
state=$(openssl rand 12 | b64url)
redirect_enc=$(jq -rn --arg v "$REDIRECT" '$v|@uri')
scope_enc=$(jq -rn --arg v 'openid offline_access phone' '$v|@uri')
status=$(http "$OURS_URL/oauth2/authorize?response_type=code&client_id=$APP&redirect_uri=$redirect_enc&scope=$scope_enc&state=$state&nonce=$state&code_challenge=$challenge&code_challenge_method=S256")
expect "$status" 302 "authorize"
status=$(http "$OURS_URL/login"); expect "$status" 200 "login page"
code_file="$CODE_DIR/$MOBILE"
rm -f "$code_file"
status=$(http --data-urlencode "mobile=$MOBILE" --data-urlencode "_csrf=$(csrf)" "$OURS_URL/login/code")
expect "$status" 200 "send code"
for _ in $(seq 50); do [[ -s "$code_file" ]] && break; sleep 0.1; done
[[ -s "$code_file" ]] || { echo "seed $MOBILE: the SMS sink received no code" >&2; exit 1; }
status=$(http --data-urlencode "code=$(cat "$code_file")" --data-urlencode "_csrf=$(csrf)" "$OURS_URL/login/verify")
expect "$status" 303 "enter code"
location=$(header location)
[[ "$location" == http* ]] || location="$OURS_URL$location"
status=$(http "$location"); expect "$status" 302 "back to authorize"
location=$(header location)
[[ "$location" == "$REDIRECT"* ]] || { echo "seed $MOBILE: expected a redirect to $REDIRECT, got $location" >&2; exit 1; }
code=$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$location")
status=$(http -d grant_type=authorization_code -d "client_id=$APP" --data-urlencode "redirect_uri=$REDIRECT" \
    -d "code=$code" -d "code_verifier=$VERIFIER" "$OURS_URL/oauth2/token")
expect "$status" 200 "code redemption"
jq -er .refresh_token "$WORK/body"
