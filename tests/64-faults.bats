#!/usr/bin/env bats
# Faults from RELIABILITY.md: each gets a record of the right kind, and
# the other requests of the run are not affected.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

@test "faults: every broken server behaviour gets the right error kind, the healthy request succeeds" {
	cat >"$BATS_TEST_TMPDIR/cases" <<-EOF
	$RAW/close read
	$RAW/reset read
	$RAW/reset-mid read
	$RAW/short read
	$RAW/chunked-trunc read
	$RAW/chunked-reset read
	$RAW/bad-chunk protocol
	$RAW/conflict-cl protocol
	$RAW/bad-status protocol
	$RAW/garbage protocol
	$RAW/http09 protocol
	$RAW/nul-header protocol
	$RAW/slow-headers timeout
	$RAW/trickle timeout
	$RAW/never timeout
	$RAW/endless body_too_large
	$BASE/bigheader/200000 protocol
	$BASE/headers/10000 protocol
	$BASE/json ok
	http://127.0.0.1:1/ connect
	EOF
	cut -d' ' -f1 "$BATS_TEST_TMPDIR/cases" >"$BATS_TEST_TMPDIR/in"
	# -t 4s: the ok and error cases answer at once, even on a busy machine
	run --separate-stderr "$VOLLEY" -t 4s --max-body 1M --body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	got=$(jq -r '"\(.url) \(.error.kind // "ok")"' <<<"$output")
	diff <(cat "$BATS_TEST_TMPDIR/cases") <(echo "$got")
	# a truncated or reset body is never ok, and every message says why
	run jq -s -e 'all(.[]; .ok == (.error == null)) and all(.[] | select(.error); .error.message | length > 0)
		and all(.[] | select(.error.kind == "read" or .error.kind == "protocol" or .error.kind == "timeout"); .error.curl_code > 0)' <<<"$output"
	assert_success
}

# The header limits come first: a Content-Length that conflicts with an
# earlier one, on the line past the limit of 1,000, is "too large" (as
# result.c ranks the two), not "conflicting".
@test "faults: a conflicting Content-Length past the header line limit is too large" {
	run --separate-stderr "$VOLLEY" -t 5s "$RAW/conflict-cl-late"
	assert_failure 1
	jq -e '.ok == false and .error.kind == "protocol"
		and (.error.message | test("too large"))' <<<"$output"
}

# On a response that succeeds volley reads the status and version from
# the status line itself, not from libcurl (xfer.c): these are the forms
# libcurl takes besides "HTTP/1.1 200 OK", and each must read as libcurl
# reads it, on every libcurl; a header line that starts with "http/" is
# a header, not a status line.
@test "faults: HTTP/1.0, an interim 103 before the final status, a code with no reason phrase or run into it read as libcurl reads them" {
	run --separate-stderr "$VOLLEY" -t 5s -I "$RAW/v10" "$RAW/interim" "$RAW/bare-code" "$RAW/code-run" "$RAW/http-header"
	assert_success
	jq -s -e 'sort_by(.index) | map([.status, .http_version, .ok, .size])
		== [[203, "1.0", true, 2], [201, "1.1", true, 2], [202, "1.1", true, 2], [200, "1.1", true, 2], [200, "1.1", true, 2]]' <<<"$output"
	jq -s -e '.[] | select(.url | endswith("/http-header")) | .headers["http/x"] == "y"' <<<"$output"
}

# libcurl hands a chunked response's trailers to the header callback: one
# shaped like a status line ("HTTP/1.1 503 spoof: 1") is not the status.
@test "faults: a trailer shaped like a status line does not change the status" {
	run --separate-stderr "$VOLLEY" -t 5s "$RAW/trailer-status"
	assert_success
	jq -e '.ok and .status == 200 and .http_version == "1.1" and .size == 2' <<<"$output"
}

