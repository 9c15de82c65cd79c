#!/usr/bin/env bash
# compare.sh — FakeBook and the embedded token endpoint measured side by side
# with what they are compared to, in one run, so that the ratios hold even
# on a busy machine (the rates alone do not):
#
#   public  FakeBook GET /api/public, no token
#   books   FakeBook GET /books with a token from a third-party provider
#           (panva's oidc-provider, testdata/interop), FakeBook trusting it
#   flask   the tutorial's Flask + Authlib resource server, GET /books with
#           the same token (docs/bench/flask_fakebook.py, Flask's own server)
#   token   the embedded authorization server's token endpoint, client
#           credentials, RS256 (oauthlab serve, Keycloak shape)
#   op      oidc-provider's token endpoint, the same request
#
# Each round runs wrk on each server in turn (THREADS threads, CONNS
# connections, DURATION each), in the opposite order every other round so
# that a load that comes or goes is shared out, then prints the rates and
# the ratios; the medians of the ratios come last. A second table gives
# each server's own CPU time per request (from /proc, around each run) and
# the same ratios computed from it: on a machine shared with other work,
# these move far less than the rates. Everything listens on 127.0.0.1
# and is stopped on exit; a provider already running on OP_PORT is reused.
#
#   docs/bench/compare.sh [ROUNDS]          # default 5 rounds, about 2 minutes
#   OAUTHLAB=/path/to/oauthlab docs/bench/compare.sh   # another build, e.g. an older one
#
# Needs: go, wrk, node + npm (oidc-provider), and Debian's python3-flask and
# python3-authlib (apt-get install wrk python3-flask python3-authlib).
set -euo pipefail

ROUNDS=${1:-5}
DURATION=${DURATION:-4s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
OP_PORT=${OP_PORT:-9481}
FB_PORT=${FB_PORT:-5081}
FLASK_PORT=${FLASK_PORT:-5082}
AS_PORT=${AS_PORT:-8081}
AS_API_PORT=${AS_API_PORT:-5083}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OP_DIR=$ROOT/testdata/interop/oidc-provider
ISSUER=http://127.0.0.1:$OP_PORT
AUDIENCE=http://127.0.0.1:9401/ # oidc-provider's default resource (testdata/interop/README.md)

die() { echo "compare.sh: $*" >&2; exit 1; }
for tool in go wrk node curl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
"$PYTHON" -c 'import flask, authlib' 2>/dev/null ||
	die "$PYTHON lacks flask or authlib: apt-get install python3-flask python3-authlib (or set PYTHON)"

TMP=$(mktemp -d)
PIDS=()
STARTED_OP=""
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	if [ -n "$STARTED_OP" ]; then OP_PORT=$OP_PORT "$OP_DIR/stop.sh" >/dev/null 2>&1 || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

listening() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # URL: wait up to 20 s for it to answer at all
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.2
	done
	die "$1 did not answer within 20 s"
}
start() { # PORT LOG COMMAND...: start a server in the background, if its port is free
	local port=$1 log=$2
	shift 2
	listening "$port" && die "port $port is in use (set the *_PORT variables)"
	# A line a request on stdout (oauthlab serve's event log) would fill
	# the disk; errors go to stderr.
	"$@" >/dev/null 2>"$log" &
	PIDS+=($!)
}
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect() { # WANT WHAT CURL-ARGS...: refuse to measure a server that answers wrong
	local want=$1 what=$2 got
	shift 2
	got=$(status "$@")
	[ "$got" = "$want" ] || die "$what: got $got, want $want"
}

BIN=${OAUTHLAB:-}
if [ -z "$BIN" ]; then
	echo "building oauthlab…" >&2
	(cd "$ROOT" && go build -o "$TMP/oauthlab" .)
	BIN=$TMP/oauthlab
fi

if ! curl -sf -o /dev/null "$ISSUER/.well-known/openid-configuration"; then
	echo "starting oidc-provider on $ISSUER…" >&2
	OP_PORT=$OP_PORT "$OP_DIR/start.sh" >/dev/null
	STARTED_OP=1
