#!/bin/sh
# volley benchmark: volley vs curl -Z, wget2, an aiohttp gather script and wrk,
# against nginx on loopback, on two libcurls side by side: the system's
# (volley, tests/bench/floor, /usr/bin/curl) and 8.x unpacked by
# tests/curl8.sh into build-curl8/root (volley-curl8, tests/bench/floor-curl8,
# build-curl8/root/bin/curl, run with LD_LIBRARY_PATH pointing there).
# `make bench` builds all of them and runs `sh tests/bench/run.sh` from the
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
H2_N=${H2_N:-10000}             # URLs per HTTP/2 run (h2c and h2 over TLS)
AIOHTTP_RUNS=${AIOHTTP_RUNS:-1} # rounds aiohttp takes part in (it is 5-10x slower)
CALLGRIND_N=${CALLGRIND_N:-2000} # callgrind at K and 2K URLs; 0 = skip
CALLGRIND_REPS=${CALLGRIND_REPS:-4} # callgrind repetitions (median, range)
CALLGRIND_ALL=${CALLGRIND_ALL:-0} # 1: also floor -lean, curl -Z, wget2 under callgrind
BIG_N=${BIG_N:-200000}          # streamed URLs for the memory case; 0 = skip
SMALL_N=${SMALL_N:-10000}       # memory comparison point
LAT_N=${LAT_N:-1000}            # latency-bound case: URLs of 100 ms each ...
LAT_C=${LAT_C:-100}             # ... at this concurrency; 0 = skip
CAP_N=${CAP_N:-400}             # capped-host case (tests/bench/capped.sh); 0 = skip
CAP_CURL=${CAP_CURL:-0}         # 1: curl -Z --retry in the capped case too (~4 min of backoff)
MIX_N=${MIX_N:-2000}            # mixed list: URLs, of which 2% take MIX_SLOW_MS; 0 = skip
MIX_SLOW_MS=${MIX_SLOW_MS:-1200}
PAUSE_N=${PAUSE_N:-300}         # paused reader: 5 KB bodies at -t 1s, reader asleep 3 s; 0 = skip
WRK_DURATION=${WRK_DURATION:-5s}
VOLLEY=${VOLLEY:-$ROOT/volley}
FLOOR=${FLOOR:-$ROOT/tests/bench/floor}  # bare libcurl client (make tests/bench/floor)
CURL7=${CURL7:-/usr/bin/curl}            # the curl tool of the system libcurl
[ -x "$CURL7" ] || CURL7=$(command -v curl)
BENCH_CURL8=${BENCH_CURL8:-1}            # 0: the system libcurl only
CURL8_ROOT=${CURL8_ROOT:-$ROOT/build-curl8/root}  # tests/curl8.sh's prefix
VOLLEY8=${VOLLEY8:-$ROOT/volley-curl8}
FLOOR8=${FLOOR8:-$ROOT/tests/bench/floor-curl8}
FIXTURE=${FIXTURE:-$ROOT/tests/server/fixture}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-300}        # seconds, any single measured run
SERVER_LIFETIME=${SERVER_LIFETIME:-1800} # seconds, servers never outlive this
REPORT=${REPORT:-$BENCH/last-run.md}
KEEP_TMP=${KEEP_TMP:-0}

for v in N C RUNS CAP_CURL H2_N AIOHTTP_RUNS CALLGRIND_N CALLGRIND_REPS CALLGRIND_ALL BENCH_CURL8 BIG_N SMALL_N LAT_N LAT_C CAP_N MIX_N MIX_SLOW_MS PAUSE_N TOOL_TIMEOUT SERVER_LIFETIME; do
	x=${!v}
	case $x in ''|*[!0-9]*) echo "run.sh: $v must be a non-negative integer (got '$x')" >&2; exit 2;; esac
done
if [ "$N" -lt 1 ] || [ "$C" -lt 1 ] || [ "$RUNS" -lt 1 ] || [ "$H2_N" -lt 1 ] || [ "$CALLGRIND_REPS" -lt 1 ]; then
	echo "run.sh: N, C, RUNS, H2_N, CALLGRIND_REPS must be >= 1" >&2; exit 2
fi

T_START=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
# The commit measured: taken now, before a checkout or merge during the run
# could move HEAD away from the binaries built for it.
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || rev="no commit"
if [ "$rev" != "no commit" ]; then
	rev="$rev on $(git -C "$ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null), $(git -C "$ROOT" log -1 --format=%cd --date=short 2>/dev/null)"
	git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || rev="$rev, src modified"
fi
echo "load average before: ${LOAD_BEFORE:-n/a}"
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
PKGS="nginx-light curl wget2 python3-aiohttp wrk valgrind jq openssl"
[ -x /usr/bin/time ] || PKGS="$PKGS time"
# shellcheck disable=SC2086  # one word per package
sh "$ROOT/tests/deps.sh" $PKGS || warn "tests/deps.sh failed; continuing with what is installed"
for t in nginx "$CURL7" jq /usr/bin/time timeout; do
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
read -r -d '' PORT H2PORT H2SPORT SLOWPORT < <(free_ports 4 | tr '\n' ' '; printf '\0')
[ -n "${SLOWPORT:-}" ] || { echo "run.sh: could not pick free ports" >&2; exit 1; }

# ---- the two libcurls --------------------------------------------------------
# curl_ver CURL [LD_LIBRARY_PATH]: the libcurl version the curl tool runs with.
curl_ver() {
	LD_LIBRARY_PATH=${2:-${LD_LIBRARY_PATH:-}} "$1" -V 2>/dev/null |
		sed -n '1s|.* libcurl/\([^ ]*\).*|\1|p'
}
LIB8=$CURL8_ROOT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
V7=$(curl_ver "$CURL7"); V7=${V7:-system}
V8='' CURL8_OK=0 VOLLEY8_OK=0 FLOOR8_OK=0 CURL8_WHY=
if [ "$BENCH_CURL8" = 0 ]; then
	CURL8_WHY="BENCH_CURL8=0"
elif [ ! -x "$CURL8_ROOT/bin/curl" ]; then
	CURL8_WHY="$CURL8_ROOT/bin/curl missing (make volley-curl8)"
else
	V8=$(curl_ver "$CURL8_ROOT/bin/curl" "$LIB8")
	if [ -n "$V8" ] && [ "$V8" != "$V7" ]; then CURL8_OK=1
	else CURL8_WHY="$CURL8_ROOT/bin/curl runs with libcurl '${V8:-?}'"; fi
fi
# loads_lib8 BINARY: the binary runs with the libcurl under CURL8_ROOT.
loads_lib8() {
	[ -x "$1" ] && LD_LIBRARY_PATH=$LIB8 ldd "$1" 2>/dev/null |
		grep 'libcurl\.so' | grep -qF "$CURL8_ROOT/"
}
if [ "$CURL8_OK" = 1 ]; then
	if loads_lib8 "$VOLLEY8"; then VOLLEY8_OK=1; else warn "$VOLLEY8 missing or not linked to $CURL8_ROOT: no volley rows on libcurl $V8 (make volley-curl8)"; fi
	if loads_lib8 "$FLOOR8"; then FLOOR8_OK=1; else warn "$FLOOR8 missing or not linked to $CURL8_ROOT: no floor rows on libcurl $V8 (make tests/bench/floor-curl8)"; fi
	VERSIONS=(7 8)
