#!/bin/sh
# The measurement behind docs/multicore.md: tests/bench/mcore (T event loops,
# one per thread, a shared input and an ordered output) at 1, 2 and 4 threads,
# beside volley (one loop), the libcurl floor (one loop) and curl -Z, in
# interleaved rounds, against nginx on loopback:
#
#   http  HTTP/1.1 keep-alive, N URLs (tests/bench/nginx.conf.in's server)
#   tls   HTTPS with a new connection per request: nginx closes after each
#         response (keepalive_timeout 0) and keeps no TLS session (no cache, no
#         tickets), so every request pays a full handshake; a self-signed
#         certificate made here with openssl (KEY=ec: P-256, KEY=rsa: RSA-2048)
#
# For each run: wall time, the client's user+system CPU, nginx's CPU (master and
# workers, from /proc), and the whole machine's busy CPU (/proc/stat), so what
# other work took is visible.  Ratios are taken within a round (each row against
# mcore -t 1 of the same round), then the median over rounds.
#
#   make volley tests/bench/floor tests/bench/mcore && sh tests/bench/mcore.sh
#   N=20000 TLS_N=3000 RUNS=5 KEY=ec PORT_LO=20000 PORT_HI=20999 sh tests/bench/mcore.sh
#
# Ports are taken from PORT_LO..PORT_HI (loopback only).  The report is printed
# and saved to tests/bench/mcore-last.md.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/../.." && pwd)
cd "$ROOT" || exit 1

N=${N:-20000}
TLS_N=${TLS_N:-3000}
C=${C:-50}
RUNS=${RUNS:-5}
KEY=${KEY:-ec}
THREADS=${THREADS:-1 2 4}
CASES=${CASES:-http tls}
PORT_LO=${PORT_LO:-20000}
PORT_HI=${PORT_HI:-20999}
VOLLEY=${VOLLEY:-$ROOT/volley}
FLOOR=${FLOOR:-$ROOT/tests/bench/floor}
MCORE=${MCORE:-$ROOT/tests/bench/mcore}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-300}
SERVER_LIFETIME=${SERVER_LIFETIME:-1800}
REPORT=${REPORT:-$BENCH/mcore-last.md}

for t in nginx curl openssl python3 /usr/bin/time timeout "$VOLLEY" "$FLOOR" "$MCORE"; do
	command -v "$t" >/dev/null 2>&1 || { echo "mcore.sh: $t is missing (make volley tests/bench/floor tests/bench/mcore; sh tests/deps.sh)" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/volley-mcore.XXXXXX") || exit 1
NGINX_PID=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$NGINX_PID" ] && { kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ulimit -n 65536 2>/dev/null || true

# Three free loopback ports in PORT_LO..PORT_HI (other people run servers here).
read -r PORT TLSPORT H2PORT < <(python3 - "$PORT_LO" "$PORT_HI" <<'EOF'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
ports = list(range(lo, hi + 1)); random.shuffle(ports)
got = []
for p in ports:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    got.append(p)
    if len(got) == 3:
        break
print(*got)
EOF
)
[ -n "${H2PORT:-}" ] || { echo "mcore.sh: no free ports in $PORT_LO-$PORT_HI" >&2; exit 1; }

# ---- certificate and nginx -------------------------------------------------------
case $KEY in
ec)  NEWKEY="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"; KEYDESC="ECDSA P-256";;
rsa) NEWKEY="-newkey rsa:2048"; KEYDESC="RSA-2048";;
*) echo "mcore.sh: KEY is ec or rsa" >&2; exit 2;;
esac
# shellcheck disable=SC2086
openssl req -x509 $NEWKEY -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
	>/dev/null 2>&1 || { echo "mcore.sh: openssl could not make a certificate" >&2; exit 1; }

# nginx.conf.in's servers (its h2c one on a third port, unused here; its h2 over
# TLS block left out), plus the TLS server, inside the same http block (the
# template's last line closes it).
{
	sed -e '/# BEGIN TLS/,/# END TLS/d' -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$PORT|g" \
		-e "s|@H2PORT@|$H2PORT|g" "$BENCH/nginx.conf.in" | sed '$d'
	cat <<EOF
    server {
        listen 127.0.0.1:$TLSPORT ssl backlog=4096;
        ssl_certificate     $TMP/cert.pem;
        ssl_certificate_key $TMP/key.pem;
        ssl_session_cache   off;
        ssl_session_tickets off;
        keepalive_timeout   0;
        location ~ ^/item/(?<n>[0-9]+)$ {
            return 200 '{"id":\$n,"name":"item","tags":["a","b"],"ok":true,"price":9.99,"stock":42,"note":"bench"}\n';
        }
    }
}
EOF
} > "$TMP/nginx.conf"
timeout "$SERVER_LIFETIME" nginx -p "$TMP/" -c "$TMP/nginx.conf" -e "$TMP/error.log" \
	-g 'daemon off;' >"$TMP/nginx.out" 2>&1 &
