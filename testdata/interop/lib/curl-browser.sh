# shellcheck shell=bash
# A browser made of curl and a cookie jar, shared by authcode.sh and
# device.sh. Source, don't execute: it makes $WORK (removed on exit) and
# the cookie jar $JAR in it. Needs $ISSUER set first.

say() { [[ ${VERBOSE:-} == 1 ]] && printf '  %s\n' "$*" >&2 || true; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }
pctdecode() { local s=${1//+/ }; printf '%b' "${s//%/\\x}"; }
param() { printf '%s' "$1" | sed -nE "s/.*[?&]$2=([^&#]*).*/\1/p"; }

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
JAR="$WORK/cookies"; : >"$JAR"

# absolute URL for a Location header / form action (oidc-provider sends absolute or path-only)
absolute() {
  case $1 in
    http://* | https://*) printf '%s' "$1" ;;
    /*) printf '%s%s' "$(printf '%s' "$ISSUER" | sed -E 's#^(https?://[^/]+).*#\1#')" "$1" ;;
    *) die "unexpected URL: $1" ;;
  esac
}

# request METHOD URL [curl args...] -> sets STATUS, LOCATION; body in $WORK/body
request() {
  local method=$1 url=$2; shift 2
  STATUS=$(curl -sS -X "$method" -b "$JAR" -c "$JAR" -o "$WORK/body" -D "$WORK/headers" \
        -w '%{http_code}' "$url" "$@")
  LOCATION=$(tr -d '\r' <"$WORK/headers" | awk 'tolower($1)=="location:"{ $1=""; sub(/^ /,""); print; exit }')
  say "$method $url -> $STATUS ${LOCATION:+(Location: $LOCATION)}"
}

# print_tokens prints the token response $RESP (exit 3 without an
# access_token) and, with REFRESH=1, the answer to a refresh_token grant at
# $TOKEN as the public client $CLIENT_ID.
print_tokens() {
  printf '%s\n' "$RESP"
  jq -e .access_token >/dev/null <<<"$RESP" || exit 3

  if [[ ${REFRESH:-} == 1 ]]; then
    RT=$(jq -r '.refresh_token // empty' <<<"$RESP")
    [[ -n $RT ]] || die "no refresh_token in response"
    curl -sS "$TOKEN" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT" --data-urlencode "client_id=$CLIENT_ID"
    echo
  fi
}
