#!/bin/bash
# The "capped host" case of tests/bench/run.sh: a server that serves CAP_K
# requests at once (each held CAP_HOLD ms) and answers 429 beyond, as
# tests/server/fixture's /capped/K does.  CAP_N requests at -c CAP_C with
# CAP_RETRIES retries: volley (adaptive per-host concurrency, and
# --no-adapt), curl -Z --retry, and the aiohttp gather script (which has no
# retries: its 429s are its failures).  Prints a markdown section on stdout,
# progress on stderr.  Environment: VOLLEY, FIXTURE, PYTHON, TOOL_TIMEOUT,
# CAP_N, CAP_C, CAP_K, CAP_HOLD, CAP_RETRIES, CAP_CURL (0 skips curl, whose
# backoff of 1, 2, 4 ... 128 s makes its run take minutes).
set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/../.." && pwd)
VOLLEY=${VOLLEY:-$ROOT/volley}
FIXTURE=${FIXTURE:-$ROOT/tests/server/fixture}
PYTHON=${PYTHON:-python3}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-300}
CAP_N=${CAP_N:-400} CAP_C=${CAP_C:-100} CAP_K=${CAP_K:-8}
CAP_HOLD=${CAP_HOLD:-50} CAP_RETRIES=${CAP_RETRIES:-8} CAP_CURL=${CAP_CURL:-1}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/volley-capped.XXXXXX") || exit 1
FPID=
trap '[ -n "$FPID" ] && kill "$FPID" 2>/dev/null; rm -rf "$TMP"' EXIT

line=$(timeout 10 "$FIXTURE" --daemon) || { echo "capped.sh: $FIXTURE did not start" >&2; exit 1; }
FPORT=$(sed -n 's/.*FIXTURE_PORT=\([0-9]*\).*/\1/p' <<<"$line")
FPID=$(sed -n 's/.*FIXTURE_PID=\([0-9]*\).*/\1/p' <<<"$line")
BASE=http://127.0.0.1:$FPORT
URL="$BASE/capped/$CAP_K?ms=$CAP_HOLD"
for ((i = 0; i < CAP_N; i++)); do echo "$URL"; done > "$TMP/urls"
sed 's/.*/url = "&"/' "$TMP/urls" > "$TMP/urls.cfg"

# run LABEL OKCOUNT-FILTER CMD...: one run; a table row.
run() {
	local label=$1 kind=$2 t0 t1 rc wall ok st served rejected pct rps
	shift 2
	curl -s "$BASE/reset" > /dev/null
	t0=$EPOCHREALTIME
	timeout -k 5 "$TOOL_TIMEOUT" "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	t1=$EPOCHREALTIME
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	case $kind in
	volley)  ok=$(jq -c .ok < "$TMP/out" 2>/dev/null | grep -c '^true$');;
	curl)    ok=$(grep -c '^200$' "$TMP/out");;
	aiohttp) ok=$(grep -c '"status":200' "$TMP/out");;
	esac
	st=$(curl -s "$BASE/capped-stats")
	served=$(jq .served <<<"$st") rejected=$(jq .rejected <<<"$st")
	pct=$(awk -v s="$served" -v r="$rejected" 'BEGIN { printf "%.0f%%", (s + r > 0 ? 100 * r / (s + r) : 0) }')
	rps=$(awk -v n="$ok" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
	printf '  %-44s %6ss  ok %s/%s  429: %s of %s answers  exit %s\n' "$label" "$wall" \
		"$ok" "$CAP_N" "$pct" "$((served + rejected))" "$rc" >&2
	printf '| %s | %s | %s | %s | %s/%s | %s |\n' "$label" "$wall" "$rps" "$pct" "$ok" "$CAP_N" \
		"$((served + rejected))" >> "$TMP/rows"
}

echo "== capped host: $CAP_N requests, server takes $CAP_K at once ($CAP_HOLD ms each), -c $CAP_C, $CAP_RETRIES retries ==" >&2
: > "$TMP/rows"
if [ -x "$VOLLEY" ]; then
	run "volley -c $CAP_C --retries $CAP_RETRIES" volley \
		"$VOLLEY" -c "$CAP_C" --retries "$CAP_RETRIES" --body none -i "$TMP/urls"
	run "volley -c $CAP_C --retries $CAP_RETRIES --no-adapt" volley \
		"$VOLLEY" -c "$CAP_C" --retries "$CAP_RETRIES" --no-adapt --body none -i "$TMP/urls"
fi
[ "$CAP_CURL" = 0 ] ||
	run "curl -Z --parallel-max $CAP_C --retry $CAP_RETRIES" curl \
		curl -sZ --parallel-max "$CAP_C" --retry "$CAP_RETRIES" -o /dev/null -w '%{http_code}\n' -K "$TMP/urls.cfg"
if "$PYTHON" -c 'import aiohttp' >/dev/null 2>&1; then
	run "aiohttp gather+Semaphore($CAP_C) (no retries)" aiohttp \
		"$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$CAP_C" "$TMP/urls"
fi

ideal=$(awk -v n="$CAP_N" -v k="$CAP_K" -v h="$CAP_HOLD" 'BEGIN { printf "%.2f", n / k * h / 1000 }')
echo "## Capped host: $CAP_N requests to a server that takes $CAP_K at once (ideal ${ideal} s)"
echo
echo "\`tests/server/fixture\` /capped/$CAP_K: at most $CAP_K requests held at once, $CAP_HOLD ms each, 429 at once beyond."
echo "Each tool at concurrency $CAP_C with $CAP_RETRIES retries where it has them (\`sh tests/bench/capped.sh\`; one run each)."
echo
echo "| tool | wall s | ok req/s | 429 share of answers | ok | answers |"
echo "|---|--:|--:|--:|--:|--:|"
cat "$TMP/rows"
echo
echo "aiohttp_gather.py has no retries (a 429 is its record), so its ok count is what one pass gets."
echo "curl -Z --retry waits 1, 2, 4 ... s between attempts whatever the server, and retries each"
echo "transfer on its own: its wall time is its backoff schedule."
echo
