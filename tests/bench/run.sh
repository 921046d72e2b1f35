#!/bin/sh
# volley benchmark: volley vs curl -Z, wget2, an aiohttp gather script and wrk,
# against nginx on loopback.  `make bench` runs `sh tests/bench/run.sh` from the
# repository root.  Knobs (environment): see tests/bench/README.md.
# The report is printed and saved to tests/bench/last-run.md.

# Re-exec with bash (arrays, PIPESTATUS, process substitution).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/../.." && pwd)
cd "$ROOT" || exit 1

# ---- knobs -------------------------------------------------------------------
N=${N:-20000}                   # URLs per throughput run
C=${C:-50}                      # concurrency for every tool
RUNS=${RUNS:-3}                 # interleaved rounds; medians are over these
CALLGRIND_N=${CALLGRIND_N:-2000} # callgrind at K and 2K URLs; 0 = skip
BIG_N=${BIG_N:-1000000}         # streamed URLs for the memory case; 0 = skip
SMALL_N=${SMALL_N:-10000}       # memory comparison point
LAT_N=${LAT_N:-1000}            # latency-bound case: URLs of 100 ms each ...
LAT_C=${LAT_C:-100}             # ... at this concurrency; 0 = skip
CAP_N=${CAP_N:-400}             # capped-host case (tests/bench/capped.sh); 0 = skip
WRK_DURATION=${WRK_DURATION:-5s}
VOLLEY=${VOLLEY:-$ROOT/volley}
FLOOR=${FLOOR:-$ROOT/tests/bench/floor}  # bare libcurl client (make tests/bench/floor)
FIXTURE=${FIXTURE:-$ROOT/tests/server/fixture}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-300}        # seconds, any single measured run
SERVER_LIFETIME=${SERVER_LIFETIME:-1800} # seconds, servers never outlive this
REPORT=${REPORT:-$BENCH/last-run.md}
KEEP_TMP=${KEEP_TMP:-0}

for v in N C RUNS CALLGRIND_N BIG_N SMALL_N LAT_N LAT_C CAP_N TOOL_TIMEOUT SERVER_LIFETIME; do
	x=${!v}
	case $x in ''|*[!0-9]*) echo "run.sh: $v must be a non-negative integer (got '$x')" >&2; exit 2;; esac
done
if [ "$N" -lt 1 ] || [ "$C" -lt 1 ] || [ "$RUNS" -lt 1 ]; then
	echo "run.sh: N, C, RUNS must be >= 1" >&2; exit 2
fi

T_START=$(date +%s)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/volley-bench.XXXXXX") || exit 1
RES=$TMP/res; mkdir -p "$RES"
: > "$TMP/warnings"
say()  { printf '%s\n' "$*"; }
# warn works from subshells too: warnings are collected in a file.
warn() { printf '%s\n' "$*" >> "$TMP/warnings"; printf 'WARNING: %s\n' "$*" >&2; }

