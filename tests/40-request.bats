#!/usr/bin/env bats
# Request options: method, headers, bodies, redirects and their origin
# rule, compression, HTTP versions, TLS.

load helper

setup_file() {
	fixture_start
	# A TLS server with a self-signed certificate, for -k, --cacert and
	# --capath.  No session resumption: every connection verifies the
	# certificate (a resumed session would skip that).
	TLS_DIR=$BATS_FILE_TMPDIR/tls
	tls_cert "$TLS_DIR"
	TLS_PORT=$(free_port)
	(cd "$TLS_DIR" && exec timeout 600 openssl s_server -quiet -accept "127.0.0.1:$TLS_PORT" \
		-cert cert.pem -key key.pem -no_ticket -no_cache -WWW </dev/null >/dev/null 2>&1) &
	TLS_PID=$!
	echo '{"tls":true}' >"$TLS_DIR/hello.json"
	# ready when it accepts a TLS handshake
	for _ in $(seq 1 100); do
		curl -sk -o /dev/null "https://127.0.0.1:$TLS_PORT/hello.json" && break
		sleep 0.05
	done
	export TLS_DIR TLS_PORT TLS_PID
}

teardown_file() {
	[ -n "${TLS_PID:-}" ] && kill "$TLS_PID" 2>/dev/null
	fixture_stop
}

@test "request: -X, -H, -A and the default User-Agent" {
	run --separate-stderr "$VOLLEY" -X DELETE -H 'X-One: 1' -H 'X-Two: two words' -A 'tester/1' "$BASE/echo"
	assert_success
	echo "$output" | jq -e '.method == "DELETE" and .body.method == "DELETE"
		and .body.headers["X-One"] == "1" and .body.headers["X-Two"] == "two words"
		and .body.headers["User-Agent"] == "tester/1"'
	run --separate-stderr "$VOLLEY" "$BASE/echo"
	echo "$output" | jq -e '.body.headers["User-Agent"] | test("^volley/[0-9]")'
}

@test "request: User-Agent: -A '' sends none; -H and a request line's headers override -A" {
	run --separate-stderr "$VOLLEY" -A '' "$BASE/echo"
	assert_success
	echo "$output" | jq -e '.body.headers | has("User-Agent") | not'
	run --separate-stderr "$VOLLEY" -A 'a/1' -H 'User-Agent: h/1' "$BASE/echo"
	echo "$output" | jq -e '.body.headers["User-Agent"] == "h/1"'
	run --separate-stderr "$VOLLEY" -H 'User-Agent:' "$BASE/echo"
	echo "$output" | jq -e '.body.headers | has("User-Agent") | not'
	run --separate-stderr "$VOLLEY" -A 'a/1' <<<"{\"url\":\"$BASE/echo\",\"headers\":{\"User-Agent\":\"line/1\"}}"
	echo "$output" | jq -e '.body.headers["User-Agent"] == "line/1"'
	# a request line with other headers still carries the run's User-Agent
	run --separate-stderr "$VOLLEY" -A 'a/1' <<<"{\"url\":\"$BASE/echo\",\"headers\":{\"X-Q\":\"1\"}}"
	echo "$output" | jq -e '.body.headers["User-Agent"] == "a/1" and .body.headers["X-Q"] == "1"'
}

@test "request: -x and http_proxy send requests through the proxy, with -A and -H" {
	# The fixture answers absolute-form requests, so it stands in for a
	# proxy: example.invalid is never resolved when a proxy is used.
	run --separate-stderr "$VOLLEY" -x "$BASE" -A 'px/1' -H 'X-P: 1' http://example.invalid/echo
	assert_success
	echo "$output" | jq -e '.ok and .body.headers["User-Agent"] == "px/1" and .body.headers["X-P"] == "1"'
	http_proxy=$BASE run --separate-stderr "$VOLLEY" http://example.invalid/echo
	assert_success
	echo "$output" | jq -e '.ok and (.body.headers["User-Agent"] | test("^volley/"))'
	# an https URL needs a tunnel, which the fixture refuses (it answers
	# CONNECT 404): the connection failed, kind connect, on every libcurl
	run --separate-stderr "$VOLLEY" -x "$BASE" https://example.invalid/
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "connect" and .error.curl_code == 56 and .status == null'
}