else
	warn "libcurl 8 not measured: $CURL8_WHY"
	VERSIONS=(7)
fi
declare -A VNAME=([7]="$V7" [8]="${V8:-8.x}")
say "libcurl: ${VNAME[7]} (system)${V8:+, ${VNAME[8]} ($CURL8_ROOT/lib)}"

# ---- TLS certificate for h2 over TLS -------------------------------------------
TLS_OK=0
if have openssl && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	-nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >"$TMP/openssl.log" 2>&1; then
	TLS_OK=1
else
	warn "no self-signed certificate (openssl missing or failed): skipping h2 over TLS"
fi

# ---- nginx -------------------------------------------------------------------
tls_drop=; [ "$TLS_OK" = 1 ] || tls_drop='/# BEGIN TLS/,/# END TLS/d'
sed -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$PORT|g" -e "s|@H2PORT@|$H2PORT|g" \
	-e "s|@H2SPORT@|$H2SPORT|g" ${tls_drop:+-e "$tls_drop"} \
	"$BENCH/nginx.conf.in" > "$TMP/nginx.conf"
timeout "$SERVER_LIFETIME" nginx -p "$TMP/" -c "$TMP/nginx.conf" -e "$TMP/error.log" \
	-g 'daemon off;' >"$TMP/nginx.out" 2>&1 &
NGINX_PID=$!
up=0
for _ in $(seq 100); do
	if "$CURL7" -sf -m 1 -o /dev/null "http://127.0.0.1:$PORT/item/0"; then up=1; break; fi
	kill -0 "$NGINX_PID" 2>/dev/null || break
	sleep 0.1
done
if [ $up != 1 ]; then
	echo "run.sh: nginx did not come up on 127.0.0.1:$PORT" >&2
	cat "$TMP/error.log" "$TMP/nginx.out" >&2 2>/dev/null
	exit 1
fi
H2_OK=0
[ "$("$CURL7" -s -m 2 --http2-prior-knowledge -o /dev/null -w '%{http_version}' \
	"http://127.0.0.1:$H2PORT/item/0")" = 2 ] && H2_OK=1
[ $H2_OK = 1 ] || warn "nginx h2c port $H2PORT does not answer HTTP/2; skipping the h2c case"
H2S_OK=0
if [ "$TLS_OK" = 1 ]; then
	[ "$("$CURL7" -s -m 2 --http2 --cacert "$TMP/cert.pem" -o /dev/null -w '%{http_version}' \
		"https://127.0.0.1:$H2SPORT/item/0")" = 2 ] && H2S_OK=1
	[ $H2S_OK = 1 ] || warn "nginx TLS port $H2SPORT does not answer HTTP/2; skipping h2 over TLS"
fi
say "nginx up: http/1.1 127.0.0.1:$PORT, h2c 127.0.0.1:$H2PORT, h2 (TLS) 127.0.0.1:$H2SPORT (tmp $TMP)"

# ---- latency-bound server: repo fixture if built, else slow_server.py --------
SLOW_BASE=   # URL prefix; the request index is appended
SLOW_DESC=
FIX_BASE=    # the fixture's http://127.0.0.1:PORT, when it runs
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
	r=$("$CURL7" -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$fport/delay/100/0")
	case $r in
	200\ 0.0[0-8]*) warn "fixture /delay/100 answered too fast ($r)"; return 1;;
	200\ *) SLOW_BASE="http://127.0.0.1:$fport/delay/100/"; SLOW_DESC="tests/server/fixture /delay/100"
		FIX_BASE="http://127.0.0.1:$fport"; return 0;;
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
if { [ "$LAT_N" -gt 0 ] && [ "$LAT_C" -gt 0 ]; } || [ "$MIX_N" -gt 0 ] || [ "$PAUSE_N" -gt 0 ]; then
	if start_fixture; then :; else
		[ -n "$FIXTURE_PID" ] && kill "$FIXTURE_PID" 2>/dev/null
		FIXTURE_PID=
		start_slow_py || warn "no latency server (fixture not built, python3-aiohttp missing?); skipping the latency case"
	fi
fi
# the fixture may run for the mixed list alone
{ [ "$LAT_N" -gt 0 ] && [ "$LAT_C" -gt 0 ]; } || SLOW_BASE=
[ -n "$SLOW_BASE" ] && say "latency server: $SLOW_DESC at ${SLOW_BASE}<n>"

# ---- URL lists -----------------------------------------------------------------
gen_urls() { # count prefix
	awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) print p i }'
}
to_cfg() { sed 's/.*/url = "&"/'; }  # curl -K config: one url = line per URL
gen_urls "$N" "http://127.0.0.1:$PORT/item/" > "$TMP/urls"
to_cfg < "$TMP/urls" > "$TMP/urls.cfg"
gen_urls "$H2_N" "http://127.0.0.1:$H2PORT/item/" > "$TMP/h2.urls"
to_cfg < "$TMP/h2.urls" > "$TMP/h2.cfg"
gen_urls "$H2_N" "https://127.0.0.1:$H2SPORT/item/" > "$TMP/h2s.urls"
to_cfg < "$TMP/h2s.urls" > "$TMP/h2s.cfg"
if [ -n "$SLOW_BASE" ]; then
	gen_urls "$LAT_N" "$SLOW_BASE" > "$TMP/lat.urls"
	to_cfg < "$TMP/lat.urls" > "$TMP/lat.cfg"
fi
# The mixed list: fast nginx URLs, and every 50th (2%) a fixture URL that
# answers after MIX_SLOW_MS.
if [ -n "$FIX_BASE" ] && [ "$MIX_N" -gt 0 ]; then
	awk -v n="$MIX_N" -v f="http://127.0.0.1:$PORT/item/" -v s="$FIX_BASE/delay/$MIX_SLOW_MS/" \
		'BEGIN { for (i = 0; i < n; i++) print (i % 50 == 7 ? s : f) i }' > "$TMP/mix.urls"
	to_cfg < "$TMP/mix.urls" > "$TMP/mix.cfg"
fi