# Servers we start; stopped (by pid) on exit.
NGINX_PID='' SLOW_PID='' FIXTURE_PID='' WATCHDOG_PID=''
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	trap - EXIT INT TERM
	for p in $NGINX_PID $SLOW_PID $FIXTURE_PID $WATCHDOG_PID; do
		kill "$p" 2>/dev/null
	done
	for p in $NGINX_PID $SLOW_PID $WATCHDOG_PID; do wait "$p" 2>/dev/null; done
	if [ "$KEEP_TMP" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# ---- dependencies ------------------------------------------------------------
PKGS="nginx-light curl wget2 python3-aiohttp wrk valgrind jq"
[ -x /usr/bin/time ] || PKGS="$PKGS time"
# shellcheck disable=SC2086  # one word per package
sh "$ROOT/tests/deps.sh" $PKGS || warn "tests/deps.sh failed; continuing with what is installed"
for t in nginx curl jq /usr/bin/time timeout; do
	command -v "$t" >/dev/null 2>&1 || { echo "run.sh: '$t' is required" >&2; exit 1; }
done
have() { command -v "$1" >/dev/null 2>&1; }
# python3-aiohttp lives in Debian's python; a pyenv/venv python3 first on PATH may lack it.
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import aiohttp' >/dev/null 2>&1; then PYTHON=$p; break; fi
	done
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_ports() { # N distinct free loopback ports, one per line
	"${PYTHON:-python3}" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}
read -r -d '' PORT H2PORT SLOWPORT < <(free_ports 3 | tr '\n' ' '; printf '\0')
[ -n "${SLOWPORT:-}" ] || { echo "run.sh: could not pick free ports" >&2; exit 1; }

# ---- nginx -------------------------------------------------------------------
sed -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$PORT|g" -e "s|@H2PORT@|$H2PORT|g" \
	"$BENCH/nginx.conf.in" > "$TMP/nginx.conf"
timeout "$SERVER_LIFETIME" nginx -p "$TMP/" -c "$TMP/nginx.conf" -e "$TMP/error.log" \
	-g 'daemon off;' >"$TMP/nginx.out" 2>&1 &
NGINX_PID=$!
up=0
for _ in $(seq 100); do
	if curl -sf -m 1 -o /dev/null "http://127.0.0.1:$PORT/item/0"; then up=1; break; fi
	kill -0 "$NGINX_PID" 2>/dev/null || break
	sleep 0.1
done
if [ $up != 1 ]; then
	echo "run.sh: nginx did not come up on 127.0.0.1:$PORT" >&2
	cat "$TMP/error.log" "$TMP/nginx.out" >&2 2>/dev/null
	exit 1
fi
H2_OK=0
[ "$(curl -s -m 2 --http2-prior-knowledge -o /dev/null -w '%{http_version}' \
	"http://127.0.0.1:$H2PORT/item/0")" = 2 ] && H2_OK=1
[ $H2_OK = 1 ] || warn "nginx h2c port $H2PORT does not answer HTTP/2; skipping the h2 case"
say "nginx up: http/1.1 127.0.0.1:$PORT, h2c 127.0.0.1:$H2PORT (tmp $TMP)"

# ---- latency-bound server: repo fixture if built, else slow_server.py --------
SLOW_BASE=   # URL prefix; the request index is appended
SLOW_DESC=
start_fixture() {
	[ -x "$FIXTURE" ] || return 1
	timeout 10 "$FIXTURE" --daemon >"$TMP/fixture.out" 2>&1 &
	local w=$! line=
	for _ in $(seq 50); do
		line=$(grep -o 'FIXTURE_PORT=[0-9]*.*' "$TMP/fixture.out" 2>/dev/null | head -n1)
		[ -n "$line" ] && break
		sleep 0.1
	done
	wait "$w" 2>/dev/null
	[ -n "$line" ] || return 1
	local fport fpid
	fport=$(printf '%s\n' "$line" | sed -n 's/.*FIXTURE_PORT=\([0-9]*\).*/\1/p')
	fpid=$(printf '%s\n' "$line" | sed -n 's/.*FIXTURE_PID=\([0-9]*\).*/\1/p')
	[ -n "$fport" ] || return 1
	FIXTURE_PID=$fpid
	if [ -n "$fpid" ]; then # bound the daemon's life even if we are killed hard
		( trap 'kill $s 2>/dev/null; exit 0' TERM
		  sleep "$SERVER_LIFETIME" & s=$!; wait $s; kill "$fpid" 2>/dev/null ) >/dev/null 2>&1 &
		WATCHDOG_PID=$!
	fi
	local r
	r=$(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$fport/delay/100/0")
	case $r in
	200\ 0.0[0-8]*) warn "fixture /delay/100 answered too fast ($r)"; return 1;;
	200\ *) SLOW_BASE="http://127.0.0.1:$fport/delay/100/"; SLOW_DESC="tests/server/fixture /delay/100"; return 0;;
	*) warn "fixture /delay/100/0 answered '$r'"; return 1;;
	esac
}
start_slow_py() {
	[ -n "$PYTHON" ] || return 1
	timeout "$SERVER_LIFETIME" "$PYTHON" "$BENCH/slow_server.py" "$SLOWPORT" \
		--lifetime "$SERVER_LIFETIME" >"$TMP/slow.out" 2>"$TMP/slow.err" &
	SLOW_PID=$!
	for _ in $(seq 100); do
		grep -q ready "$TMP/slow.out" 2>/dev/null && break
		kill -0 "$SLOW_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	grep -q ready "$TMP/slow.out" || return 1
	SLOW_BASE="http://127.0.0.1:$SLOWPORT/slow/"
	SLOW_DESC="tests/bench/slow_server.py (python aiohttp, 1 process)"
}
if [ "$LAT_N" -gt 0 ] && [ "$LAT_C" -gt 0 ]; then
	if start_fixture; then :; else
		[ -n "$FIXTURE_PID" ] && kill "$FIXTURE_PID" 2>/dev/null
		FIXTURE_PID=
		start_slow_py || warn "no latency server (fixture not built, python3-aiohttp missing?); skipping the latency case"
	fi