# Inside a header block a line that starts with "HTTP/" is a header line
# to libcurl, whatever its shape: it neither sets the status nor ends the
# transfer, and the headers before it stay (found by fuzz/fuzz_response).
@test "faults: a status line's shape inside a header block is a header line" {
	run --separate-stderr "$VOLLEY" -t 5s -I "$RAW/header-status"
	echo "$output"
	assert_failure 1
	jq -e '.status == 429 and .error.kind == "http" and .size == 2
		and .headers.rer == "1" and .headers["content-length"] == "2"' <<<"$output"
}

# Status lines the libcurls read differently, or wrongly, and volley
# refuses itself: a protocol record on every libcurl.
# - no version ("HTTP/200 OK"), found by fuzz/fuzz_response (make fuzz):
#   libcurl 7.88 ends the response with CURLE_OK and no status (the
#   record said ok with status null); 8.x reads HTTP/1.0 200;
# - lower case ("http/1.1 404", after a 103): both read HTTP/1.0 200;
# - four digits ("HTTP/1.1 2040 OK"): 8.x reads 204 (no body), 7.88
#   refuses it.
@test "faults: a status line without a version, in lower case or with four digits is a protocol record" {
	run --separate-stderr "$VOLLEY" -t 5s "$RAW/no-version" "$RAW/lower-status" "$RAW/long-code"
	assert_failure 1
	jq -s -e 'length == 3 and all(.[]; .ok == false and .status == null
		and .error.kind == "protocol" and (.error.message | length > 0))' <<<"$output"
}

# libcurl gives a bad chunk and a reset the same code (56), and before
# 8.8.0 CURLINFO_OS_ERRNO keeps the errno of an earlier transfer on the same
# easy handle.  With -c 1 every URL here runs on the one handle the failures
# before it left behind.
@test "faults: after a refused connection and resets on the same handle, a bad chunk is still protocol" {
	run --separate-stderr "$VOLLEY" -c 1 -t 5s --body none \
		http://127.0.0.1:1/ "$RAW/reset" "$RAW/bad-chunk" "$RAW/reset-mid" \
		"$RAW/bad-chunk" "$RAW/chunked-reset" "$RAW/bad-chunk" "$BASE/json"
	assert_failure 1
	run jq -r -s 'map(.error.kind // "ok") | join(" ")' <<<"$output"
	assert_output "connect read protocol read protocol read protocol ok"
}

# A TLS peer that goes away without close_notify in the middle of a body:
# libcurl 7.88 reports 18 (partial file), 8.x 56 with no errno (OpenSSL's
# "unexpected eof while reading"); both are read, chunked or not, like the
# same cut with close_notify.
@test "faults: over TLS, a body cut with or without close_notify is read on every libcurl" {
	tls_cert "$BATS_TEST_TMPDIR/tls"
	port=$(free_port)
	python3 - "$port" "$BATS_TEST_TMPDIR/tls" >"$BATS_TEST_TMPDIR/tls.out" 2>&1 <<-'EOF' &
	import os, socket, ssl, sys, threading
	ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
	ctx.load_cert_chain(sys.argv[2] + "/cert.pem", sys.argv[2] + "/key.pem")
	ls = socket.socket()
	ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	ls.bind(("127.0.0.1", int(sys.argv[1])))
	ls.listen(64)
	chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
	sized = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100
	def serve(c):
	    try:
	        s = ctx.wrap_socket(c, server_side=True)
	        s.settimeout(10)
	        head = b""
	        while b"\r\n\r\n" not in head:
	            d = s.recv(4096)
	            if not d:
	                return
	            head += d
	        path = head.split(b" ")[1]
	        s.sendall(chunked if path.startswith(b"/chunked") else sized)
	        if path.endswith(b"-notify"):
	            s.unwrap()                    # close_notify first
	        else:
	            s.shutdown(socket.SHUT_RDWR)  # TCP FIN only
	        s.close()
	    except (OSError, ValueError):
	        pass
	threading.Timer(120, lambda: os._exit(0)).start()
	print("ready", flush=True)
	while True:
	    c, _ = ls.accept()
	    threading.Thread(target=serve, args=(c,), daemon=True).start()
	EOF
	tls_pid=$!
	wait_until 'grep -q ready "$BATS_TEST_TMPDIR/tls.out"'
	u=https://127.0.0.1:$port
	t=10s
	[ -z "${VALGRIND:-}" ] || t=60s	# OpenSSL under valgrind
	run --separate-stderr "$VOLLEY" -t "$t" --body none --cacert "$BATS_TEST_TMPDIR/tls/cert.pem" \
		"$u/chunked" "$u/sized" "$u/chunked-notify" "$u/sized-notify"
	kill "$tls_pid" 2>/dev/null || true
	assert_failure 1
	run jq -r -s 'map("\(.status) \(.error.kind // "ok")") | join(" / ")' <<<"$output"
	assert_output "200 read / 200 read / 200 read / 200 read"
}