@test "request: -d sends a form POST, @FILE reads a file, repeated -d join with &" {
	printf 'from=file' >"$BATS_TEST_TMPDIR/body"
	run --separate-stderr "$VOLLEY" -d a=1 -d "@$BATS_TEST_TMPDIR/body" "$BASE/echo"
	assert_success
	echo "$output" | jq -e '.method == "POST" and .body.method == "POST" and .body.body == "a=1&from=file"
		and .body.headers["Content-Type"] == "application/x-www-form-urlencoded"'
	run --separate-stderr "$VOLLEY" -X PUT -d x "$BASE/echo"
	echo "$output" | jq -e '.body.method == "PUT" and .body.body == "x"'
	run --separate-stderr "$VOLLEY" -d "@$BATS_TEST_TMPDIR/missing" "$BASE/echo"
	assert_failure 2
}

@test "request: --json sends JSON with JSON Content-Type and Accept" {
	run --separate-stderr "$VOLLEY" --json '{"a":1}' "$BASE/echo"
	assert_success
	echo "$output" | jq -e '.body.method == "POST" and (.body.body | fromjson) == {"a":1}
		and .body.headers["Content-Type"] == "application/json"
		and .body.headers["Accept"] == "application/json"'
}

@test "request: -X HEAD gets no body" {
	run --separate-stderr "$VOLLEY" -X HEAD "$BASE/json"
	assert_success
	echo "$output" | jq -e '.method == "HEAD" and .status == 200 and .body == ""'
	# its Content-Length is no body to refuse at --max-body; on the same
	# handle (-c 1) the GET after it is held to the limit again
	printf '{"url":"%s","method":"HEAD"}\n%s\n' "$BASE/bytes/5000000" "$BASE/bytes/5000000" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -c 1 --max-body 1K -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.method == "HEAD" and .ok and .status == 200 and .error == null'
	echo "${lines[1]}" | jq -e '.method == "GET" and .error.kind == "body_too_large"'
}

@test "request: without -L a redirect is an ok record with its 3xx status" {
	run --separate-stderr "$VOLLEY" "$BASE/redirect/2"
	assert_success
	echo "$output" | jq -e '.status == 302 and .ok'
}

@test "request: -L follows redirects; final_url says where it ended" {
	run --separate-stderr "$VOLLEY" -L "$BASE/redirect/3"
	assert_success
	echo "$output" | jq -e --arg b "$BASE" '.status == 200 and .final_url == "\($b)/json"
		and .url == "\($b)/redirect/3" and .body.ok'
}

@test "request: --max-redirs and a redirect loop give too_many_redirects" {
	run --separate-stderr "$VOLLEY" -L --max-redirs 2 "$BASE/redirect/3" "$BASE/redirect-loop"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.error.kind == "too_many_redirects"'
	echo "${lines[1]}" | jq -e '.error.kind == "too_many_redirects"'
}

@test "request: a redirect to file://, ftp:// or gopher:// is unsupported_protocol, nothing read" {
	run --separate-stderr "$VOLLEY" -L "$BASE/redirect-to?url=file:///etc/passwd" \
		"$BASE/redirect-to?url=ftp://127.0.0.1/x" "$BASE/redirect-to?url=gopher://127.0.0.1/x"
	assert_failure 1
	run jq -s -e 'all(.[]; .error.kind == "unsupported_protocol" and (.body | tostring | contains("root:") | not))' <<<"$output"
	assert_success
}