fi
[ -n "$SLOW_BASE" ] && say "latency server: $SLOW_DESC at ${SLOW_BASE}<n>"

# ---- URL lists -----------------------------------------------------------------
gen_urls() { # count prefix
	awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) print p i }'
}
to_cfg() { sed 's/.*/url = "&"/'; }  # curl -K config: one url = line per URL
gen_urls "$N" "http://127.0.0.1:$PORT/item/" > "$TMP/urls"
to_cfg < "$TMP/urls" > "$TMP/urls.cfg"
gen_urls "$N" "http://127.0.0.1:$H2PORT/item/" > "$TMP/h2.urls"
to_cfg < "$TMP/h2.urls" > "$TMP/h2.cfg"
if [ -n "$SLOW_BASE" ]; then
	gen_urls "$LAT_N" "$SLOW_BASE" > "$TMP/lat.urls"
	to_cfg < "$TMP/lat.urls" > "$TMP/lat.cfg"
fi

# ---- cases ---------------------------------------------------------------------
# set_case NAME SINK: sets CMD (argv), OUT (stdout file) for case NAME, with the
# results going to SINK (/dev/null for timed runs, a file for verification).
# URL lists come from $URLS / $CFG / $H2URLS / $H2CFG / $LATURLS / $LATCFG.
URLS=$TMP/urls CFG=$TMP/urls.cfg H2URLS=$TMP/h2.urls H2CFG=$TMP/h2.cfg
LATURLS=$TMP/lat.urls LATCFG=$TMP/lat.cfg
set_case() {
	local s=$2
	OUT=/dev/null IN=/dev/null
	case $1 in
	volley-g)       CMD=("$VOLLEY" -c "$C" -m gather -i "$URLS" -o "$s");;
	volley-ac)      CMD=("$VOLLEY" -c "$C" -m as-completed -i "$URLS" -o "$s");;
	volley-ac-nb)   CMD=("$VOLLEY" -c "$C" --body none -m as-completed -i "$URLS" -o "$s");;
	volley-g-nb)    CMD=("$VOLLEY" -c "$C" --body none -m gather -i "$URLS" -o "$s");;
	floor)          CMD=("$FLOOR" -c "$C"); IN=$URLS; OUT=$s;;
	floor-lean)     CMD=("$FLOOR" -c "$C" -lean); IN=$URLS; OUT=$s;;
	curl)           CMD=(curl -sZ --parallel-max "$C" -w '%{json}\n' -K "$CFG"); OUT=$s;;
	wget2)          CMD=(wget2 --no-config --max-threads="$C" -q --no-robots -O "$s" -i "$URLS");;
	aiohttp)        CMD=("$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$C" "$URLS"); OUT=$s;;
	lat-volley)     CMD=("$VOLLEY" -c "$LAT_C" -m gather -i "$LATURLS" -o "$s");;
	lat-curl)       CMD=(curl -sZ --parallel-max "$LAT_C" -w '%{json}\n' -K "$LATCFG"); OUT=$s;;
	lat-aiohttp)    CMD=("$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$LAT_C" "$LATURLS"); OUT=$s;;
	h2-volley)      CMD=("$VOLLEY" --http2-prior-knowledge -c "$C" -m gather -i "$H2URLS" -o "$s");;
	h2-curl)        CMD=(curl -sZ --parallel-max "$C" --http2-prior-knowledge -w '%{json}\n' -K "$H2CFG"); OUT=$s;;
	*) echo "run.sh: unknown case $1" >&2; exit 1;;
	esac
}
label() {
	case $1 in
	volley-g)     echo "volley -m gather (bodies)";;
	volley-ac)    echo "volley -m as-completed (bodies)";;
	volley-ac-nb) echo "volley -m as-completed --body none";;
	volley-g-nb)  echo "volley -m gather --body none";;
	floor)        echo "libcurl floor (tests/bench/floor.c)";;
	floor-lean)   echo "libcurl floor -lean (no User-Agent, Accept)";;
	curl)         echo "curl -Z --parallel-max $C -w '%{json}'";;
	wget2)        echo "wget2 --max-threads=$C";;
	aiohttp)      echo "aiohttp gather+Semaphore($C)";;
	wrk)          echo "wrk -t$WRK_T -c$C -d$WRK_DURATION (ceiling)";;
	lat-volley)   echo "volley -c $LAT_C";;
	lat-curl)     echo "curl -Z --parallel-max $LAT_C";;
	lat-aiohttp)  echo "aiohttp gather+Semaphore($LAT_C)";;
	h2-volley)    echo "volley --http2-prior-knowledge -c $C";;
	h2-curl)      echo "curl -Z --http2-prior-knowledge --parallel-max $C";;
	esac
}
expected() { case $1 in lat-*) echo "$LAT_N";; *) echo "$N";; esac; }
# Decided once, so a binary that appears (or is rebuilt away) mid-run does not
# give a half-filled report.
VOLLEY_OK=0; [ -x "$VOLLEY" ] && VOLLEY_OK=1
FLOOR_OK=0; [ -x "$FLOOR" ] && FLOOR_OK=1
available() {
	case $1 in
	volley*|*-volley) [ "$VOLLEY_OK" = 1 ] || return 1;;
	floor*) [ "$FLOOR_OK" = 1 ] || return 1;;
	wget2) have wget2 || return 1;;
	wrk)   have wrk || return 1;;
	aiohttp|*-aiohttp) [ -n "$PYTHON" ] || return 1;;
	esac
	case $1 in
	lat-*) [ -n "$SLOW_BASE" ] || return 1;;
	h2-*)  [ "$H2_OK" = 1 ] || return 1;;
	esac
	return 0
}