# ---- cases ---------------------------------------------------------------------
# A case is a base name, with @7 (the system libcurl) or @8 (libcurl 8 under
# CURL8_ROOT) appended when the tool is built on libcurl: volley-g@8 is
# volley-curl8 -m gather.  wget2, aiohttp and wrk have no version.
# set_case NAME SINK: sets CMD (argv), IN, OUT (stdout file) and ENVV (the
# environment assignments: LD_LIBRARY_PATH for @8) for case NAME, with the
# results going to SINK (/dev/null for timed runs, a file for verification).
# URL lists come from $URLS / $CFG / $H2URLS / $H2CFG / $LATURLS / $LATCFG ...
URLS=$TMP/urls CFG=$TMP/urls.cfg H2URLS=$TMP/h2.urls H2CFG=$TMP/h2.cfg
H2SURLS=$TMP/h2s.urls H2SCFG=$TMP/h2s.cfg CERT=$TMP/cert.pem
LATURLS=$TMP/lat.urls LATCFG=$TMP/lat.cfg MIXURLS=$TMP/mix.urls MIXCFG=$TMP/mix.cfg
base_of() { printf '%s' "${1%@*}"; }
ver_of()  { case $1 in *@*) printf '%s' "${1##*@}";; esac; }
set_case() {
	local s=$2 b v vb=$VOLLEY fb=$FLOOR cb=$CURL7
	b=$(base_of "$1") v=$(ver_of "$1")
	OUT=/dev/null IN=/dev/null ENVV=()
	if [ "$v" = 8 ]; then
		vb=$VOLLEY8 fb=$FLOOR8 cb=$CURL8_ROOT/bin/curl ENVV=("LD_LIBRARY_PATH=$LIB8")
	fi
	case $b in
	volley-g)       CMD=("$vb" -c "$C" -m gather -i "$URLS" -o "$s");;
	volley-ac)      CMD=("$vb" -c "$C" -m as-completed -i "$URLS" -o "$s");;
	volley-ac-nb)   CMD=("$vb" -c "$C" --body none -m as-completed -i "$URLS" -o "$s");;
	volley-g-nb)    CMD=("$vb" -c "$C" --body none -m gather -i "$URLS" -o "$s");;
	floor)          CMD=("$fb" -c "$C"); IN=$URLS; OUT=$s;;
	floor-lean)     CMD=("$fb" -c "$C" -lean); IN=$URLS; OUT=$s;;
	floor-opts)     CMD=("$fb" -c "$C" -opts); IN=$URLS; OUT=$s;;
	curl)           CMD=("$cb" -sZ --parallel-max "$C" -w '%{json}\n' -K "$CFG"); OUT=$s;;
	curl-nw)        CMD=("$cb" -sZ --parallel-max "$C" -K "$CFG"); OUT=$s;;
	wget2)          CMD=(wget2 --no-config --max-threads="$C" -q --no-robots -O "$s" -i "$URLS");;
	aiohttp)        CMD=("$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$C" "$URLS"); OUT=$s;;
	lat-volley)     CMD=("$vb" -c "$LAT_C" -m gather -i "$LATURLS" -o "$s");;
	lat-curl)       CMD=("$cb" -sZ --parallel-max "$LAT_C" -w '%{json}\n' -K "$LATCFG"); OUT=$s;;
	lat-aiohttp)    CMD=("$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$LAT_C" "$LATURLS"); OUT=$s;;
	h2c-volley)     CMD=("$vb" --http2-prior-knowledge -c "$C" -m gather -i "$H2URLS" -o "$s");;
	h2c-curl)       CMD=("$cb" -sZ --parallel-max "$C" --http2-prior-knowledge -w '%{json}\n' -K "$H2CFG"); OUT=$s;;
	h2c-curl-nw)    CMD=("$cb" -sZ --parallel-max "$C" --http2-prior-knowledge -K "$H2CFG"); OUT=$s;;
	h2s-volley)     CMD=("$vb" --http2 --cacert "$CERT" -c "$C" -m gather -i "$H2SURLS" -o "$s");;
	h2s-curl)       CMD=("$cb" -sZ --parallel-max "$C" --http2 --cacert "$CERT" -w '%{json}\n' -K "$H2SCFG"); OUT=$s;;
	mix-volley-g)   CMD=("$vb" -c "$C" -m gather -i "$MIXURLS" -o "$s");;
	mix-volley-ac)  CMD=("$vb" -c "$C" -m as-completed -i "$MIXURLS" -o "$s");;
	mix-curl)       CMD=("$cb" -sZ --parallel-max "$C" -w '%{json}\n' -K "$MIXCFG"); OUT=$s;;
	mix-aiohttp)    CMD=("$PYTHON" "$BENCH/aiohttp_gather.py" --concurrency "$C" "$MIXURLS"); OUT=$s;;
	*) echo "run.sh: unknown case $1" >&2; exit 1;;
	esac
}
label() { # the tool, without the libcurl version
	case $(base_of "$1") in
	volley-g)     echo "volley -m gather (bodies)";;
	volley-ac)    echo "volley -m as-completed (bodies)";;
	volley-ac-nb) echo "volley -m as-completed --body none";;
	volley-g-nb)  echo "volley -m gather --body none";;
	floor)        echo "libcurl floor (tests/bench/floor.c)";;
	floor-lean)   echo "libcurl floor -lean (no User-Agent, Accept)";;
	floor-opts)   echo "libcurl floor -opts (volley's libcurl options)";;
	curl)         echo "curl -Z --parallel-max $C -w '%{json}'";;
	curl-nw)      echo "curl -Z --parallel-max $C (no -w)";;
	wget2)        echo "wget2 --max-threads=$C";;
	aiohttp)      echo "aiohttp gather+Semaphore($C)";;
	wrk)          echo "wrk -t$WRK_T -c$C -d$WRK_DURATION (ceiling)";;
	lat-volley)   echo "volley -c $LAT_C";;
	lat-curl)     echo "curl -Z --parallel-max $LAT_C";;
	lat-aiohttp)  echo "aiohttp gather+Semaphore($LAT_C)";;
	h2c-volley)   echo "volley --http2-prior-knowledge -c $C";;
	h2c-curl)     echo "curl -Z --http2-prior-knowledge --parallel-max $C -w '%{json}'";;
	h2c-curl-nw)  echo "curl -Z --http2-prior-knowledge --parallel-max $C (no -w)";;
	h2s-volley)   echo "volley --http2 --cacert -c $C";;
	h2s-curl)     echo "curl -Z --http2 --cacert --parallel-max $C -w '%{json}'";;
	mix-volley-g)  echo "volley -m gather -c $C";;
	mix-volley-ac) echo "volley -m as-completed -c $C";;
	mix-curl)      echo "curl -Z --parallel-max $C (no order)";;
	mix-aiohttp)   echo "aiohttp gather+Semaphore($C)";;
	esac
}
vlabel() { # label plus the libcurl version, for progress lines and warnings
	local v; v=$(ver_of "$1")
	if [ -n "$v" ]; then echo "$(label "$1") [${VNAME[$v]}]"; else label "$1"; fi
}
expected() { case $1 in lat-*) echo "$LAT_N";; mix-*) echo "$MIX_N";; h2*) echo "$H2_N";; *) echo "$N";; esac; }
# h2_log NAME: the nginx access log of the server the case talks to (h2 cases).
h2_log() { case $1 in h2c-*) echo "$TMP/h2c.log";; h2s-*) echo "$TMP/h2s.log";; esac; }
# Decided once, so a binary that appears (or is rebuilt away) mid-run does not
# give a half-filled report.
VOLLEY_OK=0; [ -x "$VOLLEY" ] && VOLLEY_OK=1
FLOOR_OK=0; [ -x "$FLOOR" ] && FLOOR_OK=1
available() {
	local b v
	b=$(base_of "$1") v=$(ver_of "$1")
	case $b in
	volley*|*-volley|mix-volley*)
		if [ "$v" = 8 ]; then [ "$VOLLEY8_OK" = 1 ] || return 1
		else [ "$VOLLEY_OK" = 1 ] || return 1; fi;;
	floor*)
		if [ "$v" = 8 ]; then [ "$FLOOR8_OK" = 1 ] || return 1
		else [ "$FLOOR_OK" = 1 ] || return 1; fi;;
	wget2) have wget2 || return 1;;
	wrk)   have wrk || return 1;;
	aiohttp|*-aiohttp) [ -n "$PYTHON" ] || return 1;;
	esac
	[ "$v" != 8 ] || [ "$CURL8_OK" = 1 ] || return 1
	case $b in
	lat-*) [ -n "$SLOW_BASE" ] || return 1;;
	h2c-*) [ "$H2_OK" = 1 ] || return 1;;
	h2s-*) [ "$H2S_OK" = 1 ] || return 1;;
	mix-*) [ -s "$MIXURLS" ] || return 1;;
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

