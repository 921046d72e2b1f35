#!/usr/bin/env bats
# The fixture server itself, checked with curl so a broken fixture shows up
# here rather than as mysterious volley failures later.  One test (at least)
# per endpoint of the HTTP port and of the raw fault port.

load helper

setup_file() {
	fixture_start
}

teardown_file() {
	fixture_stop
}

# curl's -w output for $2 (a path on $BASE), body discarded.
http_w() {
	curl -s -o /dev/null -w "$1" "$BASE$2"
}

# One response header's value (first match, CR stripped).
header() {
	curl -s -D - -o /dev/null "$BASE$2" | tr -d '\r' |
		sed -n "s/^$1: //Ip" | head -n 1
}

# Body of $1 as one line of hex.
hex() {
	curl -s "$1" | od -An -v -tx1 | tr -d ' \n'
}

# Everything the HTTP port sends for GET $1 on a fresh connection, read until
# it closes; for responses curl refuses to take.
http_raw() {
	timeout 10 bash -c '
		exec 5<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" "$2" >&5
		cat <&5' http_raw "$FIXTURE_PORT" "$1"
}
export -f http_raw

# What the raw port sends for path $1, as one line of hex.
raw_hex() {
	fixture_raw "$1" | od -An -v -tx1 | tr -d ' \n'
}

# The a..z cycle /bytes sends, bytes $1 up to (not including) $2.
pattern() {
	awk -v from="$1" -v to="$2" 'BEGIN { for (i = from; i < to; i++) printf "%c", 97 + i % 26 }'
}

# ---- process model ----

@test "fixture --daemon prints one line, listens at once, stops on SIGTERM" {
	run --separate-stderr "$FIXTURE" --daemon
	assert_success
	assert_output --regexp '^FIXTURE_PORT=[0-9]+ FIXTURE_RAW_PORT=[0-9]+ FIXTURE_PID=[0-9]+$'
	local FIXTURE_PORT FIXTURE_RAW_PORT FIXTURE_PID
	eval "$output"
	run curl -s "http://127.0.0.1:$FIXTURE_PORT/json"
	assert_success
	assert_output '{"ok":true,"path":"/json"}'
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FIXTURE_RAW_PORT/nope"
	assert_output 404
	fixture_stop
	run curl -s "http://127.0.0.1:$FIXTURE_PORT/json"
	assert_failure 7
}

@test "fixture rejects unknown options with status 2" {
	run --separate-stderr "$FIXTURE" --bogus
	assert_failure 2
	[[ $stderr == *usage:* ]]
}

@test "fixture raised its open-file soft limit to the hard limit" {
	run awk '/^Max open files/ { print ($4 == $5) }' "/proc/$FIXTURE_PID/limits"
	assert_output 1
}

@test "HTTP port also answers on [::1], same port" {
	[[ -e /proc/net/if_inet6 ]] || skip "no IPv6 on this host"
	run curl -s -g "http://[::1]:$FIXTURE_PORT/json"
	assert_success
	assert_output '{"ok":true,"path":"/json"}'
}

# ---- counters ----

@test "/stats counts requests; /reset zeroes them; /stats itself is not counted" {
	fixture_reset
	curl -s "$BASE/json" "$BASE/text" "$BASE/status/500" >/dev/null
	run fixture_stats
	assert_output '{"requests":3,"inflight":0,"max_inflight":1}'
	run fixture_stats
	assert_output '{"requests":3,"inflight":0,"max_inflight":1}'
	fixture_reset
	run fixture_stats
	assert_output '{"requests":0,"inflight":0,"max_inflight":0}'
}

@test "/count?key=K counts requests carrying key=K, not itself" {
	fixture_reset
	curl -s "$BASE/json?key=a" "$BASE/text?key=a" "$BASE/json?key=b" >/dev/null
	run curl -s "$BASE/count?key=a"
	assert_output '{"key":"a","count":2}'
	run fixture_count a
	assert_output 2
	run fixture_count b
	assert_output 1
	run fixture_count never-seen
	assert_output 0
	run http_w '%{http_code}' /count
	assert_output 400
	fixture_reset
	run fixture_count a
	assert_output 0
}