# precise WALL T0 T1: wall seconds from bash 5's $EPOCHREALTIME (microseconds;
# /usr/bin/time's %e has 10 ms resolution), falling back to %e.
precise() {
	if [ -n "$2" ] && [ -n "$3" ]; then
		awk -v a="$2" -v b="$3" 'BEGIN { gsub(",", ".", a); gsub(",", ".", b); printf "%.3f", b - a }'
	else
		echo "$1"
	fi
}

# run_timed NAME: one measured run; appends "wall_s rss_kb exit" to $RES/NAME.
run_timed() {
	local name=$1 rc wall rss t0 t1
	set_case "$name" /dev/null
	t0=${EPOCHREALTIME:-}
	/usr/bin/time -f '%e %M' -o "$TMP/time.out" \
		timeout -k 5 "$TOOL_TIMEOUT" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/err.$name"
	rc=$?
	t1=${EPOCHREALTIME:-}
	read -r wall rss < <(tail -n 1 "$TMP/time.out")
	case $wall in ''|*[!0-9.]*) wall=0 rss=0;; esac
	wall=$(precise "$wall" "$t0" "$t1")
	echo "$wall $rss $rc" >> "$RES/$name"
	printf '  %-40s %8ss %8s KB  exit %s\n' "$(label "$name")" "$wall" "$rss" "$rc"
	if [ "$rc" != 0 ]; then
		# last lines of stderr, without curl's -Z progress meter (printed despite -s)
		tr '\r' '\n' < "$TMP/err.$name" | grep -v -e '--:--:--' -e '^DL% ' -e '^ *$' |
			tail -n 3 | sed 's/^/    | /'
	fi
}