# conn_count NAME LOG OFFSET ROUND: the connections of one h2 run, from the
# access log lines ("$connection $connection_requests $status") past OFFSET.
# nginx logs a request after answering it: wait (up to 1 s) for the
# expected count.  Appends "connections max_per_connection n_200 round"
# to $RES/NAME.conn.
conn_count() {
	local name=$1 log=$2 off=$3 round=$4 want lines
	want=$(expected "$name")
	for _ in $(seq 20); do
		lines=$(tail -c +"$((off + 1))" "$log" | wc -l)
		[ "$lines" -ge "$want" ] && break
		sleep 0.05
	done
	tail -c +"$((off + 1))" "$log" | awk -v r="$round" '
		{ n[$1]++; if ($3 == 200) ok++ }
		END { c = 0; m = 0; for (k in n) { c++; if (n[k] > m) m = n[k] }
		      printf "%d %d %d %s\n", c, m, ok + 0, r }' >> "$RES/$name.conn"
}
log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# run_timed NAME ROUND: one measured run; appends "wall_s rss_kb exit round"
# to $RES/NAME.
run_timed() {
	local name=$1 round=$2 rc wall rss t0 t1 log off=0
	set_case "$name" /dev/null
	log=$(h2_log "$name"); [ -n "$log" ] && off=$(log_size "$log")
	t0=${EPOCHREALTIME:-}
	env "${ENVV[@]}" /usr/bin/time -f '%e %M' -o "$TMP/time.out" \
		timeout -k 5 "$TOOL_TIMEOUT" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/err.$name"
	rc=$?
	t1=${EPOCHREALTIME:-}
	read -r wall rss < <(tail -n 1 "$TMP/time.out")
	case $wall in ''|*[!0-9.]*) wall=0 rss=0;; esac
	wall=$(precise "$wall" "$t0" "$t1")
	echo "$wall $rss $rc $round" >> "$RES/$name"
	[ -n "$log" ] && conn_count "$name" "$log" "$off" "$round"
	printf '  %-58s %8ss %8s KB  exit %s\n' "$(vlabel "$name")" "$wall" "$rss" "$rc"
	if [ "$rc" != 0 ]; then
		# last lines of stderr, without curl's -Z progress meter (printed despite -s)
		tr '\r' '\n' < "$TMP/err.$name" | grep -v -e '--:--:--' -e '^DL% ' -e '^ *$' |
			tail -n 3 | sed 's/^/    | /'
	fi
}

# verify NAME: an untimed run (also the warm-up) whose results are checked.
# Writes "good total exit" to $RES/NAME.verify and warns when good != expected.
verify() {
	local name=$1 n rc sink=$TMP/verify.out good=0 total=0 extra='' log off=0
	n=$(expected "$name")
	rm -f "$sink"
	set_case "$name" "$sink"
	log=$(h2_log "$name"); [ -n "$log" ] && off=$(log_size "$log")
	env "${ENVV[@]}" timeout -k 5 "$TOOL_TIMEOUT" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/err.$name"
	rc=$?
	[ -n "$log" ] && conn_count "$name" "$log" "$off" 0
	[ -f "$sink" ] || : > "$sink"
	case $(base_of "$name") in
	volley*|*-volley|mix-volley*)
		total=$(wc -l < "$sink")
		good=$(jq -c .ok < "$sink" 2>/dev/null | grep -c '^true$')
		case $name in h2*)
			local h2
			h2=$(jq -r .http_version < "$sink" 2>/dev/null | grep -c '^2')
			[ "$h2" = "$n" ] || extra=" (only $h2 records with http_version 2)";;
		esac
		if [ "$good" != "$n" ]; then
			extra="$extra$(jq -r 'select(.ok != true) | .error.message // "status \(.status)"' < "$sink" 2>/dev/null |
				sort | uniq -c | sort -rn | head -n 1 | sed 's/^ *\([0-9]*\) \(.*\)/ (\1x "\2")/')"
		fi;;
	curl-nw|*-curl-nw)
		total=$(wc -l < "$sink")   # each body is one line
		good=$(grep -c '"ok":true' "$sink");;
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
		warn "$(vlabel "$name"): $total results, $good ok, expected $n (exit $rc)$extra"
	fi
	rm -f "$sink"
}

WRK_T=2; [ "$C" -lt 2 ] && WRK_T=1
run_wrk() { # ROUND: appends "req/s round" to $RES/wrk
	local rps
	timeout -k 5 60 wrk -t"$WRK_T" -c"$C" -d"$WRK_DURATION" "http://127.0.0.1:$PORT/item/1" \
		>"$TMP/wrk.out" 2>&1
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
	if [ -n "$rps" ]; then
		echo "$rps $1" >> "$RES/wrk"
		grep -E 'Non-2xx|Socket errors' "$TMP/wrk.out" | while read -r l; do warn "wrk: $l"; done
	else
		warn "wrk produced no Requests/sec line"
	fi
	printf '  %-58s %9s req/s\n' "$(label wrk)" "${rps:-?}"
}

# rounds CASE...: verify each available case once, then RUNS interleaved
# rounds (aiohttp only in the first AIOHTTP_RUNS of them).  Each round
# starts at another place in the list (rotated by about n/RUNS cases, never
# between a tool's two libcurls), so no case always runs first, after the
# previous round's last (wrk saturates both cores for WRK_DURATION).
rounds() {
	local cs=() c r i n off
	for c in "$@"; do
		if available "$c"; then cs+=("$c"); fi
	done
	n=${#cs[@]}
	[ "$n" -gt 0 ] || return 0
	say "warm-up + verification"
	for c in "${cs[@]}"; do [ "$c" = wrk ] || verify "$c"; done
	for r in $(seq "$RUNS"); do
		say "round $r/$RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
		off=$(( (r - 1) * (n / RUNS > 0 ? n / RUNS : 1) % n ))
		# not between a tool's two libcurls
		while [ "$off" -gt 0 ] && [ "$(base_of "${cs[$off]}")" = "$(base_of "${cs[$((off - 1))]}")" ]; do
			off=$((off - 1))
		done
		for i in $(seq 0 $((n - 1))); do
			c=${cs[$(( (i + off) % n ))]}
			case $c in
			wrk) run_wrk "$r";;
			aiohttp|*-aiohttp) [ "$r" -le "$AIOHTTP_RUNS" ] && run_timed "$c" "$r";;
			*) run_timed "$c" "$r";;
			esac
		done
	done
}
# versioned BASE: the tool is built on libcurl (one case per libcurl).
versioned() { case $1 in wget2|aiohttp|wrk) return 1;; esac; return 0; }
# cases BASE...: the case names, both libcurls of a tool side by side.
cases() {
	local b v
	for b in "$@"; do
		if versioned "$b"; then
			for v in "${VERSIONS[@]}"; do echo "$b@$v"; done
		else
			echo "$b"
		fi
	done
}