NGINX_PID=$!
up=0
for _ in $(seq 100); do
	if curl -sf -m 1 -o /dev/null "http://127.0.0.1:$PORT/item/0" &&
	   curl -sf -m 1 --cacert "$TMP/cert.pem" -o /dev/null "https://127.0.0.1:$TLSPORT/item/0"; then
		up=1; break
	fi
	kill -0 "$NGINX_PID" 2>/dev/null || break
	sleep 0.1
done
[ $up = 1 ] || { echo "mcore.sh: nginx did not come up" >&2; cat "$TMP/error.log" "$TMP/nginx.out" >&2; exit 1; }

# nginx's CPU so far, in clock ticks: the master (timeout's child) and its workers.
NGINX_MASTER=$(cat "$TMP/nginx.pid")
nginx_ticks() {
	local p sum=0 f
	for p in $NGINX_MASTER $(pgrep -P "$NGINX_MASTER"); do
		read -r -a f < /proc/"$p"/stat 2>/dev/null || continue
		sum=$((sum + f[13] + f[14]))
	done
	echo $sum
}
# The machine's busy ticks (all CPUs): user nice system irq softirq steal.
machine_ticks() {
	local u n s irq sirq st
	read -r _ u n s _ _ irq sirq st _ < /proc/stat
	echo $((u + n + s + irq + sirq + st))
}
HZ=$(getconf CLK_TCK)

# ---- inputs and tools ---------------------------------------------------------------
seq 0 $((N - 1)) | sed "s|^|http://127.0.0.1:$PORT/item/|" > "$TMP/http.urls"
seq 0 $((TLS_N - 1)) | sed "s|^|https://127.0.0.1:$TLSPORT/item/|" > "$TMP/tls.urls"
for k in http tls; do sed 's/.*/url = "&"/' "$TMP/$k.urls" > "$TMP/$k.cfg"; done

# cmd CASE TOOL: the command line, reading the URLs from stdin for mcore/floor.
cmd() {
	local ca=
	[ "$1" = tls ] && ca="--cacert $TMP/cert.pem"
	case $2 in
	mcore-t*) echo "$MCORE -t ${2#mcore-t} -c $C${ca:+ -cacert $TMP/cert.pem} < $TMP/$1.urls";;
	floor)    echo "$FLOOR -c $C < $TMP/$1.urls";;
	volley)   echo "$VOLLEY -c $C ${ca:+$ca }-i $TMP/$1.urls";;
	curl)     printf '%s\n' "curl -sZ --parallel-max $C ${ca:+$ca }-w '%{json}\n' -K $TMP/$1.cfg";;
	esac
}
tools_for() {
	local t out=
	for t in $THREADS; do out="$out mcore-t$t"; done
	[ "$1" = http ] && out="$out floor"
	echo "$out volley curl"
}
count_of() { if [ "$1" = http ]; then echo "$N"; else echo "$TLS_N"; fi; }

# check CASE TOOL: one untimed run; every URL answered 200, in input order.
check() {
	local n out ok
	n=$(count_of "$1")
	out=$TMP/check.out
	timeout "$TOOL_TIMEOUT" bash -c "$(cmd "$1" "$2")" > "$out" 2>"$TMP/check.err"
	case $2 in
	mcore-t*) ok=$(awk '$1 == NR - 1 && $2 == 200 { k++ } END { print k + 0 }' "$out");;
	floor)    ok=$(grep -c '^200$' "$out");;
	volley)   ok=$(awk -F'[:,]' '$2 == NR - 1 && /"ok":true/ { k++ } END { print k + 0 }' "$out");;
	curl)     ok=$(grep -c '"http_code":200' "$out");;
	esac
	if [ "$ok" != "$n" ]; then
		echo "WARNING: $1 $2: $ok of $n ok (in order where the tool keeps order)" | tee -a "$TMP/warnings" >&2
		head -n 3 "$TMP/check.err" >&2
	fi
}