@test "faults: an NXDOMAIN host is a dns record" {
	run --separate-stderr "$VOLLEY" -t 10s "http://no-such-host.invalid/" "$BASE/json"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.error.kind == "dns" or .error.kind == "timeout"'
	echo "${lines[1]}" | jq -e '.ok'
}

@test "faults: a resolver that never answers times out those URLs only; healthy hosts finish at once" {
	# A private mount namespace whose resolv.conf names a DNS server that
	# reads queries and never answers.
	unshare -m true
	dns_ip=127.0.0.$(( 100 + RANDOM % 100 ))
	python3 - "$dns_ip" >"$BATS_TEST_TMPDIR/dns.out" 2>&1 <<-'EOF' &
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind((sys.argv[1], 53))
	print("ready", flush=True)
	s.settimeout(1)
	end = time.time() + 60
	while time.time() < end:
	    try:
	        s.recvfrom(4096)
	    except socket.timeout:
	        pass
	EOF
	dns_pid=$!
	wait_until 'grep -q ready "$BATS_TEST_TMPDIR/dns.out"'
	printf 'nameserver %s\noptions timeout:30 attempts:2\n' "$dns_ip" >"$BATS_TEST_TMPDIR/resolv.conf"
	# on a busy machine a healthy request can take a second by itself,
	# and under valgrind several: the stuck ones get -t 2s (8 s there),
	# and the run VG_SLACK_MS more, still far below the 60 s a resolver
	# thread that held up the exit would take (two tries of 30 s)
	t=2
	[ -z "${VALGRIND:-}" ] || t=8
	start=$(date +%s%N)
	run --separate-stderr unshare -m sh -c "mount --bind '$BATS_TEST_TMPDIR/resolv.conf' /etc/resolv.conf &&
		exec '$VOLLEY' -m as-completed -t ${t}s --body none http://stuck-a.example/ '$BASE/json' http://stuck-b.example/ '$BASE/delay/100'"
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	kill "$dns_pid" 2>/dev/null || true
	assert_failure 1
	[ "${#lines[@]}" -eq 4 ]
	# the healthy ones come out first, long before the stuck ones
	echo "${lines[0]}" | jq -e '.ok'
	echo "${lines[1]}" | jq -e '.ok'
	run jq -s -e '[.[] | select(.url | test("stuck")) | .error.kind] == ["timeout","timeout"]' <<<"$output"
	assert_success
	# a stuck resolver thread does not hold up the exit
	echo "took $took ms"
	[ "$took" -lt $(( (t + 14) * 1000 + VG_SLACK_MS )) ]
}

@test "faults: ulimit -n 64 with -c 200: every record present, no crash, one warning" {
	run --separate-stderr bash -c "ulimit -n 64; seq 1 300 | sed 's|^|$BASE/delay/20/|' | '$VOLLEY' -c 200 --body none"
	assert_success
	[ "${#lines[@]}" -eq 300 ]
	run jq -s -e 'all(.[]; .ok) and [.[].index] == [range(0;300)]' <<<"$output"
	assert_success
	[ "$(grep -c 'open-file limit' <<<"$stderr")" -eq 1 ]
}

@test "faults: 5xx with --retries 2 makes exactly 3 attempts on the raw port too" {
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 1ms -t 300ms "$RAW/never"
	assert_failure 1
	echo "$output" | jq -e '.attempts == 3 and .error.kind == "timeout"'
}

