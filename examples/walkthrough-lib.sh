# Shared by the walkthroughs (examples/walkthrough.sh, examples/auditor-walkthrough.sh): sourced, not run. Expects
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