# ---- statistics ----------------------------------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
med_wall() { [ -f "$RES/$1" ] && awk '$3 == 0 { print $1 }' "$RES/$1" | median; }
med_rss()  { [ -f "$RES/$1" ] && awk '$3 == 0 { print $2 }' "$RES/$1" | median; }
bad_exits() { [ -f "$RES/$1" ] && awk '$3 != 0 { print $3 }' "$RES/$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
rps_of() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t }'; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
mb()     { awk -v k="$1" 'BEGIN { if (k != "") printf "%.1f", k / 1024; else printf "n/a" }'; }
kinstr() { awk -v i="$1" 'BEGIN { if (i == "") printf "n/a"; else if (i >= 1e6 || i <= -1e6) printf "%.2fM", i / 1e6; else printf "%.1fk", i / 1e3 }'; }
# rps_rounds NAME: "round req/s" for each run that exited 0.
rps_rounds() {
	[ -f "$RES/$1" ] || return 0
	if [ "$1" = wrk ]; then awk '{ print $2, $1 }' "$RES/wrk"
	else awk -v n="$(expected "$1")" '$3 == 0 && $1 > 0 { print $4, n / $1 }' "$RES/$1"; fi
}
# rps_stats NAME: "median min max" req/s over the runs that exited 0.
rps_stats() {
	rps_rounds "$1" | awk '{ print $2 }' | sort -g |
		awk '{ a[NR] = $1 } END { if (NR == 0) exit
			m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "%.0f %.0f %.0f\n", m, a[1], a[NR] }'
}
# xratio NAME BASE: median over the rounds both ran (exit 0) of
# req/s(NAME) / req/s(BASE) in that round; n/a without a common round.
xratio() {
	awk 'NR == FNR { b[$1] = $2; next } ($1 in b) && b[$1] > 0 { print $2 / b[$1] }' \
		<(rps_rounds "$2") <(rps_rounds "$1") | median |
		awk '{ printf "%.2f", $1 } END { if (NR == 0) printf "n/a" }'
}
# conn_stats NAME: "median_connections max_requests_on_one median_200s" over
# the timed runs (round >= 1).
conn_stats() {
	[ -f "$RES/$1.conn" ] || return 0
	local c m o
	c=$(awk '$4 > 0 { print $1 }' "$RES/$1.conn" | median)
	m=$(awk '$4 > 0 && $2 > m { m = $2 } END { print m + 0 }' "$RES/$1.conn")
	o=$(awk '$4 > 0 { print $3 }' "$RES/$1.conn" | median)
	[ -n "$c" ] && echo "$c $m $o"
}
# met VALUE OP LIMIT: "met" or "NOT met" (n/a when VALUE is not a number).
met() {
	awk -v x="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (x !~ /^-?[0-9.]+$/) { printf "n/a"; exit }
		ok = (op == ">=") ? (x + 0 >= l + 0) : (x + 0 <= l + 0)
		printf "%s", ok ? "met" : "NOT met" }'
}

# lap NAME: the seconds since the last lap, for the report's last line.
LAPS='' LAP_T=$SECONDS
lap() {
	[ $((SECONDS - LAP_T)) -gt 0 ] && LAPS="$LAPS${LAPS:+, }$1 $((SECONDS - LAP_T)) s"
	LAP_T=$SECONDS
}
lap setup

# ---- 1. throughput -------------------------------------------------------------
say ""
say "== throughput: $N URLs, -c $C, $RUNS rounds, libcurl $(for v in "${VERSIONS[@]}"; do printf '%s ' "${VNAME[$v]}"; done)=="
[ "$VOLLEY_OK" = 1 ] || warn "volley binary $VOLLEY not found: volley rows are n/a (run make first)"
MAIN_BASES=(volley-g volley-ac volley-ac-nb volley-g-nb floor floor-lean curl curl-nw wget2 aiohttp wrk)
mapfile -t MAIN_CASES < <(cases "${MAIN_BASES[@]}")
rounds "${MAIN_CASES[@]}"

lap HTTP/1.1

# ---- 2. latency-bound ------------------------------------------------------------
LAT_CASES=(lat-volley lat-curl lat-aiohttp)
if [ -n "$SLOW_BASE" ]; then
	say ""
	say "== latency-bound: $LAT_N URLs x 100 ms, -c $LAT_C =="
	rounds "${LAT_CASES[@]}"
fi

lap latency

# ---- 2b. capped host: a server that takes 8 at once, 429 beyond -------------------
if [ "$CAP_N" -gt 0 ] && [ "$VOLLEY_OK" = 1 ] && [ -x "$FIXTURE" ]; then
	say ""
	CAP_N=$CAP_N VOLLEY=$VOLLEY FIXTURE=$FIXTURE PYTHON=${PYTHON:-python3} CAP_CURL=$CAP_CURL \
		TOOL_TIMEOUT=$TOOL_TIMEOUT bash "$BENCH/capped.sh" > "$TMP/capped.md" ||
		warn "capped-host case failed (tests/bench/capped.sh)"
	[ "$CAP_CURL" = 0 ] && [ -s "$TMP/capped.md" ] &&
		printf '%s\n\n' "(curl -Z --retry not run: CAP_CURL=0; CAP_CURL=1 adds it, about 4 minutes of its backoff.)" >> "$TMP/capped.md"
fi

lap capped

# ---- 3. HTTP/2: h2c (prior knowledge) and h2 over TLS, connections counted -----------
# curl -Z without -w over h2c only where it can work: libcurl 7.x cannot
# reuse an h2c prior-knowledge connection (curl#10634), the -w row shows it.
H2_BASES=(h2c-volley h2c-curl h2c-curl-nw h2s-volley h2s-curl)
H2_CASES=()
for c in $(cases "${H2_BASES[@]}"); do
	case $c@${VNAME[$(ver_of "$c")]} in h2c-curl-nw@*@7.*) continue;; esac
	H2_CASES+=("$c")
done
if [ "$H2_OK" = 1 ] || [ "$H2S_OK" = 1 ]; then
	say ""
	say "== HTTP/2 (h2c prior knowledge; h2 over TLS): $H2_N URLs, -c $C =="
	rounds "${H2_CASES[@]}"
fi

lap HTTP/2

# ---- 3b. mixed list: a few slow URLs among fast ones -----------------------------------
MIX_CASES=(mix-volley-g mix-volley-ac mix-curl mix-aiohttp)
if [ -s "$MIXURLS" ]; then
	say ""
	say "== mixed list: $MIX_N URLs, 2% take $MIX_SLOW_MS ms, -c $C =="
	rounds "${MIX_CASES[@]}"
fi

lap mixed