@test "faults: fuzzed server responses give one valid record each, no crash" {
	port=$(free_port)
	python3 - "$port" >"$BATS_TEST_TMPDIR/fuzz.out" 2>&1 <<-'EOF' &
	import random, socket, socketserver, sys, threading, time
	pieces = [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.0 404 X\r\n", b"HTTP/2 200\r\n", b"HTTP/1.1 99999\r\n",
	          b"Content-Length: 5\r\n", b"Content-Length: -1\r\n", b"Content-Length: 99999999999999999999\r\n",
	          b"Transfer-Encoding: chunked\r\n", b"Content-Encoding: gzip\r\n", b"Location: ftp://x/\r\n",
	          b"Content-Type: application/json\r\n", b"X: \x00\xff\x1b\r\n", b"\r\n", b"\r\n\r\n",
	          b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\n", b"{\"a\":", b"\xff\xfe\x00", b"\n", b"hello"]
	class H(socketserver.BaseRequestHandler):
	    def handle(self):
	        self.request.settimeout(5)
	        data = b""
	        try:
	            while b"\r\n\r\n" not in data:
	                chunk = self.request.recv(65536)
	                if not chunk:
	                    return
	                data += chunk
	            seed = int(data.split(b" ")[1].rsplit(b"/", 1)[-1] or 0)
	            rnd = random.Random(seed)
	            self.request.sendall(b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 15))))
	        except (OSError, ValueError, IndexError):
	            pass
	class S(socketserver.ThreadingTCPServer):
	    allow_reuse_address = True
	    daemon_threads = True
	srv = S(("127.0.0.1", int(sys.argv[1])), H)
	threading.Timer(120, srv.shutdown).start()
	print("ready", flush=True)
	srv.serve_forever()
	EOF
	fuzz_pid=$!
	wait_until 'grep -q ready "$BATS_TEST_TMPDIR/fuzz.out"'
	seq 1 300 | sed "s|^|http://127.0.0.1:$port/f/|" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -L --compressed -t 3s -c 50 -i "$BATS_TEST_TMPDIR/in"
	kill "$fuzz_pid" 2>/dev/null || true
	[ "$status" -le 1 ]
	[ "${#lines[@]}" -eq 300 ]
	printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
	jq -s -e 'length == 300 and [.[].index] == [range(0;300)]
		and all(.[]; .ok == (.error == null) and (.error == null or (.error.message | length > 0)))' <<<"$output"
}

# -t is the engine's own timer (not CURLOPT_TIMEOUT_MS): a list of the
# running attempts in start order with one timer for its head.
@test "time limits: attempts that outlast -t end at it, each after all of it, beside quick ones that finish" {
	local t=1000 slow=8000 i
	[[ -z ${VALGRIND:-} ]] || { t=3000 slow=20000; }
	for i in $(seq 1 8); do
		echo "$BASE/delay/$slow/$i"
		echo "$BASE/json?q=$i"
	done >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -c 4 -t "${t}ms" --retries 1 --retry-delay 1ms \
		--body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 16 ]
	# every slow attempt timed out (none ran on to its answer) and none
	# before its time: two attempts take at least twice -t
	jq -s -e --argjson t "$t" '[.[] | select(.url | test("/delay/"))] | length == 8 and
		all(.error.kind == "timeout" and .error.curl_code == 28 and .attempts == 2
			and .time_ms >= 2 * $t and .timing.total_ms >= $t
			and (.error.message | test("after \($t) milliseconds")))' <<<"$output"
	jq -s -e '[.[] | select(.url | test("/json"))] | length == 8 and all(.ok and .attempts == 1)' <<<"$output"
}

