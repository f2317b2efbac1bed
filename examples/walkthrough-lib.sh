# Shared by the walkthroughs (examples/walkthrough.sh, auditor-, citizen- and payments-walkthrough.sh): sourced, not run. Expects
# GATEWAY, ENV_FILE and WORK to be set; reads the settings file into the environment (variables already set win).
# ---------------------------------------------------------------------------------------------------- output
STEP=0
step() { STEP=$((STEP + 1)); printf '\n== %d. %s\n' "$STEP" "$*"; }
say() { printf '   %s\n' "$*"; }
req() { printf '   > %s\n' "$*"; }
ans() { printf '   < %s\n' "$*"; }
fail() {
  printf '\nFAILED: %s\n' "$1" >&2
  if [ $# -gt 1 ]; then printf '%s\n' "$2" >&2; fi
  exit 1
}

# ---------------------------------------------------------------------------------------------------- JSON, URLs
# The first value of a string field, unescaped enough for display ("a\"b" -> a"b); empty when absent.
json_string() {
  { grep -oE "\"$1\":\"([^\"\\\\]|\\\\.)*\"" <<<"$2" || true; } | head -n 1 \
    | sed -e "s/^\"$1\":\"//" -e 's/"$//' -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}
# The first value of a number or boolean field.
json_scalar() {
  { grep -oE "\"$1\":(-?[0-9.]+|true|false)" <<<"$2" || true; } | head -n 1 | sed -e "s/^\"$1\"://"
}
# The claims (JSON) of a JWT: its payload, base64url-decoded.
claims_of() {
  local p
  p=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
  while [ $(( ${#p} % 4 )) -ne 0 ]; do p="$p="; done
  base64 -d <<<"$p" 2>/dev/null || true
}
# Percent-encodes a UTF-8 string (RFC 3986 unreserved characters stay).
urlencode() {
  local out="" hex c
  for hex in $(printf '%s' "$1" | od -An -v -tx1); do
    c=$(printf "\\x$hex")
    case "$c" in
      [A-Za-z0-9._~-]) out="$out$c" ;;
      *) out="$out%$(printf '%s' "$hex" | tr 'a-f' 'A-F')" ;;
    esac
  done
  printf '%s' "$out"
}

# ---------------------------------------------------------------------------------------------------- HTTP
# call METHOD PATH [curl options...]: sets STATUS and BODY (STATUS 000 when the gateway cannot be reached).
call() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 30 -X "$method" "$@" "$GATEWAY$path" 2>"$WORK/curl-error") \
    || STATUS=000
  if [ "$STATUS" = 000 ]; then BODY=$(cat "$WORK/curl-error"); else BODY=$(cat "$WORK/body"); fi
}
# expect STATUS...: fails unless the last call answered one of them.
expect() {
  local s
  for s in "$@"; do
    if [ "$STATUS" = "$s" ]; then return 0; fi
  done
  fail "expected HTTP $* but got $STATUS" "$BODY"
}
# send METHOD PATH TOKEN "EXPECTED..." [JSON body]: an authorised JSON call that must answer one of EXPECTED.
send() {
  local method=$1 path=$2 token=$3 expected=$4
  if [ $# -gt 4 ]; then
    printf '%s' "$5" >"$WORK/request.json"
    call "$method" "$path" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data-binary @"$WORK/request.json"
  else
    call "$method" "$path" -H "Authorization: Bearer $token"
  fi
  local -a codes
  read -ra codes <<<"$expected"
  expect "${codes[@]}"
}
# keyed METHOD PATH TOKEN KEY "EXPECTED..." JSON: an authorised JSON call with an Idempotency-Key; the answer's headers
# are in $WORK/headers
keyed() {
  printf '%s' "$6" >"$WORK/request.json"
  call "$1" "$2" -H "Authorization: Bearer $3" -H "Idempotency-Key: $4" -H 'Content-Type: application/json' \
    -D "$WORK/headers" --data-binary @"$WORK/request.json"
  local -a codes
  read -ra codes <<<"$5"
  expect "${codes[@]}"
}
# until_status SECONDS WANT_STATUS WANT_TEXT PATH [curl options...]: polls until PATH answers WANT_STATUS with a
# body containing WANT_TEXT, or fails after SECONDS.
until_status() {
  local seconds=$1 want=$2 text=$3 path=$4
  shift 4
  local deadline=$((SECONDS + seconds)) tries=0
  while :; do
    tries=$((tries + 1))
    call GET "$path" "$@"
    if [ "$STATUS" = "$want" ] && [[ "$BODY" == *"$text"* ]]; then
      say "(after $tries attempt(s))"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "GET $path did not answer $want with \"$text\" within $seconds s; last answer $STATUS" "$BODY"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------------- settings
if [ -f "$ENV_FILE" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    if [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] && [ -z "${!key+x}" ]; then
      export "$key=$value"
    fi
  done <"$ENV_FILE"
fi

# The first bootstrap client of TYPE holding SCOPE: prints its index.
client_index() {
  local type=$1 scope=$2 var n
  for var in $(compgen -e | grep -E '^CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_[0-9]+_CLIENTTYPE$' | sort -t_ -k4,4n); do
    n=${var#CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_}
    n=${n%_CLIENTTYPE}
    local scopes_var="CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_${n}_SCOPES"
    if [ "${!var}" = "$type" ] && [[ ",${!scopes_var:-}," == *",$scope,"* ]]; then
      printf '%s' "$n"
      return 0
    fi
  done
  return 1
}
client_setting() { local v="CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_${1}_$2"; printf '%s' "${!v:-}"; }

# token INDEX: prints an access token for bootstrap client INDEX with all its scopes.
token() {
  local n=$1 id secret scopes
  id=$(client_setting "$n" CLIENTID)
  secret=$(client_setting "$n" SECRET)
  scopes=$(client_setting "$n" SCOPES)
  scopes=${scopes//,/ }
  req "POST /oauth2/token  grant_type=client_credentials scope=\"$scopes\"  (HTTP Basic $id:…)" >&2
  call POST /oauth2/token -u "$id:$secret" -d grant_type=client_credentials --data-urlencode "scope=$scopes"
  if [ "$STATUS" != 200 ]; then
    fail "no token for client $id: HTTP $STATUS. Was the platform started with $ENV_FILE
(set -a; . examples/walkthrough.env; set +a; ./civicstack)?" "$BODY"
  fi
  ans "$STATUS token_type=$(json_string token_type "$BODY") scope=\"$(json_string scope "$BODY")\" expires_in=$(json_scalar expires_in "$BODY")" >&2
  json_string access_token "$BODY"
}

# ---------------------------------------------------------------------------------------------------- a citizen
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# The value of response header NAME of the last call made with -D "$WORK/headers".
last_header() { grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
# citizen_sign_in APP REDIRECT_URI MOBILE SCOPES: signs a citizen in as the city app APP does — /oauth2/authorize with
# PKCE S256 in an in-app browser tab, identity's hosted login page (mobile number, then the 6-digit SMS code), the
# redirect back with the code, the token request — and sets CITIZEN_TOKENS (the token response), CITIZEN_ACCESS and
# CITIZEN_REFRESH. The code: CIVICSTACK_WALKTHROUGH_CODE, else one line read from standard input (the console of
# the all-in-one run prints it: LOCAL SMS ... login code for +86 138****8000 is 123456).
citizen_sign_in() {
  local app=$1 redirect=$2 mobile=$3 scopes=$4 jar="$WORK/cookies" verifier challenge state nonce location code csrf_token
  browser() { call "$@" -b "$jar" -c "$jar" -D "$WORK/headers" -H 'Accept-Language: en'; }
  form_csrf() { { grep -oE 'name="_csrf" value="[^"]+"' <<<"$BODY" || true; } | head -n 1 | sed -e 's/.*value="//' -e 's/"$//'; }
  verifier=$(openssl rand 48 | b64url)
  challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
  state=$(openssl rand 12 | b64url)
  nonce=$(openssl rand 12 | b64url)
  req "GET /oauth2/authorize?response_type=code&client_id=$app&code_challenge_method=S256&…  (the app's in-app browser tab)"
  browser GET "/oauth2/authorize?response_type=code&client_id=$app&redirect_uri=$(urlencode "$redirect")&scope=$(urlencode "$scopes")&state=$state&nonce=$nonce&code_challenge=$challenge&code_challenge_method=S256"
  expect 302
  location=$(last_header location)
  case "$location" in /login* | "$GATEWAY"/login*) ;; *) fail "the login page must stay on the gateway, got $location" ;; esac
  ans "$STATUS not signed in yet -> $location"
  req "GET /login, then POST /login/code  mobile=$mobile  (identity's hosted login page)"
  browser GET /login
  expect 200
  browser POST /login/code --data-urlencode "mobile=$mobile" --data-urlencode "_csrf=$(form_csrf)"
  expect 200
  ans "$STATUS a code is sent by SMS (the page says the same whether or not the number has an account)"
  code=${CIVICSTACK_WALKTHROUGH_CODE:-}
  if [ -z "$code" ]; then
    printf '   Type the 6-digit code printed on the platform console (LOCAL SMS ... login code for %s ... is NNNNNN): \n' "$mobile"
    read -r code || fail "no code on standard input"
  fi
  csrf_token=$(form_csrf)
  req "POST /login/verify  code=$code"
  browser POST /login/verify --data-urlencode "code=$code" --data-urlencode "_csrf=$csrf_token"
  expect 303
  location=$(last_header location)
  browser GET "${location#"$GATEWAY"}"
  expect 302
  location=$(last_header location)
  case "$location" in "$redirect"*) ;; *) fail "expected a redirect to $redirect, got $location" ;; esac
  [ "$(sed -e 's/.*[?&]state=\([^&]*\).*/\1/' <<<"$location")" = "$state" ] || fail "state changed: $location"
  ans "$STATUS signed in; back at the app: ${location%%\?*}?code=…&state=(unchanged)"
  code=$(sed -e 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$location")
  req "POST /oauth2/token  grant_type=authorization_code client_id=$app code=… code_verifier=…  (a public client: no secret)"
  call POST /oauth2/token -d grant_type=authorization_code -d "client_id=$app" --data-urlencode "redirect_uri=$redirect" \
    -d "code=$code" -d "code_verifier=$verifier"
  expect 200
  CITIZEN_TOKENS=$BODY
  CITIZEN_ACCESS=$(json_string access_token "$BODY")
  CITIZEN_REFRESH=$(json_string refresh_token "$BODY")
  ans "$STATUS access token claims: $(claims_of "$CITIZEN_ACCESS")"
}

# ---------------------------------------------------------------------------------------------------- the agency
# start_tiny_agency PORT: starts the tiny agency system (examples/TinyAgency.java) on 127.0.0.1:PORT, logging to
# $WORK/tiny.log; stop_tiny_agency (call it on exit) stops it. Fails when something already listens there.
TINY_PID=""
start_tiny_agency() {
  local port=$1 deadline
  req "java $HERE/TinyAgency.java $port"
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then
    fail "something already listens on 127.0.0.1:$port; stop it (an earlier walkthrough?) and run again"
  fi
  java "$HERE/TinyAgency.java" "$port" >"$WORK/tiny.log" 2>&1 &
  TINY_PID=$!
  deadline=$((SECONDS + ${WAIT_SECONDS:-60}))
  until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/ready" 2>/dev/null; do
    if ! kill -0 "$TINY_PID" 2>/dev/null; then
      TINY_PID=""
      fail "the tiny agency did not start" "$(cat "$WORK/tiny.log")"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then fail "the tiny agency did not answer in time" "$(cat "$WORK/tiny.log")"; fi
    sleep 0.2
  done
  ans "$(cat "$WORK/tiny.log")"
}
stop_tiny_agency() {
  if [ -n "$TINY_PID" ] && kill -0 "$TINY_PID" 2>/dev/null; then
    kill "$TINY_PID" 2>/dev/null || true
    wait "$TINY_PID" 2>/dev/null || true
    echo "(stopped the tiny agency)"
  fi
}

# register_agency OPERATOR_TOKEN CLIENT_INDEX: the operator registers the Shenzhen Health Commission bound to bootstrap
# client CLIENT_INDEX, under the id identity puts in that client's tokens (its AGENCYID setting, ADR 0007) when it has
# one. A second run finds it registered (409) and leaves it as it is.
register_agency() {
  local operator=$1 n=$2 chosen client body conflict
  chosen=$(client_setting "$n" AGENCYID)
  client=$(client_setting "$n" CLIENTID)
  local id_field=""
  if [ -n "$chosen" ]; then id_field="\"id\": \"$chosen\", "; fi
  body=$(cat <<JSON
{${id_field}"name_zh_cn": "深圳市卫生健康委员会", "name_en": "Shenzhen Health Commission", "unit_type": "municipal_unit",
 "contact_name": "王工", "contact_email": "it@wjw.sz.gov.cn", "contact_phone": "+86 755 8888 0000",
 "oauth_client_id": "$client"}
JSON
)
  req "POST /v1/registry/agencies  (operator token)"
  printf '%s\n' "$body" | sed 's/^/     /'
  send POST /v1/registry/agencies "$operator" "201 409" "$body"
  if [ "$STATUS" = 201 ]; then
    ans "$STATUS id=$(json_string id "$BODY") name_en=\"$(json_string name_en "$BODY")\""
  else
    conflict=$(json_string code "$BODY")
    case "$conflict" in oauth_client_taken | agency_id_taken) ;; *) fail "unexpected conflict" "$BODY" ;; esac
    ans "$STATUS code=$conflict: registered by an earlier run, so it stays as it is"
  fi
}