# verify NAME: an untimed run (also the warm-up) whose results are checked.
# Writes "good total exit" to $RES/NAME.verify and warns when good != expected.
verify() {
	local name=$1 n rc sink=$TMP/verify.out good=0 total=0 extra=
	n=$(expected "$name")
	rm -f "$sink"
	set_case "$name" "$sink"
	timeout -k 5 "$TOOL_TIMEOUT" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/err.$name"
	rc=$?
	[ -f "$sink" ] || : > "$sink"
	case $name in
	volley*|*-volley)
		total=$(wc -l < "$sink")
		good=$(jq -c .ok < "$sink" 2>/dev/null | grep -c '^true$')
		if [ "$name" = h2-volley ]; then
			local h2
			h2=$(jq -r .http_version < "$sink" 2>/dev/null | grep -c '^2')
			[ "$h2" = "$n" ] || extra=" (only $h2 records with http_version 2)"
		fi
		if [ "$good" != "$n" ]; then
			extra="$extra$(jq -r 'select(.ok != true) | .error.message // "status \(.status)"' < "$sink" 2>/dev/null |
				sort | uniq -c | sort -rn | head -n 1 | sed 's/^ *\([0-9]*\) \(.*\)/ (\1x "\2")/')"
		fi;;
	curl|*-curl)
		total=$(grep -c '"http_code":' "$sink")
		good=$(grep -c '"http_code":200,' "$sink")
		if [ "$good" != "$n" ]; then
			extra=$(grep -o '"errormsg":"[^"]*"' "$sink" | sort | uniq -c | sort -rn | head -n 1 |
				sed 's/^ *\([0-9]*\) "errormsg":"\(.*\)"/ (\1x "\2")/')
		fi;;
	floor*)
		total=$(wc -l < "$sink")
		good=$(grep -c '^200$' "$sink");;
	wget2)
		total=$(wc -l < "$sink")   # each body is one line
		if [ "$rc" = 0 ]; then good=$total; fi;;
	aiohttp|*-aiohttp)
		total=$(wc -l < "$sink")
		good=$(grep -c '"status":200,' "$sink");;
	esac
	echo "$good $total $rc" > "$RES/$name.verify"
	if [ "$good" != "$n" ] || [ "$total" != "$n" ]; then
		warn "$(label "$name"): $total results, $good ok, expected $n (exit $rc)$extra"
	fi
	rm -f "$sink"
}

WRK_T=2; [ "$C" -lt 2 ] && WRK_T=1
run_wrk() {
	local rps
	timeout -k 5 60 wrk -t"$WRK_T" -c"$C" -d"$WRK_DURATION" "http://127.0.0.1:$PORT/item/1" \
		>"$TMP/wrk.out" 2>&1
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
	if [ -n "$rps" ]; then
		echo "$rps" >> "$RES/wrk"
		grep -E 'Non-2xx|Socket errors' "$TMP/wrk.out" | while read -r l; do warn "wrk: $l"; done
	else
		warn "wrk produced no Requests/sec line"
	fi
	printf '  %-40s %9s req/s\n' "$(label wrk)" "${rps:-?}"
}