@test "time limits: -t holds for the whole attempt across redirects, the next hop gets what is left" {
	local first=2000 t=3000
	[[ -z ${VALGRIND:-} ]] || { first=4000 t=6000; }
	run --separate-stderr "$VOLLEY" -L -t "${t}ms" --body none "$BASE/delay/$first?to=/delay/60000"
	assert_failure 1
	# ends at -t from the start (the hop had t - first left), not at
	# first + t as a fresh -t per hop would
	jq -e --argjson t "$t" --argjson f "$first" '.error.kind == "timeout" and .attempts == 1
		and .time_ms >= $t and .time_ms < $f + $t - 200
		and (.error.message | test("after [0-9]+ milliseconds"))' <<<"$output"
}

@test "time limits: a hop that waits past -t (for --rate) is a timeout the retry rules are asked about" {
	# the second hop needs a --rate token a second after the first's:
	# the attempt's -t 500ms is used up well before it can start (-t 1s
	# would leave the hop the millisecond between the token's time and
	# the attempt's start, a race under valgrind)
	run --separate-stderr "$VOLLEY" -L -t 500ms --rate 1 --body none "$BASE/redirect/0"
	assert_failure 1
	jq -e '.error.kind == "timeout" and .error.message == "timed out across redirects"
		and .attempts == 1' <<<"$output"
	# with --retries the attempt is retried (from where the hop led)
	run --separate-stderr "$VOLLEY" -L -t 500ms --rate 1 --retries 1 --retry-delay 10ms \
		--body none "$BASE/redirect/0"
	assert_success
	jq -e --arg f "$BASE/json" '.ok and .attempts == 2 and .final_url == $f' <<<"$output"
	# ... unless the rules leave timeouts out
	run --separate-stderr "$VOLLEY" -L -t 500ms --rate 1 --retries 1 --retry-on 500 \
		--body none "$BASE/redirect/0"
	assert_failure 1
	jq -e '.error.kind == "timeout" and .attempts == 1' <<<"$output"
}

@test "time limits: one after another (-c 1), each attempt ends at its own limit, and the message says what came" {
	local t=1000
	[[ -z ${VALGRIND:-} ]] || t=3000
	# the quick one leaves the limit timer armed for its own deadline,
	# which the next attempt must not inherit (nor lose)
	run --separate-stderr "$VOLLEY" -c 1 -t "${t}ms" --body none -k \
		"$BASE/json" "$BASE/delay/30000" "$RAW/trickle" "$RAW/never" "${RAW/http:/https:}/hello"
	assert_failure 1
	[ "${#lines[@]}" -eq 5 ]
	jq -s -e --argjson t "$t" --argjson s "$VG_SLACK_MS" '.[0].ok and (.[1:] |
		all(.error.kind == "timeout" and .time_ms >= $t and .time_ms < $t + 5000 + $s))' <<<"$output"
	# libcurl's words: what of a known length came, and what of none
	jq -s -e '(.[2].error.message | test("^Operation timed out after [0-9]+ milliseconds with [0-9]+ out of 100000 bytes received$"))
		and (.[3].error.message | test("^Operation timed out after [0-9]+ milliseconds with 0 bytes received$"))' <<<"$output"
	# a TLS handshake the server never answers: still connecting (libcurl's
	# connect limit is the same -t, and says so itself if it is first)
	jq -s -e '.[4].error.message | test("^(Connection timed out after [0-9]+ milliseconds|SSL connection timeout)$")' <<<"$output"
}