fi
TOKEN=$(curl -sf -u test_api_client:test_api_secret -d grant_type=client_credentials \
	--data-urlencode 'scope=fakebookapi.read' "$ISSUER/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
[ -n "$TOKEN" ] || die "no access token from $ISSUER"

start "$FB_PORT" "$TMP/fakebook.log" "$BIN" serve --issuer "$ISSUER" --audience "$AUDIENCE" --api-addr "127.0.0.1:$FB_PORT"
start "$FLASK_PORT" "$TMP/flask.log" env ISSUER="$ISSUER" AUDIENCE="$AUDIENCE" PORT="$FLASK_PORT" "$PYTHON" "$ROOT/docs/bench/flask_fakebook.py"
start "$AS_PORT" "$TMP/authserver.log" "$BIN" serve --addr "127.0.0.1:$AS_PORT" --api-addr "127.0.0.1:$AS_API_PORT"
FB=http://127.0.0.1:$FB_PORT
FLASK=http://127.0.0.1:$FLASK_PORT
AS_TOKEN=http://127.0.0.1:$AS_PORT/realms/myorg/protocol/openid-connect/token
wait_for "$FB/api/public"
wait_for "$FLASK/api/public"
wait_for "$AS_TOKEN"

# Each server must say yes to the request measured, and no without a token.
AUTH="Authorization: Bearer $TOKEN"
expect 200 "FakeBook GET /books with the provider's token" -H "$AUTH" "$FB/books"
expect 401 "FakeBook GET /books without a token" "$FB/books"
expect 200 "Flask GET /books with the provider's token" -H "$AUTH" "$FLASK/books"
expect 401 "Flask GET /books without a token" "$FLASK/books"
expect 401 "Flask GET /books with an altered token" -H "${AUTH}x" "$FLASK/books"
CC=(-u test_api_client:test_api_secret -d grant_type=client_credentials -d scope=fakebookapi.read)
expect 200 "embedded token endpoint, client credentials" "${CC[@]}" "$AS_TOKEN"
expect 200 "oidc-provider token endpoint, client credentials" "${CC[@]}" "$ISSUER/token"

cat >"$TMP/token.lua" <<'EOF'
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=fakebookapi.read"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic dGVzdF9hcGlfY2xpZW50OnRlc3RfYXBpX3NlY3JldA=="
EOF

# The process behind each server, whose CPU time is read around each run.
FB_PID=${PIDS[0]} FLASK_PID=${PIDS[1]} AS_PID=${PIDS[2]}
OP_PID=$(cat "${INTEROP_STATE:-$HOME/.cache/oauthlab-interop}/oidc-provider-$OP_PORT/.run/pid" 2>/dev/null || true)
HZ=$(getconf CLK_TCK)
ticks() { # PID: user + system CPU time so far, in clock ticks (0 if unknown)
	if [ -r "/proc/$1/stat" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi
}

# rate PID DURATION WRK-ARGS...: prints requests per second and the CPU
# time PID spent per request (µs), refusing a run with any error or non-2xx
# answer (a fast refusal is not a fast server).
rate() {
	local pid=$1 d=$2 out t0 t1
	shift 2
	t0=$(ticks "$pid")
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$d" --timeout 10s "$@")
	t1=$(ticks "$pid")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		die "wrk $*: $(grep -E 'Non-2xx|Socket errors' <<<"$out")"
	fi
	awk -v t=$((t1 - t0)) -v hz="$HZ" '
		/ requests in / {n = $1}
		/^Requests\/sec:/ {r = $2}
		END {printf "%.0f %.1f", r, (n > 0 ? t * 1e6 / hz / n : 0)}' <<<"$out"
}
run() { # NAME DURATION
	case $1 in
	public) rate "$FB_PID" "$2" "$FB/api/public" ;;
	books) rate "$FB_PID" "$2" -H "$AUTH" "$FB/books" ;;
	flask) rate "$FLASK_PID" "$2" -H "$AUTH" "$FLASK/books" ;;
	token) rate "$AS_PID" "$2" -s "$TMP/token.lua" "$AS_TOKEN" ;;
	op) rate "$OP_PID" "$2" -s "$TMP/token.lua" "$ISSUER/token" ;;
	esac
}

echo "warming up (1 s each)…" >&2
for s in public books flask token op; do run "$s" 1s >/dev/null; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
median() { tr ' ' '\n' | sort -g | awk '{v[NR] = $1} END {printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
row='%-6s %9s %9s %9s %9s %9s   %12s %11s %9s   %s\n'

echo "wrk -t$THREADS -c$CONNS -d$DURATION per server, $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "requests per second, and their ratios:"
printf "$row" round public/s books/s flask/s token/s op/s books/public books/flask token/op load
R1="" R2="" R3="" C1="" C2="" C3="" CPU_ROWS=""
for round in $(seq "$ROUNDS"); do
	order=(public books flask token op)
	if ((round % 2 == 0)); then order=(op token flask books public); fi
	for s in "${order[@]}"; do
		v=$(run "$s" "$DURATION") # a failed run stops the script (set -e)
		printf -v "$s" '%s' "${v% *}"
		printf -v "cpu_$s" '%s' "${v#* }"
	done
	r1=$(ratio "$books" "$public") r2=$(ratio "$books" "$flask") r3=$(ratio "$token" "$op")
	R1+=" $r1" R2+=" $r2" R3+=" $r3"
	printf "$row" "$round" "$public" "$books" "$flask" "$token" "$op" "$r1" "$r2" "$r3" "$(cut -d' ' -f1 /proc/loadavg)"
	# The same ratios from the server's own CPU time per request: what the
	# rates would be if each server had the CPU to itself.
	c1=$(ratio "$cpu_public" "$cpu_books") c2=$(ratio "$cpu_flask" "$cpu_books") c3=$(ratio "$cpu_op" "$cpu_token")
	C1+=" $c1" C2+=" $c2" C3+=" $c3"
	CPU_ROWS+=$(printf "$row" "$round" "$cpu_public" "$cpu_books" "$cpu_flask" "$cpu_token" "$cpu_op" "$c1" "$c2" "$c3" "")$'\n'
done
printf '%-56s   %12s %11s %9s\n' median "$(median <<<"${R1# }")" "$(median <<<"${R2# }")" "$(median <<<"${R3# }")"
printf '%-56s   %12s %11s %9s\n' goal '>= 0.8' '>= 25' '>= 1'
echo
echo "each server's CPU time per request (µs), and the ratios it gives (the other's cost over ours):"
printf "$row" round public books flask token op books/public books/flask token/op ""
printf '%s' "$CPU_ROWS"
printf '%-56s   %12s %11s %9s\n' median "$(median <<<"${C1# }")" "$(median <<<"${C2# }")" "$(median <<<"${C3# }")"