@test "1000 concurrent delayed requests are all in flight at once" {
	fixture_reset
	local i urls=()
	for ((i = 0; i < 250; i++)); do urls+=(-o /dev/null "$BASE/delay/1500"); done
	for i in 1 2 3 4; do
		curl -s -Z --parallel-immediate --parallel-max 250 \
			-w '%{http_code}\n' "${urls[@]}" >"$BATS_TEST_TMPDIR/codes$i" 2>/dev/null &
	done
	wait
	run bash -c "cat '$BATS_TEST_TMPDIR'/codes* | sort | uniq -c | awk '{print \$1, \$2}'"
	assert_output '1000 200'
	run fixture_stats
	assert_output '{"requests":1000,"inflight":0,"max_inflight":1000}'
}

# ---- plain responses ----

@test "/json and /json/<anything>" {
	run curl -s "$BASE/json"
	assert_output '{"ok":true,"path":"/json"}'
	run curl -s "$BASE/json/a/b?x=1"
	assert_output '{"ok":true,"path":"/json/a/b"}'
	run header Content-Type /json
	assert_output application/json
}

@test "/status/N answers N; out-of-range or non-numeric N is 400" {
	run curl -s -w ' %{http_code}' "$BASE/status/418"
	assert_output '{"status":418} 418'
	run http_w '%{http_code}' /status/503
	assert_output 503
	run http_w '%{http_code}' /status/301
	assert_output 301
	run http_w '%{http_code}' /status/99
	assert_output 400
	run http_w '%{http_code}' /status/600
	assert_output 400
	run http_w '%{http_code}' /status/2x0
	assert_output 400
}