# A connect that never completes: the listener's accept queue is full, so
# the kernel drops the SYNs.  The connect limit is libcurl's own timer,
# which the engine arms lazily (src/engine.c, timer_cb): a slower transfer
# started first holds the armed timer at its own, earlier, connect limit;
# when it ends libcurl's deadline moves on to the dead one's, and the
# timer, waking early, must arm itself again for that.
@test "time limits: a connect that never completes ends at --connect-timeout, after a slower transfer beside it has ended" {
	python3 - >"$BATS_TEST_TMPDIR/hole.out" 2>&1 <<-'EOF' &
	import socket, time
	ls = socket.socket()
	ls.bind(("127.0.0.1", 0))
	ls.listen(0)
	port = ls.getsockname()[1]
	fill = []
	for i in range(3):  # fill the accept queue; later SYNs are dropped
	    c = socket.socket()
	    c.setblocking(False)
	    try:
	        c.connect(("127.0.0.1", port))
	    except BlockingIOError:
	        pass
	    fill.append(c)
	print(port, flush=True)
	time.sleep(120)
	EOF
	hole_pid=$!
	wait_until '[ -s "$BATS_TEST_TMPDIR/hole.out" ]'
	port=$(cat "$BATS_TEST_TMPDIR/hole.out")
	# -c 2: the slow one holds a slot; the quick ones take the other in
	# turn, so the dead one starts well after the slow one's limit was set
	{
		echo "$BASE/delay/500"
		for i in $(seq 50); do echo "$BASE/json"; done
		echo "http://127.0.0.1:$port/dead"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -c 2 --connect-timeout 1s -t 30s --body none -i "$BATS_TEST_TMPDIR/in"
	kill "$hole_pid" 2>/dev/null || true
	assert_failure 1
	[ "${#lines[@]}" -eq 52 ]
	# the dead one ends at the connect limit, in libcurl's words for it
	# (7.88: "Failed to connect to ... after N ms: Timeout was reached";
	# 8.x: "Connection timed out after N milliseconds"), not at -t
	jq -s -e --argjson s "$VG_SLACK_MS" '(.[51] | .error.kind == "timeout"
		and .time_ms >= 1000 and .time_ms < 6000 + $s
		and (.error.message | test("^(Failed to connect to 127[.]0[.]0[.]1 port [0-9]+ after [0-9]+ ms: Timeout was reached|Connection timed out after [0-9]+ milliseconds)$")))
		and (del(.[51]) | all(.ok))' <<<"$output"
}

# A request volley expects to reuse a kept connection for is not given
# libcurl's connect limit: the engine keeps it (src/xfer.c, xfer_prepare).
# The server answers /a on its first connection, fills its accept queue,
# and ends that connection: before /b (closed), once /b was sent on it
# (sent), or 1.5 s after that, past the limit (late); libcurl then
# connects again for /b (retrying on a new connection after sent and
# late), to a listener that never completes the connect.  In late the
# limit starts again with the new connection, as libcurl's does.  /a's
# "Connection: close" (close) leaves no connection to expect: libcurl is
# given the limit, in its own words on 7.88.
@test "time limits: a request expected to reuse a connection that must connect again ends at --connect-timeout" {
	local ver=${VOLLEY_LIBCURL:-$(pkg-config --modversion libcurl)}
	for mode in closed sent late close; do
		python3 - "$mode" >"$BATS_TEST_TMPDIR/reuse-$mode.out" 2>&1 <<-'EOF' &
		import socket, sys, time
		mode = sys.argv[1]
		ls = socket.socket()
		ls.bind(("127.0.0.1", 0))
		ls.listen(0)
		print(ls.getsockname()[1], flush=True)
		c, _ = ls.accept()
		def request():
		    buf = b""
		    while b"\r\n\r\n" not in buf:
		        d = c.recv(4096)
		        if not d:
		            break
		        buf += d
		request()
		fill = []
		for i in range(3):  # fill the accept queue; later SYNs are dropped
		    f = socket.socket()
		    f.setblocking(False)
		    try:
		        f.connect(ls.getsockname())
		    except BlockingIOError:
		        pass
		    fill.append(f)
		close = b"Connection: close\r\n" if mode == "close" else b""
		c.sendall(b"HTTP/1.1 200 OK\r\n" + close + b"Content-Length: 2\r\n\r\nok")
		if mode in ("sent", "late"):
		    request()
		if mode == "late":
		    time.sleep(1.5)
		c.close()
		time.sleep(120)
		EOF
		srv_pid=$!
		wait_until '[ -s "$BATS_TEST_TMPDIR/reuse-$mode.out" ]'
		port=$(cat "$BATS_TEST_TMPDIR/reuse-$mode.out")
		# --per-host 1: /b waits in the window, holding the host, while
		# /a runs, so it starts with /a's connection counted as idle
		run --separate-stderr "$VOLLEY" -c 2 --per-host 1 --connect-timeout 1s \
			-t 30s --body none "http://127.0.0.1:$port/a" "http://127.0.0.1:$port/b"
		kill "$srv_pid" 2>/dev/null || true
		echo "$mode: $output"
		assert_failure 1
		[ "${#lines[@]}" -eq 2 ]
		jq -s -e --argjson s "$VG_SLACK_MS" --arg mode "$mode" '.[0].ok and (.[1] |
			.error.kind == "timeout" and .time_ms < 6000 + $s
			and .time_ms >= (if $mode == "late" then 2500 else 1000 end))' <<<"$output"
		if [ "$mode" != close ]; then
			# the engine's words: libcurl was not given the limit
			jq -s -e '.[1].error.message == "Connection timed out after 1000 milliseconds"' <<<"$output"
		elif [[ $ver == 7.* ]]; then
			jq -s -e '.[1].error.message | startswith("Failed to connect to 127.0.0.1 port ")' <<<"$output"
		fi
	done
}