# rounds CASE...: verify each available case once, then RUNS interleaved rounds.
rounds() {
	local cs=() c r
	for c in "$@"; do
		if available "$c"; then cs+=("$c"); fi
	done
	[ ${#cs[@]} -gt 0 ] || return 0
	say "warm-up + verification"
	for c in "${cs[@]}"; do [ "$c" = wrk ] || verify "$c"; done
	for r in $(seq "$RUNS"); do
		say "round $r/$RUNS"
		for c in "${cs[@]}"; do
			if [ "$c" = wrk ]; then run_wrk; else run_timed "$c"; fi
		done
	done
}

# ---- statistics ----------------------------------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
med_wall() { [ -f "$RES/$1" ] && awk '$3 == 0 { print $1 }' "$RES/$1" | median; }
med_rss()  { [ -f "$RES/$1" ] && awk '$3 == 0 { print $2 }' "$RES/$1" | median; }
bad_exits() { [ -f "$RES/$1" ] && awk '$3 != 0 { print $3 }' "$RES/$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
fmt() { awk -v x="$2" "BEGIN { printf \"$1\", x }"; }
rps_of() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t }'; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
mb()     { awk -v k="$1" 'BEGIN { if (k != "") printf "%.1f", k / 1024; else printf "n/a" }'; }
kinstr() { awk -v i="$1" 'BEGIN { if (i == "") printf "n/a"; else if (i >= 1e6) printf "%.2fM", i / 1e6; else printf "%.1fk", i / 1e3 }'; }

# ---- 1. throughput -------------------------------------------------------------
say ""
say "== throughput: $N URLs, -c $C, $RUNS rounds =="
[ "$VOLLEY_OK" = 1 ] || warn "volley binary $VOLLEY not found: volley rows are n/a (run make first)"
MAIN_CASES=(volley-g volley-ac volley-ac-nb volley-g-nb floor floor-lean curl wget2 aiohttp wrk)
rounds "${MAIN_CASES[@]}"

# ---- 2. latency-bound ------------------------------------------------------------
LAT_CASES=(lat-volley lat-curl lat-aiohttp)
if [ -n "$SLOW_BASE" ]; then
	say ""
	say "== latency-bound: $LAT_N URLs x 100 ms, -c $LAT_C =="
	rounds "${LAT_CASES[@]}"
fi

# ---- 2b. capped host: a server that takes 8 at once, 429 beyond -------------------
if [ "$CAP_N" -gt 0 ] && [ "$VOLLEY_OK" = 1 ] && [ -x "$FIXTURE" ]; then
	say ""
	CAP_N=$CAP_N VOLLEY=$VOLLEY FIXTURE=$FIXTURE PYTHON=${PYTHON:-python3} \
		TOOL_TIMEOUT=$TOOL_TIMEOUT bash "$BENCH/capped.sh" > "$TMP/capped.md" ||
		warn "capped-host case failed (tests/bench/capped.sh)"
fi

# ---- 3. HTTP/2 ---------------------------------------------------------------------
H2_CASES=(h2-volley h2-curl)
if [ "$H2_OK" = 1 ]; then
	say ""
	say "== HTTP/2 (h2c, prior knowledge): $N URLs, -c $C =="
	rounds "${H2_CASES[@]}"
fi

# ---- 4. instructions per request (callgrind) -------------------------------------
declare -A INSTR=()
cg_total() { # NAME LIST CFG -> total instructions on stdout (empty on failure)
	local name=$1 rc tot
	URLS=$2 CFG=$3 set_case "$name" /dev/null
	timeout -k 5 "$((TOOL_TIMEOUT * 2))" valgrind --tool=callgrind \
		--callgrind-out-file="$TMP/cg.out" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/cg.err"
	rc=$?
	tot=$(awk '/^summary:/ { print $2; exit }' "$TMP/cg.out" 2>/dev/null)
	[ -n "$tot" ] || tot=$(awk '/^totals:/ { print $2; exit }' "$TMP/cg.out" 2>/dev/null)
	[ -n "$tot" ] || tot=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$TMP/cg.err" | tail -n 1)
	rm -f "$TMP/cg.out"
	if [ "$rc" != 0 ]; then warn "callgrind $(label "$name") exit $rc"; return 1; fi
	echo "$tot"
}
if [ "$CALLGRIND_N" -gt 0 ] && have valgrind; then
	K=$CALLGRIND_N
	say ""
	say "== callgrind: instructions per request = (I(2K) - I(K)) / K, K=$K =="
	head -n "$K" "$TMP/urls" > "$TMP/cg1.urls"
	gen_urls "$((2 * K))" "http://127.0.0.1:$PORT/item/" > "$TMP/cg2.urls"
	to_cfg < "$TMP/cg1.urls" > "$TMP/cg1.cfg"
	to_cfg < "$TMP/cg2.urls" > "$TMP/cg2.cfg"
	for c in volley-g floor floor-lean curl wget2; do
		available "$c" || continue
		i1=$(cg_total "$c" "$TMP/cg1.urls" "$TMP/cg1.cfg") || continue
		i2=$(cg_total "$c" "$TMP/cg2.urls" "$TMP/cg2.cfg") || continue
		if [ -n "$i1" ] && [ -n "$i2" ]; then
			INSTR[$c]=$(awk -v a="$i1" -v b="$i2" -v k="$K" 'BEGIN { printf "%.0f", (b - a) / k }')
			printf '  %-40s I(K)=%s I(2K)=%s -> %s instr/req\n' "$(label "$c")" "$i1" "$i2" "${INSTR[$c]}"
		else
			warn "callgrind $(label "$c"): could not parse the instruction total"
		fi
	done
fi

# ---- 5. memory: streamed input ---------------------------------------------------------
MEM_ROWS=()
mem_run() { # MODE COUNT
	local mode=$1 n=$2 rc wall rss t0 t1
	t0=${EPOCHREALTIME:-}
	gen_urls "$n" "http://127.0.0.1:$PORT/item/" |
		/usr/bin/time -f '%e %M' -o "$TMP/time.out" \
			timeout -k 5 "$((TOOL_TIMEOUT * 3))" "$VOLLEY" -c "$C" --body none -m "$mode" -o /dev/null \
			2>"$TMP/err.mem"
	rc=${PIPESTATUS[1]}
	t1=${EPOCHREALTIME:-}
	read -r wall rss < <(tail -n 1 "$TMP/time.out")
	case $wall in ''|*[!0-9.]*) wall=0 rss=0;; esac
	wall=$(precise "$wall" "$t0" "$t1")
	printf '  %-40s %8ss %8s KB  exit %s\n' "-m $mode --body none, $n URLs" "$wall" "$rss" "$rc"
	[ "$rc" = 0 ] || warn "memory run -m $mode $n URLs: exit $rc: $(tail -n 1 "$TMP/err.mem")"
	MEM_ROWS+=("| volley -m $mode --body none | $n | $wall | $(rps_of "$n" "$wall") | $(mb "$rss") | $rc |")
}
if [ "$BIG_N" -gt 0 ] && [ "$VOLLEY_OK" = 1 ]; then
	say ""
	say "== memory: URLs streamed through a pipe, --body none, -c $C =="
	for mode in as-completed gather; do
		mem_run "$mode" "$SMALL_N"
		mem_run "$mode" "$BIG_N"
	done
fi

# ---- report ----------------------------------------------------------------------------
CURL_WALL=$(med_wall curl)
CURL_RPS=$( [ -n "$CURL_WALL" ] && rps_of "$N" "$CURL_WALL")
H2_CURL_WALL=$(med_wall h2-curl)
H2_CURL_RPS=$( [ -n "$H2_CURL_WALL" ] && rps_of "$N" "$H2_CURL_WALL")

row() { # CASE COUNT BASELINE_RPS
	local c=$1 n=$2 base=$3 w rss rps bx v cell_w cell_rps cell_x cell_rss
	w=$(med_wall "$c"); rss=$(med_rss "$c"); bx=$(bad_exits "$c")
	if [ "$c" = wrk ]; then
		rps=$( [ -f "$RES/wrk" ] && median < "$RES/wrk")
		rps=$( [ -n "$rps" ] && fmt '%.0f' "$rps")
		printf '| %s | – | %s | %s | – | – |\n' "$(label wrk)" "${rps:-n/a}" "$(ratio "$rps" "$base")"
		return
	fi
	if [ -n "$w" ]; then
		rps=$(rps_of "$n" "$w"); cell_w=$(fmt '%.3f' "$w")
		cell_rps=$rps; cell_x=$(ratio "$rps" "$base"); cell_rss=$(mb "$rss")
	else
		cell_w=n/a cell_rps=n/a cell_x=n/a cell_rss=n/a
	fi
	[ -n "$bx" ] && cell_w="$cell_w (exit $bx)"
	if [ -f "$RES/$c.verify" ]; then
		read -r v _ < "$RES/$c.verify"
		[ "$v" = "$n" ] || cell_w="$cell_w ⚠ $v/$n ok"
	fi
	printf '| %s | %s | %s | %s | %s | %s |\n' "$(label "$c")" "$cell_w" "$cell_rps" "$cell_x" \
		"$cell_rss" "$(kinstr "${INSTR[$c]:-}")"
}

{
	echo "# volley benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr)"
	if [ "$VOLLEY_OK" = 1 ]; then
		rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || rev="no commit"
		[ "$rev" != "no commit" ] && ! git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null && rev="$rev, src modified"
		echo "- volley: $(timeout 5 "$VOLLEY" --version 2>/dev/null | head -n 1) ($rev)"
	else
		echo "- volley: not built ($VOLLEY missing)"
	fi
	echo "- $(curl -V | head -n 1 | cut -d' ' -f1-3); $(wget2 --version 2>/dev/null | head -n 1 | sed 's/ - .*//'); aiohttp $("${PYTHON:-false}" -c 'import aiohttp; print(aiohttp.__version__)' 2>/dev/null || echo n/a); $(nginx -v 2>&1 | sed 's/.*: //'); $(valgrind --version 2>/dev/null)"
	echo "- N=$N URLs, C=$C, RUNS=$RUNS interleaved rounds (medians), server: nginx on 127.0.0.1, ~90-byte JSON bodies, keep-alive"
	echo
	echo "## Throughput (HTTP/1.1)"
	echo
	echo "| tool / case | median wall s | req/s | × curl -Z | peak RSS MB | instr/req |"
	echo "|---|--:|--:|--:|--:|--:|"
	for c in "${MAIN_CASES[@]}"; do row "$c" "$N" "$CURL_RPS"; done
	echo
	if [ "$CALLGRIND_N" -gt 0 ]; then
		echo "instr/req: callgrind, (I($((2 * CALLGRIND_N)) URLs) − I($CALLGRIND_N URLs)) / $CALLGRIND_N, all threads, -c $C; startup cost cancels out."
		echo
	fi
	if [ "$FLOOR_OK" = 1 ]; then
		echo "The floor rows are not a tool: tests/bench/floor.c is a bare libcurl multi-socket loop on libevent"
		echo "(reused easy handles, bodies discarded, one status line per URL). They show what the linked"
		echo "libcurl ($(curl-config --version 2>/dev/null || curl -V | head -n 1 | cut -d' ' -f1-2)) costs per request before a client does anything of its own."
		echo
	fi
	if [ -n "$SLOW_BASE" ]; then
		ideal=$(awk -v n="$LAT_N" -v c="$LAT_C" 'BEGIN { w = int((n + c - 1) / c); printf "%.2f", w * 0.1 }')
		echo "## Latency-bound: $LAT_N URLs × 100 ms, -c $LAT_C (ideal ${ideal} s)"
		echo
		echo "server: $SLOW_DESC"
		echo
		echo "| tool | median wall s | over ideal | peak RSS MB |"
		echo "|---|--:|--:|--:|"
		for c in "${LAT_CASES[@]}"; do
			w=$(med_wall "$c")
			if [ -n "$w" ]; then
				over=$(awk -v w="$w" -v i="$ideal" 'BEGIN { printf "%+.0f%%", (w - i) / i * 100 }')
				printf '| %s | %.2f | %s | %s |\n' "$(label "$c")" "$w" "$over" "$(mb "$(med_rss "$c")")"
			else
				printf '| %s | n/a%s | n/a | n/a |\n' "$(label "$c")" "$( bx=$(bad_exits "$c"); [ -n "$bx" ] && echo " (exit $bx)")"
			fi
		done
		echo
		echo "curl and aiohttp on the same server show what is achievable here (server + loopback + a client that does little work)."
		echo
	fi
	[ -s "$TMP/capped.md" ] && cat "$TMP/capped.md"
	if [ "$H2_OK" = 1 ]; then
		echo "## HTTP/2 (h2c prior knowledge): $N URLs, -c $C"
		echo
		echo "| tool | median wall s | req/s | × curl -Z h2 | peak RSS MB | ok/$N |"
		echo "|---|--:|--:|--:|--:|--:|"
		for c in "${H2_CASES[@]}"; do
			w=$(med_wall "$c"); v=n/a
			[ -f "$RES/$c.verify" ] && read -r v _ < "$RES/$c.verify"
			if [ -n "$w" ]; then
				rps=$(rps_of "$N" "$w")
				printf '| %s | %.3f | %s | %s | %s | %s |\n' "$(label "$c")" "$w" "$rps" \
					"$(ratio "$rps" "$H2_CURL_RPS")" "$(mb "$(med_rss "$c")")" "$v"
			else
				bx=$(bad_exits "$c")
				printf '| %s | n/a%s | n/a | n/a | n/a | %s |\n' "$(label "$c")" "${bx:+ (exit $bx)}" "$v"
			fi
		done
		echo
		if grep -q 'HTTP2 framing layer' "$TMP/warnings"; then
			echo "curl 7.88.x cannot reuse an h2c prior-knowledge connection (\"Error in the HTTP2 framing layer\","
			echo "curl/curl#10634, fixed in 8.0.0); libcurl-based clients of that version are affected too."
			echo
		fi
	fi
	if [ ${#MEM_ROWS[@]} -gt 0 ]; then
		echo "## Memory: URLs streamed through a pipe, --body none, -c $C, -o /dev/null"
		echo
		echo "| case | URLs | wall s | req/s | peak RSS MB | exit |"
		echo "|---|--:|--:|--:|--:|--:|"
		printf '%s\n' "${MEM_ROWS[@]}"
		echo
		echo "Flat memory: peak RSS at $BIG_N URLs should match $SMALL_N URLs."
		echo
	fi
	if [ -s "$TMP/warnings" ]; then
		echo "## Warnings"
		echo
		sed 's/^/- /' "$TMP/warnings"
		echo
	fi
	echo "Total benchmark time: $(( $(date +%s) - T_START )) s."
} > "$TMP/report.md"

say ""
cat "$TMP/report.md"
cp "$TMP/report.md" "$REPORT" && say "(saved to ${REPORT#"$ROOT"/})"
[ -n "$(cat "$TMP/error.log" 2>/dev/null)" ] && { say "nginx error.log:"; tail -n 5 "$TMP/error.log"; }
exit 0