# run CASE TOOL ROUND: one timed run, one line into $TMP/runs.
run() {
	local t0 t1 n0 n1 m0 m1 rc u s
	n0=$(nginx_ticks); m0=$(machine_ticks)
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%U %S' -o "$TMP/time.out" timeout "$TOOL_TIMEOUT" \
		bash -c "$(cmd "$1" "$2") > /dev/null 2>$TMP/run.err"
	rc=$?
	t1=$EPOCHREALTIME
	n1=$(nginx_ticks); m1=$(machine_ticks)
	read -r u s < <(tail -n 1 "$TMP/time.out")
	echo "$1 $2 $3 $t0 $t1 $rc ${u:-0} ${s:-0} $((n1 - n0)) $((m1 - m0)) $(count_of "$1")" >> "$TMP/runs"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
: > "$TMP/runs"; : > "$TMP/warnings"
for k in $CASES; do
	for t in $(tools_for "$k"); do check "$k" "$t"; done
	for r in $(seq "$RUNS"); do
		for t in $(tools_for "$k"); do run "$k" "$t" "$r"; done
		echo "mcore.sh: $k round $r of $RUNS done" >&2
	done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report -----------------------------------------------------------------------------
{
	echo "# One loop per core: tests/bench/mcore.sh, $DATE"
	echo
	echo "- $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(curl -V | head -n 1 | cut -d' ' -f1-5), $(nginx -v 2>&1 | sed 's/.*: //') (worker_processes auto) on the same machine"
	echo "- commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); C=$C in all (mcore: split over its threads); RUNS=$RUNS interleaved rounds; http: N=$N keep-alive; tls: TLS_N=$TLS_N, $KEYDESC, a full handshake per request"
	echo "- load average before: $LOAD0; after: $LOAD1"
	echo "- CPU columns are medians, in seconds per 10,000 requests: client (user + system), nginx (master and workers), other (the machine's busy CPU − client − nginx: other people's work, and kernel time charged to no process); client cores: the client's CPU / wall time; machine busy cores: the whole machine's busy CPU / wall time ($(nproc) at most)"
	echo
	python3 - "$TMP/runs" "$HZ" <<'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
hz = float(sys.argv[2])
cases = []
for r in rows:
    if r[0] not in cases: cases.append(r[0])
for case in cases:
    rs = [r for r in rows if r[0] == case]
    tools = []
    for r in rs:
        if r[1] not in tools: tools.append(r[1])
    base = {}
    for r in rs:
        if r[1] == tools[0] and r[5] == '0':
            base[r[2]] = float(r[4]) - float(r[3])
    n = int(rs[0][10])
    print(f"## {case}: {n} URLs\n")
    print(f"| tool | median req/s | min–max req/s | × {tools[0]} (median of per-round ratios) | client CPU s | nginx CPU s | other CPU s | client cores | machine busy cores |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for t in tools:
        ok = [r for r in rs if r[1] == t and r[5] == '0']
        bad = len([r for r in rs if r[1] == t]) - len(ok)
        if not ok:
            print(f"| {t} | failed | | | | | | |"); continue
        walls = [float(r[4]) - float(r[3]) for r in ok]
        rates = [n / w for w in walls]
        ratios = [base[r[2]] / (float(r[4]) - float(r[3])) for r in ok if r[2] in base]
        per = 10000.0 / n
        cli = st.median([(float(r[6]) + float(r[7])) * per for r in ok])
        ngx = st.median([int(r[8]) / hz * per for r in ok])
        oth = st.median([(int(r[9]) / hz - float(r[6]) - float(r[7]) - int(r[8]) / hz) * per for r in ok])
        cores = st.median([(float(r[6]) + float(r[7])) / (float(r[4]) - float(r[3])) for r in ok])
        busy = st.median([int(r[9]) / hz / (float(r[4]) - float(r[3])) for r in ok])
        note = f" ({bad} runs failed)" if bad else ""
        print(f"| {t}{note} | {st.median(rates):,.0f} | {min(rates):,.0f}–{max(rates):,.0f} | {st.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) | {cli:.2f} | {ngx:.2f} | {oth:.2f} | {cores:.2f} | {busy:.2f} |")
    print()
EOF
	echo "Commands (C=$C; \$T is the temp dir):"
	echo
	for k in $CASES; do for t in $(tools_for "$k"); do
		echo "    $(cmd "$k" "$t" | sed -e "s|$TMP|\$T|g" -e "s|$ROOT/||g") > /dev/null"
	done; done
	if [ -s "$TMP/warnings" ]; then echo; echo "Warnings:"; echo; sed 's/^/- /' "$TMP/warnings"; fi
	echo
	echo "Raw runs (case tool round t0 t1 exit user sys nginx_ticks machine_ticks n):"
	echo
	sed 's/^/    /' "$TMP/runs"
} > "$TMP/report.md"
cat "$TMP/report.md"
cp "$TMP/report.md" "$REPORT" && echo "(saved to ${REPORT#"$ROOT"/})" >&2