# ---- 3c. paused reader: the reader sleeps 3 s, -t 1s ---------------------------------
PAUSE_ROW=
if [ "$PAUSE_N" -gt 0 ] && [ "$VOLLEY_OK" = 1 ] && [ -n "$FIX_BASE" ]; then
	say ""
	say "== paused reader: $PAUSE_N URLs of 5 KB, -c $C -t 1s, | (sleep 3; cat) =="
	gen_urls "$PAUSE_N" "$FIX_BASE/bytes/5000?n=" > "$TMP/pause.urls"
	t0=${EPOCHREALTIME:-}
	timeout -k 5 "$TOOL_TIMEOUT" "$VOLLEY" -c "$C" -t 1s -i "$TMP/pause.urls" 2>/dev/null |
		{ sleep 3; cat; } > "$TMP/pause.out"
	t1=${EPOCHREALTIME:-}
	p_wall=$(precise "" "$t0" "$t1")
	p_total=$(wc -l < "$TMP/pause.out")
	p_to=$(jq -c 'select(.error.kind == "timeout")' < "$TMP/pause.out" 2>/dev/null | wc -l)
	p_ok=$(jq -c 'select(.ok)' < "$TMP/pause.out" 2>/dev/null | wc -l)
	printf '  %-40s %8ss  %s records, %s ok, %s timeouts\n' "volley -c $C -t 1s" "$p_wall" "$p_total" "$p_ok" "$p_to"
	PAUSE_ROW="| volley -c $C -t 1s \| (sleep 3; cat) | $PAUSE_N | ${p_wall:-n/a} | $p_total | $p_ok | $p_to |"
fi

lap paused

# ---- 4. instructions per request (callgrind) -------------------------------------
# (I(2K) - I(K)) / K, CALLGRIND_REPS times, the cases interleaved in each
# repetition; $RES/cg.NAME gets "rep instr_per_request" lines.
cg_total() { # NAME LIST CFG -> total instructions on stdout (empty on failure)
	local name=$1 rc tot
	URLS=$2 CFG=$3 set_case "$name" /dev/null
	env "${ENVV[@]}" timeout -k 5 "$((TOOL_TIMEOUT * 2))" valgrind --tool=callgrind \
		--callgrind-out-file="$TMP/cg.out" "${CMD[@]}" <"$IN" >"$OUT" 2>"$TMP/cg.err"
	rc=$?
	tot=$(awk '/^summary:/ { print $2; exit }' "$TMP/cg.out" 2>/dev/null)
	[ -n "$tot" ] || tot=$(awk '/^totals:/ { print $2; exit }' "$TMP/cg.out" 2>/dev/null)
	[ -n "$tot" ] || tot=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$TMP/cg.err" | tail -n 1)
	rm -f "$TMP/cg.out"
	if [ "$rc" != 0 ]; then warn "callgrind $(vlabel "$name") exit $rc"; return 1; fi
	echo "$tot"
}
CG_CASES=()
if [ "$CALLGRIND_N" -gt 0 ] && have valgrind; then
	K=$CALLGRIND_N
	say ""
	say "== callgrind: instructions per request = (I(2K) - I(K)) / K, K=$K, $CALLGRIND_REPS repetitions =="
	gen_urls "$K" "http://127.0.0.1:$PORT/item/" > "$TMP/cg1.urls"
	gen_urls "$((2 * K))" "http://127.0.0.1:$PORT/item/" > "$TMP/cg2.urls"
	to_cfg < "$TMP/cg1.urls" > "$TMP/cg1.cfg"
	to_cfg < "$TMP/cg2.urls" > "$TMP/cg2.cfg"
	CG_BASES=(volley-g floor floor-opts)
	[ "$CALLGRIND_ALL" = 1 ] && CG_BASES+=(floor-lean curl wget2)
	for c in $(cases "${CG_BASES[@]}"); do available "$c" && CG_CASES+=("$c"); done
	for rep in $(seq "$CALLGRIND_REPS"); do
		for c in "${CG_CASES[@]}"; do
			i1=$(cg_total "$c" "$TMP/cg1.urls" "$TMP/cg1.cfg") || continue
			i2=$(cg_total "$c" "$TMP/cg2.urls" "$TMP/cg2.cfg") || continue
			if [ -n "$i1" ] && [ -n "$i2" ]; then
				ipr=$(awk -v a="$i1" -v b="$i2" -v k="$K" 'BEGIN { printf "%.0f", (b - a) / k }')
				echo "$rep $ipr" >> "$RES/cg.$c"
				printf '  %-58s rep %s: I(K)=%s I(2K)=%s -> %s instr/req\n' "$(vlabel "$c")" "$rep" "$i1" "$i2" "$ipr"
			else
				warn "callgrind $(vlabel "$c"): could not parse the instruction total"
			fi
		done
	done
fi
# cg_stats NAME: "median min max count" of instructions per request.
cg_stats() {
	[ -f "$RES/cg.$1" ] || return 0
	awk '{ print $2 }' "$RES/cg.$1" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR == 0) exit
			m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "%.0f %.0f %.0f %d\n", m, a[1], a[NR], NR }'
}
# cg_diff A B: "median min max count" of A - B over the repetitions both have.
cg_diff() {
	[ -f "$RES/cg.$1" ] && [ -f "$RES/cg.$2" ] || return 0
	awk 'NR == FNR { b[$1] = $2; next } ($1 in b) { print $2 - b[$1] }' "$RES/cg.$2" "$RES/cg.$1" |
		sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit
			m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "%.0f %.0f %.0f %d\n", m, a[1], a[NR], NR }'
}

lap callgrind

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

lap memory

# ---- report ----------------------------------------------------------------------------
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
say ""
say "load average after: ${LOAD_AFTER:-n/a}"