@test "request: -H headers are not sent to another origin on redirects, unless --location-trusted" {
	other="http://localhost:$FIXTURE_PORT/echo"
	run --separate-stderr "$VOLLEY" -L -H 'Authorization: Bearer t0k' -H 'X-Secret: s' \
		"$BASE/redirect-to?url=$other" "$BASE/redirect-echo"
	assert_success
	# another origin (localhost is not 127.0.0.1): dropped
	echo "${lines[0]}" | jq -e '.body.headers | has("Authorization") or has("X-Secret") | not'
	# same origin: kept
	echo "${lines[1]}" | jq -e '.body.headers["Authorization"] == "Bearer t0k" and .body.headers["X-Secret"] == "s"'
	run --separate-stderr "$VOLLEY" -L --location-trusted -H 'X-Secret: s' "$BASE/redirect-to?url=$other"
	echo "$output" | jq -e '.body.headers["X-Secret"] == "s"'
}

@test "request: 303 turns a POST into a GET; 307 keeps the method and body" {
	run --separate-stderr "$VOLLEY" -L -d x=1 "$BASE/redirect-to?status=303&url=/echo" "$BASE/redirect-to?status=307&url=/echo"
	assert_success
	echo "${lines[0]}" | jq -e '.body.method == "GET" and .body.body == ""'
	echo "${lines[1]}" | jq -e '.body.method == "POST" and .body.body == "x=1"'
}

@test "request: --compressed decodes gzip; broken gzip is a decode error, never an empty success" {
	run --separate-stderr "$VOLLEY" --compressed "$BASE/gzip" "$BASE/gzip-broken"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.ok and .body == {"gzip": true}'
	echo "${lines[1]}" | jq -e '.ok == false and .error.kind == "decode"'
}

@test "request: --compressed with a gzip bomb stops at --max-body" {
	run --separate-stderr "$VOLLEY" --compressed --max-body 1M --body none "$BASE/gzip-bomb"
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "body_too_large"'
}

@test "request: --http1.1 is HTTP/1.1; --http2-prior-knowledge to an HTTP/1.1 server fails cleanly" {
	run --separate-stderr "$VOLLEY" --http1.1 "$BASE/json"
	assert_success
	echo "$output" | jq -e '.http_version == "1.1"'
	run --separate-stderr "$VOLLEY" -t 5s --http2-prior-knowledge "$BASE/json"
	assert_failure 1
	echo "$output" | jq -e '.ok == false and (.error.kind | IN("protocol", "read"))'
}

@test "request: a self-signed certificate is a tls error; -k and --cacert accept it" {
	url="https://127.0.0.1:$TLS_PORT/hello.json"
	run --separate-stderr "$VOLLEY" "$url"
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "tls" and .status == null'
	run --separate-stderr "$VOLLEY" -k "$url"
	assert_success
	echo "$output" | jq -e '.body == {"tls": true}'
	run --separate-stderr "$VOLLEY" --cacert "$TLS_DIR/cert.pem" "$url"
	assert_success
}

@test "request: --cacert's CA store is read once, not for each new connection" {
	# volley leaves libcurl no CA path beside the file, so libcurl keeps
	# the store it read for the connections after.  s_server -WWW closes
	# after each response: every request is a new connection.  Once the
	# first is done the file is made to trust another certificate; read
	# again, it would fail the next handshakes.
	url="https://127.0.0.1:$TLS_PORT/hello.json"
	ca=$BATS_TEST_TMPDIR/ca.pem
	cp "$TLS_DIR/cert.pem" "$ca"
	tls_cert "$BATS_TEST_TMPDIR/other"
	fifo_in=$BATS_TEST_TMPDIR/in fifo_out=$BATS_TEST_TMPDIR/out
	mkfifo "$fifo_in" "$fifo_out"
	"$VOLLEY" -c 1 --cacert "$ca" <"$fifo_in" >"$fifo_out" &
	vpid=$!
	exec 7>"$fifo_in" 8<"$fifo_out"
	echo "$url" >&7
	read -t 60 -r first <&8
	cp "$BATS_TEST_TMPDIR/other/cert.pem" "$ca"
	for _ in 1 2 3 4; do echo "$url" >&7; done
	exec 7>&-
	rest=$(timeout 120 cat <&8)
	exec 8<&-
	status=0
	wait "$vpid" || status=$?
	echo "$first" "$rest" | jq -s -c '[.[] | [.ok, .error.kind]]'
	[ "$status" -eq 0 ]
	echo "$first" "$rest" | jq -s -e 'length == 5 and
		all(.[]; .ok and .timing.connect_ms != null and .timing.tls_ms != null)'
}