# The same through a CONNECT proxy: the tunnel /a used ends with /a's
# response, and the proxy answers the next CONNECT with 200 and then
# nothing, so /b's TLS handshake never ends.  The proxy's answer comes
# to the header callback; the request has still not gone out.
@test "time limits: through a CONNECT proxy, a request expected to reuse a connection whose TLS handshake stalls ends at --connect-timeout" {
	tls_cert "$BATS_TEST_TMPDIR"
	python3 - "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/proxy.out" 2>&1 <<-'EOF' &
	import socket, ssl, sys, threading, time
	ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
	ctx.load_cert_chain(sys.argv[1] + "/cert.pem", sys.argv[1] + "/key.pem")
	origin = socket.socket()
	origin.bind(("127.0.0.1", 0))
	origin.listen(8)
	def serve():
	    # one request, answered as if the connection stayed, then closed
	    c, _ = origin.accept()
	    s = ctx.wrap_socket(c, server_side=True)
	    buf = b""
	    while b"\r\n\r\n" not in buf:
	        buf += s.recv(4096)
	    s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	    time.sleep(0.2)
	    s.close()
	threading.Thread(target=serve, daemon=True).start()
	def pipe(a, b):
	    try:
	        while True:
	            d = a.recv(65536)
	            if not d:
	                break
	            b.sendall(d)
	    except OSError:
	        pass
	    for x in (a, b):
	        try:
	            x.shutdown(socket.SHUT_RDWR)
	        except OSError:
	            pass
	ps = socket.socket()
	ps.bind(("127.0.0.1", 0))
	ps.listen(8)
	print(ps.getsockname()[1], flush=True)
	n, keep = 0, []
	while True:
	    c, _ = ps.accept()
	    n += 1
	    buf = b""
	    while b"\r\n\r\n" not in buf:
	        buf += c.recv(4096)
	    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
	    if n > 1:
	        keep.append(c)  # the TLS handshake is never answered
	        continue
	    o = socket.create_connection(origin.getsockname())
	    threading.Thread(target=pipe, args=(c, o), daemon=True).start()
	    threading.Thread(target=pipe, args=(o, c), daemon=True).start()
	EOF
	srv_pid=$!
	wait_until '[ -s "$BATS_TEST_TMPDIR/proxy.out" ]'
	port=$(head -1 "$BATS_TEST_TMPDIR/proxy.out")
	run --separate-stderr "$VOLLEY" -k -x "http://127.0.0.1:$port" -c 2 --per-host 1 \
		--connect-timeout 1s -t 30s --body none "https://localhost:9/a" "https://localhost:9/b"
	kill "$srv_pid" 2>/dev/null || true
	echo "$output"
	assert_failure 1
	[ "${#lines[@]}" -eq 2 ]
	jq -s -e --argjson s "$VG_SLACK_MS" '.[0].ok and (.[1] | .error.kind == "timeout"
		and .time_ms >= 1000 and .time_ms < 6000 + $s
		and .error.message == "Connection timed out after 1000 milliseconds")' <<<"$output"
}