# main_cells CASE BASE_CASE: the "req/s | min–max | × base" cells of CASE.
main_cells() {
	local c=$1 st med lo hi bx v n cell spread
	n=$(expected "$c")
	st=$(rps_stats "$c")
	if [ -n "$st" ]; then read -r med lo hi <<<"$st"; cell=$med spread="$lo–$hi"
	else cell=n/a spread=n/a; fi
	if [ "$c" != wrk ]; then
		bx=$(bad_exits "$c")
		[ -n "$bx" ] && cell="$cell (exit $bx)"
	fi
	if [ -f "$RES/$c.verify" ]; then
		read -r v _ < "$RES/$c.verify"
		[ "$v" = "$n" ] || cell="$cell ⚠ $v/$n ok"
	fi
	printf ' %s | %s | %s |' "$cell" "$spread" "$(xratio "$c" "$2")"
}
main_row() { # BASE
	local b=$1 v c line rss=
	line="| $(label "$b") |"
	for v in "${VERSIONS[@]}"; do
		if versioned "$b"; then c=$b@$v; else c=$b; fi
		line="$line$(main_cells "$c" "curl@$v")"
		if versioned "$b"; then rss="$rss${rss:+ / }$(mb "$(med_rss "$c")")"; fi
	done
	if [ ${#VERSIONS[@]} -gt 1 ]; then
		if versioned "$b"; then line="$line $(xratio "$b@8" "$b@7") |"; else line="$line – |"; fi
	fi
	if versioned "$b"; then line="$line $rss |"
	elif [ "$b" = wrk ]; then line="$line – |"
	else line="$line $(mb "$(med_rss "$b")") |"; fi
	echo "$line"
}
# cg_cell NAME: "median | min–max (reps)" of instructions per request.
cg_cell() {
	local st m lo hi k
	st=$(cg_stats "$1")
	if [ -z "$st" ]; then printf ' n/a | n/a |'; return; fi
	read -r m lo hi k <<<"$st"
	printf ' %s | %s–%s (%s) |' "$(kinstr "$m")" "$(kinstr "$lo")" "$(kinstr "$hi")" "$k"
}
cg_diff_cell() {
	local st m lo hi k
	st=$(cg_diff "$1" "$2")
	if [ -z "$st" ]; then printf ' n/a | n/a |'; return; fi
	read -r m lo hi k <<<"$st"
	printf ' %s | %s–%s (%s) |' "$(kinstr "$m")" "$(kinstr "$lo")" "$(kinstr "$hi")" "$k"
}
# h2_row CASE: one row of the HTTP/2 table.
h2_row() {
	local c=$1 b v n st med lo hi bx cs conns maxr ok200 good cell spread base
	b=$(base_of "$c") v=$(ver_of "$c") n=$(expected "$c")
	case $b in h2c-*) base=h2c-curl@$v;; *) base=h2s-curl@$v;; esac
	st=$(rps_stats "$c")
	if [ -n "$st" ]; then read -r med lo hi <<<"$st"; cell=$med spread="$lo–$hi"
	else cell=n/a spread=n/a; fi
	bx=$(bad_exits "$c"); [ -n "$bx" ] && cell="$cell (exit $bx)"
	cs=$(conn_stats "$c")
	if [ -n "$cs" ]; then read -r conns maxr ok200 <<<"$cs"; else conns=n/a maxr=n/a ok200=n/a; fi
	good=n/a; [ -f "$RES/$c.verify" ] && read -r good _ < "$RES/$c.verify"
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(label "$c")" "${VNAME[$v]}" \
		"$cell" "$spread" "$(xratio "$c" "$base")" "$conns" "$maxr" "$ok200" "$good"
}
vcols() { # the column headers of one group per libcurl: TEXT... (@V: the version)
	local v t
	for v in "${VERSIONS[@]}"; do
		for t in "$@"; do printf ' %s |' "${t//@V/${VNAME[$v]}}"; done
	done
}
vsep() { # COUNT: the separator cells of COUNT right-aligned columns per libcurl
	local v
	for v in "${VERSIONS[@]}"; do
		for _ in $(seq "$1"); do printf -- '--:|'; done
	done
}