@test "request: --capath trusts a hashed certificate directory; an empty one trusts nothing" {
	url="https://127.0.0.1:$TLS_PORT/hello.json"
	dir=$BATS_TEST_TMPDIR/certs empty=$BATS_TEST_TMPDIR/empty
	mkdir "$dir" "$empty"
	cp "$TLS_DIR/cert.pem" "$dir/test-ca.pem"
	ln -s test-ca.pem "$dir/$(openssl x509 -hash -noout -in "$TLS_DIR/cert.pem").0"
	run --separate-stderr "$VOLLEY" -c 1 --capath "$dir" "$url" "$url" "$url"
	assert_success
	echo "$output" | jq -s -e 'length == 3 and all(.[]; .ok and .body == {"tls": true})'
	run --separate-stderr "$VOLLEY" --capath "$empty" "$url"
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "tls" and .status == null'
	# with --cacert as well, both are trusted (as in curl)
	run --separate-stderr "$VOLLEY" --capath "$empty" --cacert "$TLS_DIR/cert.pem" "$url"
	assert_success
}

@test "request: --capath must be a directory (usage error, exit 2)" {
	url="https://127.0.0.1:$TLS_PORT/hello.json"
	run --separate-stderr "$VOLLEY" --capath "$TLS_DIR/cert.pem" "$url"
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"--capath: $TLS_DIR/cert.pem: not a directory"* ]]
	run --separate-stderr "$VOLLEY" --capath "$BATS_TEST_TMPDIR/nope" "$url"
	assert_failure 2
	[ -z "$output" ]
	[[ "$stderr" == *"--capath: $BATS_TEST_TMPDIR/nope: No such file"* ]]
}

@test "request: on one reused handle (-c 1) each request has its own method, body and headers" {
	# The handle keeps what it was last given and volley sets only what
	# changes: a GET after a HEAD, a POST or a DELETE must be a GET again.
	cat >"$BATS_TEST_TMPDIR/in" <<IN
{"url":"$BASE/echo?n=1","method":"HEAD"}
{"url":"$BASE/echo?n=2"}
{"url":"$BASE/echo?n=3","method":"POST","body":{"a":1}}
{"url":"$BASE/echo?n=4"}
{"url":"$BASE/echo?n=5","method":"DELETE","headers":{"X-Once":"yes"}}
{"url":"$BASE/echo?n=6"}
{"url":"$BASE/echo?n=7","method":"PUT","body":"text"}
{"url":"$BASE/echo?n=8","method":"GET"}
IN
	run --separate-stderr "$VOLLEY" -c 1 -i "$BATS_TEST_TMPDIR/in"
	assert_success
	got=$(echo "$output" | jq -s -c '[.[] | ((.body | objects) // {}) as $b |
		[.method, .status, ($b.method // null), ($b.body // null),
		($b.headers["X-Once"] // null),
		($b.headers["Content-Length"] // null)]]')
	[ "$got" = \
	'[["HEAD",200,null,null,null,null],["GET",200,"GET","",null,null],["POST",200,"POST","{\"a\":1}",null,"7"],["GET",200,"GET","",null,null],["DELETE",200,"DELETE","","yes",null],["GET",200,"GET","",null,null],["PUT",200,"PUT","text",null,"4"],["GET",200,"GET","",null,null]]' ]
}