@test "/delay/MS answers after MS ms, counting as in flight meanwhile" {
	fixture_reset
	run curl -s -w ' %{time_total}' "$BASE/delay/300/any/thing"
	assert_success
	local body=${output% *} t=${output##* }
	assert_equal "$body" '{"delayed":300}'
	run awk -v t="$t" 'BEGIN { exit !(t >= 0.3 && t < 3) }'
	assert_success
	curl -s -Z --parallel-immediate "$BASE/delay/300" "$BASE/delay/300" "$BASE/delay/300" >/dev/null 2>&1
	run fixture_stats
	assert_output '{"requests":4,"inflight":0,"max_inflight":3}'
	run http_w '%{http_code}' /delay/abc
	assert_output 400
}

@test "/delay/MS?until=K&count=N answers once N requests carried key=K, else at MS" {
	fixture_reset
	curl -s "$BASE/delay/60000?until=ud&count=2" >"$BATS_TEST_TMPDIR/a" &
	a=$!
	curl -s "$BASE/delay/60000?until=ud&count=3" >"$BATS_TEST_TMPDIR/b" &
	b=$!
	# both held: the key has not been seen yet
	for ((i = 0; i < 600; i++)); do
		[ "$(fixture_stats | jq .inflight)" -ge 2 ] && break
		sleep 0.05
	done
	fixture_stats | jq -e '.inflight == 2'
	curl -s "$BASE/json?key=ud" >/dev/null
	[ ! -s "$BATS_TEST_TMPDIR/a" ]
	curl -s "$BASE/json?key=ud" >/dev/null
	# the second key=ud releases the first, not the second
	timeout 30 tail --pid="$a" -f /dev/null
	assert_equal "$(cat "$BATS_TEST_TMPDIR/a")" '{"delayed":60000}'
	kill -0 "$b"
	curl -s "$BASE/json?key=ud" >/dev/null
	timeout 30 tail --pid="$b" -f /dev/null
	assert_equal "$(cat "$BATS_TEST_TMPDIR/b")" '{"delayed":60000}'
	# a count already reached answers at once; without it, at MS
	run curl -s -m 30 "$BASE/delay/60000?until=ud&count=3"
	assert_output '{"delayed":60000}'
	run curl -s -w ' %{time_total}' "$BASE/delay/300?until=none&count=1"
	assert_equal "${output% *}" '{"delayed":300}'
	run awk -v t="${output##* }" 'BEGIN { exit !(t >= 0.3) }'
	assert_success
	run http_w '%{http_code}' '/delay/10?until=ud'
	assert_output 400
}

@test "/echo returns method, uri, headers (repeats joined) and a text body" {
	run curl -s -X PUT -H 'X-Dup: 1' -H 'x-dup: 2' --data-binary 'héllo "x"' "$BASE/echo?x=1&y=%20"
	assert_success
	run jq -c '[.method, .uri, .headers["X-Dup"], .body, has("body_base64")]' <<<"$output"
	assert_output '["PUT","/echo?x=1&y=%20","1, 2","héllo \"x\"",false]'
	run curl -s "$BASE/echo"
	run jq -r '.method + " " + .headers.Host + " [" + .body + "]"' <<<"$output"
	assert_output "GET 127.0.0.1:$FIXTURE_PORT []"
}

@test "/echo base64-encodes a body that is not UTF-8 text" {
	run bash -c "printf 'a\\000b\\377' | curl -s --data-binary @- '$BASE/echo' | jq -r '.body_base64, has(\"body\")'"
	assert_success
	assert_output $'YQBi/w==\nfalse'
}

@test "/redirect/N chains down to /json" {
	run header Location /redirect/3
	assert_output /redirect/2
	run header Location /redirect/0
	assert_output /json
	run curl -s -L -w ' %{num_redirects}' "$BASE/redirect/3"
	assert_output '{"ok":true,"path":"/json"} 4'
}

@test "/redirect-to?url=U&status=S redirects to decoded U with S" {
	run curl -s -D - -o /dev/null "$BASE/redirect-to?url=ftp%3A%2F%2Fexample.com%2Fa%3Fb%3D1&status=307"
	assert_line --partial 'HTTP/1.1 307'
	assert_line $'Location: ftp://example.com/a?b=1\r'
	run header Location '/redirect-to?url=/json'
	assert_output /json
	run http_w '%{http_code}' '/redirect-to?url=/json'
	assert_output 302
	run http_w '%{http_code}' /redirect-to
	assert_output 400
	run http_w '%{http_code}' '/redirect-to?url=/x%0d%0aX-Evil:%201'
	assert_output 400
}

@test "/redirect-loop loops; /redirect-echo lands on /echo" {
	run header Location /redirect-loop
	assert_output /redirect-loop
	run curl -s -L --max-redirs 5 "$BASE/redirect-loop"
	assert_failure 47
	run header Location /redirect-echo
	assert_output /echo
	run bash -c "curl -s -L '$BASE/redirect-echo' | jq -r .uri"
	assert_output /echo
}

@test "/binary is bytes 0x00..0xff four times" {
	local one
	one=$(printf '%02x' $(seq 0 255))
	run hex "$BASE/binary"
	assert_output "$one$one$one$one"
	run header Content-Type /binary
	assert_output application/octet-stream
}

@test "/latin1 is ISO-8859-1 text" {
	run hex "$BASE/latin1"
	assert_output 636166e9206e61ef76650a
	run header Content-Type /latin1
	assert_output 'text/plain; charset=iso-8859-1'
}

@test "/text, /empty and /nocontent" {
	run curl -s "$BASE/text"
	assert_output hello
	run http_w '%{http_code} %{size_download}' /empty
	assert_output '200 0'
	run http_w '%{http_code} %{size_download}' /nocontent
	assert_output '204 0'
}

@test "/ctrl carries ESC, DEL, U+2028, NUL, tab and CR among plain text" {
	run hex "$BASE/ctrl"
	assert_output --partial 3d1b   # =ESC
	assert_output --partial 3d7f   # =DEL
	assert_output --partial 3de280a8 # =U+2028
	assert_output --partial 3d00   # =NUL
	assert_output --partial 3d09   # =tab
	assert_output --partial 3d0d   # =CR
	assert_output --partial 706c61696e # plain
}

@test "/notjson claims JSON but is not" {
	run header Content-Type /notjson
	assert_output application/json
	run curl -s "$BASE/notjson"
	assert_output '{"broken": '
	run jq . <<<"$output"
	assert_failure
}

@test "/bignum has numbers beyond double precision" {
	run curl -s "$BASE/bignum"
	assert_output '{"n":12345678901234567890123,"f":1.000000000000000000001}'
}

@test "/bytes/N sends N bytes of a..z with Content-Length N" {
	run curl -s "$BASE/bytes/30"
	assert_output abcdefghijklmnopqrstuvwxyzabcd
	run http_w '%{size_download}' /bytes/0
	assert_output 0
	run bash -c "curl -s '$BASE/bytes/1000000' | tail -c 28"
	assert_output "$(pattern 999972 1000000)"
	run header Content-Length /bytes/1000000
	assert_output 1000000
	run http_w '%{http_code} %{size_download}' /bytes/200000000
	assert_output '200 200000000'
	run http_w '%{http_code}' /bytes/200000001
	assert_output 400
}

@test "/bytes/N: HEAD gets the length only; the connection is reused after a stream" {
	run curl -s -I "$BASE/bytes/1000000"
	assert_line $'Content-Length: 1000000\r'
	run curl -s -w '%{size_download} %{num_connects}\n' \
		-o /dev/null "$BASE/bytes/100000" -o /dev/null "$BASE/bytes/100000"
	assert_output $'100000 1\n100000 0'
}

@test "a client leaving mid-stream or mid-delay leaves no request in flight" {
	fixture_reset
	run bash -c "curl -s '$BASE/bytes/200000000' | head -c 1000 | wc -c"
	assert_output 1000
	run curl -s --max-time 0.2 "$BASE/delay/60000?until=mid&count=1"
	assert_failure 28
	# the delayed reply is written (and fails) when it is released: by
	# the next request, which comes while it is still held
	run curl -s "$BASE/delay/500?key=mid"
	run fixture_stats
	assert_output '{"requests":3,"inflight":0,"max_inflight":2}'
}

@test "/headers/N adds N X-H-i headers" {
	run bash -c "curl -s -D - -o /dev/null '$BASE/headers/1000' | grep -c '^X-H-'"
	assert_output 1000
	run bash -c "curl -s -D - -o /dev/null '$BASE/headers/1000' | grep -x \$'X-H-777: 777\r'"
	assert_success
	# 20,000 headers are more than curl accepts: read them off the socket.
	run bash -c "http_raw /headers/20000 | grep -c '^X-H-'"
	assert_output 20000
	run http_w '%{http_code}' /headers/20001
	assert_output 400
}

@test "/bigheader/N sends one X-Big header of N x's" {
	run bash -c "curl -s -D - -o /dev/null '$BASE/bigheader/50000' | tr -d '\r' | sed -n 's/^X-Big: //p' | tr -d 'x\n' | wc -c"
	assert_output 0
	run header X-Big /bigheader/50000
	assert_equal "${#output}" 50000
}

@test "/gzip is gzip-encoded JSON" {
	run header Content-Encoding /gzip
	assert_output gzip
	run curl -s --compressed "$BASE/gzip"
	assert_output '{"gzip":true}'
	run bash -c "curl -s '$BASE/gzip' | gzip -dc"
	assert_output '{"gzip":true}'
}

@test "/gzip-bomb is ~200 KB that inflates to 200 MB of zeros" {
	run header Content-Encoding /gzip-bomb
	assert_output gzip
	run http_w '%{size_download}' /gzip-bomb
	[[ $output -lt 300000 ]]
	run bash -c "curl -s '$BASE/gzip-bomb' | gzip -dc | tr -d '\\000' | wc -c"
	assert_output 0
	run bash -c "curl -s '$BASE/gzip-bomb' | gzip -dc | wc -c"
	assert_output 209715200
}

@test "/gzip-broken has a gzip header and then garbage" {
	run header Content-Encoding /gzip-broken
	assert_output gzip
	run hex "$BASE/gzip-broken"
	[[ ${#output} -eq 400 && $output == 1f8b08* ]]
	run bash -c "curl -s '$BASE/gzip-broken' | gzip -dc"
	assert_failure
	run curl -s --compressed "$BASE/gzip-broken"
	assert_failure 61
}

@test "/flaky/K/S fails K times per key, with Retry-After, then succeeds" {
	fixture_reset
	run curl -s -w ' %{http_code}' "$BASE/flaky/2/503?key=f1&ra=1"
	assert_output '{"status":503,"attempt":1} 503'
	run header Retry-After '/flaky/2/503?key=f1&ra=1'
	assert_output 1
	run curl -s -w ' %{http_code}' "$BASE/flaky/2/503?key=f1&ra=1"
	assert_output '{"ok":true,"attempt":3} 200'
	run http_w '%{http_code}' '/flaky/2/503?key=f2'
	assert_output 503
	run header Retry-After '/flaky/1/429?key=f3&ra=Wed,%2021%20Oct%202015%2007:28:00%20GMT'
	assert_output 'Wed, 21 Oct 2015 07:28:00 GMT'
	run http_w '%{http_code}' '/flaky/x/503?key=f4'
	assert_output 400
}

@test "/header-echo sets the named response header" {
	run header X-Custom '/header-echo?name=X-Custom&value=a%20b'
	assert_output 'a b'
	run curl -s "$BASE/header-echo?name=X-A&value=1"
	assert_output '{}'
	run http_w '%{http_code}' '/header-echo?name=X-A'
	assert_output 400
	run http_w '%{http_code}' '/header-echo?name=X-A&value=a%0d%0aX-B:%201'
	assert_output 400
}

@test "/link?rel=R&to=URL sends a Link header" {
	run header Link '/link?rel=next&to=/pg/num%3Fpage%3D2'
	assert_output '</pg/num?page=2>; rel="next"'
	run header Link '/link?to=ftp://x/'
	assert_output '<ftp://x/>; rel="next"'
	run curl -s "$BASE/link?to=/x"
	assert_output '[]'
}

# ---- pagination ----

@test "/pg/link: first/next/last links, next split out unquoted on odd pages" {
	run bash -c "curl -s -D - -o /dev/null '$BASE/pg/link?n=3&chain=4' | tr -d '\r' | grep '^Link: '"
	assert_output - <<-'EOF'
	Link: </pg/link?page=1&n=3&chain=4>; rel="first", </pg/link?page=3&n=3&chain=4>; rel="last"
	Link: <link?page=2&n=3&chain=4>; rel=next
	EOF
	run header Link '/pg/link?page=2&n=3&chain=4'
	assert_output '</pg/link?page=1&n=3&chain=4>; rel="first", </pg/link?page=3&n=3&chain=4>; rel="next", </pg/link?page=3&n=3&chain=4>; rel="last"'
	run header Link '/pg/link?page=3&n=3&chain=4'
	assert_output '</pg/link?page=1&n=3&chain=4>; rel="first"'
	run bash -c "curl -s -D - -o /dev/null '$BASE/pg/link?page=3&n=3&chain=4' | grep -ci '^link:'"
	assert_output 1
	run curl -s "$BASE/pg/link?page=2&n=3&chain=4"
	assert_output '["c4-p2-i1","c4-p2-i2"]'
}

@test "/pg/field: a chain of relative or absolute next links ending in null" {
	run curl -s "$BASE/pg/field?n=2&chain=1"
	assert_output '{"data":["c1-p1-i1","c1-p1-i2"],"links":{"next":"/pg/field?page=2&n=2&chain=1&abs=0"}}'
	run bash -c "curl -s '$BASE/pg/field?n=2&chain=1&abs=1' | jq -r .links.next"
	assert_output "$BASE/pg/field?page=2&n=2&chain=1&abs=1"
	local url="$BASE/pg/field?n=3&chain=7" items=() next
	while [[ -n $url ]]; do
		run curl -s "$url"
		assert_success
		items+=($(jq -r '.data[]' <<<"$output"))
		next=$(jq -r '.links.next // empty' <<<"$output")
		url=${next:+$BASE$next}
	done
	assert_equal "${items[*]}" 'c7-p1-i1 c7-p1-i2 c7-p2-i1 c7-p2-i2 c7-p3-i1 c7-p3-i2'
}

@test "/pg/field next links keep ?key= so a whole chain counts under it" {
	fixture_reset
	run bash -c "curl -s '$BASE/pg/field?n=2&key=k%201' | jq -r .links.next"
	assert_output '/pg/field?page=2&n=2&chain=0&abs=0&key=k%201'
	run fixture_count 'k 1'
	assert_output 1
}

@test "/pg/num: items per page, empty past the end, other params echoed" {
	run curl -s "$BASE/pg/num?page=2&n=2&chain=3&other=x%20y"
	assert_output '{"items":["c3-p2-i1","c3-p2-i2"],"other":"x y"}'
	run curl -s "$BASE/pg/num?page=3&n=2&other=z"
	assert_output '{"items":[],"other":"z"}'
	run http_w '%{http_code}' '/pg/num?page=0'
	assert_output 400
}

@test "/pg/cursor: c1, c2, ... with a null cursor on the last page" {
	run curl -s "$BASE/pg/cursor?n=2&chain=5"
	assert_output '{"items":["c5-p1-i1","c5-p1-i2"],"meta":{"next_cursor":"c2"}}'
	run curl -s "$BASE/pg/cursor?cursor=c2&n=2&chain=5"
	assert_output '{"items":["c5-p2-i1","c5-p2-i2"],"meta":{"next_cursor":null}}'
	run http_w '%{http_code}' '/pg/cursor?cursor=zz'
	assert_output 400
}

@test "/pg/loop links back to page 1 in body and header" {
	run curl -s "$BASE/pg/loop?page=1"
	assert_output '{"items":[1],"next":"/pg/loop?page=1"}'
	run header Link '/pg/loop?page=7'
	assert_output '</pg/loop?page=1>; rel="next"'
}

@test "/pg/fail: page 2 is a 500" {
	run bash -c "curl -s '$BASE/pg/fail?n=3' | jq -r .links.next"
	assert_output '/pg/fail?page=2&n=3&chain=0'
	run curl -s -w ' %{http_code}' "$BASE/pg/fail?page=2&n=3"
	assert_output '{"error":"boom"} 500'
	run http_w '%{http_code}' '/pg/fail?page=3&n=3'
	assert_output 200
}

@test "/pg/slow: each page delayed by ms; next keeps ms" {
	run curl -s -w ' %{time_total}' "$BASE/pg/slow?n=2&ms=250"
	local t=${output##* }
	assert_equal "${output% *}" '{"data":["c0-p1-i1","c0-p1-i2"],"links":{"next":"/pg/slow?page=2&n=2&chain=0&ms=250"}}'
	run awk -v t="$t" 'BEGIN { exit !(t >= 0.25) }'
	assert_success
}

@test "unknown paths are a JSON 404" {
	run curl -s -w ' %{http_code}' "$BASE/no/such/thing"
	assert_output '{"error":"no such endpoint"} 404'
}

# ---- raw fault port ----

@test "raw /close: connection closed without a byte" {
	run curl -s "$RAW/close"
	assert_failure 52
	run fixture_raw /close
	assert_output ''
}

@test "raw /reset: connection reset without a byte" {
	run curl -s "$RAW/reset"
	assert_failure 56
}

@test "raw /reset-mid: reset after 100 of 1000 body bytes" {
	run curl -s -w ' %{http_code} %{size_download}' "$RAW/reset-mid"
	assert_failure 56
	assert_output --regexp ' 200 100$'
}

@test "raw /short: clean close after 100 of 1000 body bytes" {
	run curl -s -o /dev/null -w '%{http_code} %{size_download}' "$RAW/short"
	assert_failure 18
	assert_output '200 100'
	run fixture_raw /short
	assert_line $'Content-Length: 1000\r'
	assert_line "$(pattern 0 100)"
}

@test "raw /chunked-trunc: one chunk, no last chunk" {
	run curl -s "$RAW/chunked-trunc"
	assert_failure 18
	assert_output hello
}

@test "raw /chunked-reset: reset after the first chunk" {
	run curl -s "$RAW/chunked-reset"
	assert_failure 56
	assert_output hello
	run fixture_raw /chunked-reset
	assert_line $'Transfer-Encoding: chunked\r'
}

@test "raw /bad-chunk: a chunk size that is not hex" {
	run curl -s "$RAW/bad-chunk"
	assert_failure 56
	run fixture_raw /bad-chunk
	assert_line $'zzz\r'
}

@test "raw /conflict-cl: Content-Length 5 and 10" {
	run fixture_raw /conflict-cl
	assert_line $'Content-Length: 5\r'
	assert_line $'Content-Length: 10\r'
	assert_line hello
}

@test "raw /conflict-cl-late: Content-Length 5, then 6 as header line 1001" {
	run fixture_raw /conflict-cl-late
	assert_line --index 1 $'Content-Length: 5\r'
	assert_line --index 1000 $'Content-Length: 6\r'
	assert_line hello
}

@test "raw /v10, /interim, /bare-code, /long-code, /code-run, /trailer-status, /lower-status, /http-header, /header-status: status lines besides HTTP/1.1 200 OK" {
	run fixture_raw /v10
	assert_line --index 0 $'HTTP/1.0 203 Non-Authoritative\r'
	run fixture_raw /interim
	assert_line --index 0 $'HTTP/1.1 103 Early Hints\r'
	assert_line --index 3 $'HTTP/1.1 201 Created\r'
	run fixture_raw /bare-code
	assert_line --index 0 $'HTTP/1.1 202\r'
	run fixture_raw /long-code
	assert_line --index 0 $'HTTP/1.1 2040 OK\r'
	run fixture_raw /code-run
	assert_line --index 0 $'HTTP/1.1 200OK\r'
	run fixture_raw /trailer-status
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'HTTP/1.1 503 spoof: 1\r'
	run fixture_raw /lower-status
	assert_line $'http/1.1 404 Not Found\r'
	run fixture_raw /http-header
	assert_line --index 1 $'http/x: y\r'
	run fixture_raw /header-status
	assert_line --index 0 $'HTTP/1.1 429 Slow\r'
	assert_line --index 2 $'HTTP/1.1 200 OK: spoof\r'
}

@test "raw /bad-status, /garbage, /http09: not HTTP/1.x responses" {
	run fixture_raw /bad-status
	assert_output $'HTTP/1.1 abc OK\r\n\r'
	run curl -s "$RAW/bad-status"
	assert_failure
	run raw_hex /garbage
	assert_output 010220676172626167650d0a0d0a
	run curl -s "$RAW/garbage"
	assert_failure
	run fixture_raw /http09
	assert_output 'hello world'
	run curl -s "$RAW/http09"
	assert_failure 1
	run curl -s --http0.9 "$RAW/http09"
	assert_success
	assert_output 'hello world'
}

@test "raw /nul-header: a NUL byte inside a header line" {
	run raw_hex /nul-header
	assert_output --partial 582d4e756c3a206100620d0a # "X-Nul: a\0b\r\n"
	run curl -s "$RAW/nul-header"
	assert_failure 8
}

@test "raw /slow-headers: status line, then headers that never end" {
	run curl -s -D "$BATS_TEST_TMPDIR/h" -o /dev/null --max-time 0.7 "$RAW/slow-headers"
	assert_failure 28
	run cat "$BATS_TEST_TMPDIR/h"
	assert_output $'HTTP/1.1 200 OK\r'
}

@test "raw /trickle: Content-Length 100000 at ten bytes a second" {
	run curl -s -w '%{http_code} %{size_download}' -o /dev/null --max-time 0.75 "$RAW/trickle"
	assert_failure 28
	[[ ${output%% *} == 200 ]]
	local got=${output##* }
	[[ $got -ge 1 && $got -le 10 ]]
}

@test "raw /never: never answers" {
	run curl -s -w '%{http_code} %{size_download}' --max-time 0.5 "$RAW/never"
	assert_failure 28
	assert_output '000 0'
}

@test "raw /endless: an unbounded body, no Content-Length" {
	run bash -c "curl -s -D '$BATS_TEST_TMPDIR/h' '$RAW/endless' | head -c 50000000 | wc -c"
	assert_output 50000000
	run grep -ci content-length "$BATS_TEST_TMPDIR/h"
	assert_output 0
	run grep -c '^HTTP/1.1 200' "$BATS_TEST_TMPDIR/h"
	assert_output 1
}

@test "raw: any other path is a 404" {
	run curl -s -w '%{http_code}' "$RAW/what"
	assert_success
	assert_output 404
}

@test "raw faults survive clients that leave early; the fixture keeps serving" {
	local p
	for p in close reset reset-mid short chunked-trunc bad-chunk conflict-cl \
		bad-status garbage http09 nul-header slow-headers trickle never endless; do
		curl -s -o /dev/null --max-time 0.1 "$RAW/$p" || true
	done
	run curl -s -o /dev/null -w '%{http_code} %{size_download}' "$RAW/short"
	assert_output '200 100'
	run curl -s "$BASE/json"
	assert_output '{"ok":true,"path":"/json"}'
}