{
	echo "# volley benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr)"
	echo "- load average (1, 5, 15 min): before ${LOAD_BEFORE:-n/a}, after ${LOAD_AFTER:-n/a}"
	if [ "$VOLLEY_OK" = 1 ]; then
		echo "- volley: $(timeout 5 "$VOLLEY" --version 2>/dev/null | head -n 1) (commit $rev)"
	else
		echo "- volley: not built ($VOLLEY missing; commit $rev)"
	fi
	echo "- libcurl ${VNAME[7]} (system): volley, tests/bench/floor, $CURL7 $(curl_ver "$CURL7")"
	if [ "$CURL8_OK" = 1 ]; then
		echo "- libcurl ${VNAME[8]} (${CURL8_ROOT#"$ROOT"/}/lib, from tests/curl8.sh): volley-curl8$([ "$VOLLEY8_OK" = 1 ] || echo ' (missing)'), floor-curl8$([ "$FLOOR8_OK" = 1 ] || echo ' (missing)'), ${CURL8_ROOT#"$ROOT"/}/bin/curl, all with LD_LIBRARY_PATH=${CURL8_ROOT#"$ROOT"/}/lib"
	else
		echo "- libcurl 8: not measured ($CURL8_WHY)"
	fi
	echo "- $(wget2 --version 2>/dev/null | head -n 1 | sed 's/ - .*//'); aiohttp $("${PYTHON:-false}" -c 'import aiohttp; print(aiohttp.__version__)' 2>/dev/null || echo n/a); $(nginx -v 2>&1 | sed 's/.*: //'); $(valgrind --version 2>/dev/null); $(openssl version 2>/dev/null | cut -d' ' -f1-2)"
	echo "- N=$N URLs (HTTP/2: H2_N=$H2_N), C=$C, RUNS=$RUNS interleaved rounds (aiohttp in $AIOHTTP_RUNS), server: nginx on 127.0.0.1 (2 workers), ~90-byte JSON bodies, keep-alive"
	echo
	echo "## Throughput (HTTP/1.1), $N URLs, -c $C"
	echo
	hdr="| tool / case |$(vcols '@V req/s' 'min–max' '× curl -Z json')"
	sep="|---|$(vsep 3)"
	if [ ${#VERSIONS[@]} -gt 1 ]; then hdr="$hdr ${VNAME[8]} / ${VNAME[7]} |"; sep="$sep--:|"; fi
	hdr="$hdr peak RSS MB ($(IFS=/; v=("${VERSIONS[@]}"); for x in "${v[@]}"; do printf '%s' "${VNAME[$x]}"; [ "$x" = "${v[-1]}" ] || printf ' / '; done)) |"
	echo "$hdr"; echo "$sep--:|"
	for b in "${MAIN_BASES[@]}"; do main_row "$b"; done
	echo
	echo "req/s: median over the rounds of N / wall time (whole process, start-up included); min–max: the"
	echo "slowest and fastest round. × curl -Z json: the median over rounds of the tool's req/s divided by"
	echo "curl -Z -w '%{json}' on the same libcurl in the same round.$([ ${#VERSIONS[@]} -gt 1 ] &&
		printf ' %s / %s: the same tool\x27s\nper-round ratio between the libcurls.' "${VNAME[8]}" "${VNAME[7]}")"
	echo "wget2, aiohttp and wrk do not use libcurl: one set of runs, shown in each group against that group's curl."
	echo
	if [ ${#CG_CASES[@]} -gt 0 ]; then
		echo "## Instructions per request (callgrind), K=$CALLGRIND_N, $CALLGRIND_REPS repetitions"
		echo
		echo "| per request |$(vcols '@V median' 'min–max (runs)')"
		echo "|---|$(vsep 2)"
		cg_bases=(volley-g floor floor-opts); [ "$CALLGRIND_ALL" = 1 ] && cg_bases+=(floor-lean curl wget2)
		for b in "${cg_bases[@]}"; do
			line="| $(label "$b") |"
			for v in "${VERSIONS[@]}"; do
				if versioned "$b"; then line="$line$(cg_cell "$b@$v")"; else line="$line$(cg_cell "$b")"; fi
			done
			echo "$line"
		done
		line="| volley − floor (per repetition) |"
		for v in "${VERSIONS[@]}"; do line="$line$(cg_diff_cell "volley-g@$v" "floor@$v")"; done
		echo "$line"
		line="| floor -opts − floor: libcurl's cost of volley's options |"
		for v in "${VERSIONS[@]}"; do line="$line$(cg_diff_cell "floor-opts@$v" "floor@$v")"; done
		echo "$line"
		line="| volley − floor -opts |"
		for v in "${VERSIONS[@]}"; do line="$line$(cg_diff_cell "volley-g@$v" "floor-opts@$v")"; done
		echo "$line"
		echo
		echo "(I($((2 * CALLGRIND_N)) URLs) − I($CALLGRIND_N URLs)) / $CALLGRIND_N from callgrind's total (all threads), -c $C, so start-up"
		echo "cancels out; repeated because the count moves with how transfers batch per socket_action."
		echo "The floor is not a tool: tests/bench/floor.c is a bare libcurl multi-socket loop on libevent"
		echo "(reused easy handles, bodies discarded, one status line per URL, the same request headers as"
		echo "volley): what the linked libcurl costs per request before a client does anything of its own."
		echo "floor -opts also sets, once per handle, the libcurl options volley sets (a header callback that"
		echo "does nothing, the 10 s connect limit, a share of DNS and TLS sessions, an error buffer, the"
		echo "protocols, a body limit). It gives every transfer the connect limit, which volley gives only to"
		echo "a transfer that may open a connection (it keeps the limit itself for one expected to reuse one),"
		echo "so volley − floor -opts is less than the work of volley's own code; volley − floor is the figure."
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
	if [ "$H2_OK" = 1 ] || [ "$H2S_OK" = 1 ]; then
		echo "## HTTP/2: $H2_N URLs, -c $C; h2c (prior knowledge) and h2 over TLS (self-signed, --cacert)"
		echo
		echo "| case | libcurl | req/s | min–max | × curl -Z json (same server, libcurl) | connections | max requests on one | 200s logged | ok/$H2_N |"
		echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
		for c in "${H2_CASES[@]}"; do available "$c" && h2_row "$c"; done
		echo
		echo "connections: distinct \$connection values in nginx's access log for the run (median over the"
		echo "rounds; only connections that carried a logged request); max requests on one: the most requests"
		echo "logged on one connection in any round; 200s logged: median count of status-200 lines per run;"
		echo "ok/$H2_N: the verified warm-up run's successful results."
		echo
		if [ ${#VERSIONS[@]} -gt 1 ]; then
			echo "volley h2c ${VNAME[8]} / ${VNAME[7]} req/s (per round): $(xratio h2c-volley@8 h2c-volley@7);" \
				"h2 over TLS: $(xratio h2s-volley@8 h2s-volley@7)."
			echo
		fi
		case ${VNAME[7]} in 7.*)
			cs=$(conn_stats h2c-volley@7); cc=n/a; [ -f "$RES/h2c-curl@7.verify" ] && read -r cc _ < "$RES/h2c-curl@7.verify"
			echo "libcurl ${VNAME[7]} cannot reuse an h2c prior-knowledge connection (curl/curl#10634, fixed in 8.0.0 by"
			echo "curl/curl#10643): here volley on it used ${cs%% *} connections for $H2_N requests (most on one: $(echo "$cs" | cut -d' ' -f2)),"
			echo "and curl -Z got $cc/$H2_N ok, the rest \"Error in the HTTP2 framing layer\" (exit 16)."
			echo;;
		esac
	fi
	if [ -s "$MIXURLS" ]; then
		echo "## Mixed list: $MIX_N URLs, 2% take $MIX_SLOW_MS ms (fixture), the rest nginx, -c $C"
		echo
		echo "| tool | median wall s | × volley as-completed | peak RSS MB | ok/$MIX_N |"
		echo "|---|--:|--:|--:|--:|"
		mac=$(med_wall mix-volley-ac)
		for c in "${MIX_CASES[@]}"; do
			w=$(med_wall "$c"); v=n/a
			[ -f "$RES/$c.verify" ] && read -r v _ < "$RES/$c.verify"
			if [ -n "$w" ]; then
				printf '| %s | %.3f | %s | %s | %s |\n' "$(label "$c")" "$w" "$(ratio "$w" "$mac")" \
					"$(mb "$(med_rss "$c")")" "$v"
			else
				bx=$(bad_exits "$c")
				printf '| %s | n/a%s | n/a | n/a | %s |\n' "$(label "$c")" "${bx:+ (exit $bx)}" "$v"
			fi
		done
		echo
		echo "Gather keeps input order; the target is within 10% of as-completed at the same -c."
		echo
	fi
	if [ -n "$PAUSE_ROW" ]; then
		echo "## Paused reader: $PAUSE_N URLs of 5 KB (fixture /bytes/5000), -t 1s, the reader asleep for 3 s"
		echo
		echo "| case | URLs | wall s | records | ok | timeouts |"
		echo "|---|--:|--:|--:|--:|--:|"
		echo "$PAUSE_ROW"
		echo
		echo "Transfers finish into memory (up to --window) while the reader sleeps: no timeouts."
		echo
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
	echo "## Targets (issue 13)"
	echo
	echo "| target | libcurl | figure | |"
	echo "|---|---|--:|---|"
	for v in "${VERSIONS[@]}"; do
		x=$(xratio "volley-g@$v" "curl@$v")
		echo "| HTTP/1.1 volley -m gather ≥ 1.5× curl -Z -w '%{json}' req/s | ${VNAME[$v]} | ${x}× | $(met "$x" '>=' 1.5) |"
	done
	for v in "${VERSIONS[@]}"; do
		case ${VNAME[$v]} in 7.*) continue;; esac
		x=$(xratio "h2c-volley@$v" "h2c-curl@$v"); y=$(xratio "h2c-volley@$v" "h2c-curl-nw@$v")
		echo "| h2c volley ≥ 2× curl -Z over the same h2c server (-w '%{json}') | ${VNAME[$v]} | ${x}× | $(met "$x" '>=' 2) |"
		echo "| … against curl -Z without -w | ${VNAME[$v]} | ${y}× | $(met "$y" '>=' 2) |"
	done
	for v in "${VERSIONS[@]}"; do
		[ ${#CG_CASES[@]} -gt 0 ] || break
		st=$(cg_diff "volley-g@$v" "floor@$v"); d=${st%% *}
		echo "| volley − floor ≤ 5k instructions/request (median of $CALLGRIND_REPS) | ${VNAME[$v]} | $(kinstr "$d") | $(met "$d" '<=' 5000) |"
		st=$(cg_diff "volley-g@$v" "floor-opts@$v"); d=${st%% *}
		echo "| … volley − floor -opts (every transfer given the connect limit, for reference) | ${VNAME[$v]} | $(kinstr "$d") | $(met "$d" '<=' 5000) |"
	done
	echo
	if [ -s "$TMP/warnings" ]; then
		echo "## Warnings"
		echo
		sed 's/^/- /' "$TMP/warnings"
		echo
	fi
	echo "Total benchmark time: $(( $(date +%s) - T_START )) s ($LAPS)."
} > "$TMP/report.md"

say ""
cat "$TMP/report.md"
cp "$TMP/report.md" "$REPORT" && say "(saved to ${REPORT#"$ROOT"/})"
[ -n "$(cat "$TMP/error.log" 2>/dev/null)" ] && { say "nginx error.log:"; tail -n 5 "$TMP/error.log"; }
exit 0
