#!/usr/bin/env bats
# Input: arguments, -i files, stdin, comments, JSON request lines, and
# every bad line becoming a record instead of an abort.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

@test "input: arguments first, then each -i in order, - is stdin" {
	printf '%s\n' "$BASE/json/f1" "$BASE/json/f2" >"$BATS_TEST_TMPDIR/a"
	run --separate-stderr bash -c "echo '$BASE/json/s1' | '$VOLLEY' --body none '$BASE/json/arg' -i '$BATS_TEST_TMPDIR/a' -i -"
	assert_success
	run jq -r '"\(.index) \(.url | sub(".*/"; ""))"' <<<"$output"
	assert_output "$(printf '0 arg\n1 f1\n2 f2\n3 s1')"
}

@test "input: blank lines and comments are skipped and get no index; lines are trimmed" {
	printf '\n# a comment\n   %s   \n\t\n  # indented comment\n%s\r\n' "$BASE/json/a" "$BASE/json/b" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none -i "$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	run jq -s -e --arg b "$BASE" '.[0].index == 0 and .[0].url == "\($b)/json/a" and .[1].index == 1 and .[1].url == "\($b)/json/b"' <<<"$output"
	assert_success
}

@test "input: a UTF-8 BOM and CRLF are stripped; a last line without newline is read" {
	printf '\xef\xbb\xbf%s\r\n%s' "$BASE/json/a" "$BASE/json/b" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[0]}" | jq -e --arg b "$BASE" '.ok and .url == "\($b)/json/a"'
	echo "${lines[1]}" | jq -e --arg b "$BASE" '.ok and .url == "\($b)/json/b"'
}

@test "input: the same URL three times is fetched three times" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --body none "$BASE/json?key=dup" "$BASE/json?key=dup" "$BASE/json?key=dup"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$(fixture_count dup)" -eq 3 ]
}

@test "input: bad lines become error records of the right kind, never an abort" {
	printf '%s\n' 'not a url' 'http//x' 'http:////x' 'example.com/x' \
		'ftp://127.0.0.1/x' 'file:///etc/passwd' 'gopher://127.0.0.1/' \
		'dict://127.0.0.1/' 'telnet://127.0.0.1/' 'http://127.0.0.1:99999/' \
		'http://127.0.0.1:abc/' "$BASE/json" >"$BATS_TEST_TMPDIR/in"
	printf 'http://127.0.0.1/a\tb\nhttp://127.0.0.1/a\x01b\n' >>"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 14 ]
	recs=$output
	run jq -r '.error.kind // "ok"' <<<"$recs"
	assert_output "$(printf '%s\n' invalid_url invalid_url invalid_url invalid_url \
		unsupported_protocol unsupported_protocol unsupported_protocol \
		unsupported_protocol unsupported_protocol invalid_url invalid_url ok \
		invalid_url invalid_url)"
	# every error message says something
	run jq -s -e 'all(.[]; .error == null or (.error.message | length > 0))' <<<"$recs"
	assert_success
	# nothing was sent for any of them, whether volley or libcurl refused
	# the URL (libcurl reads the ports 99999 and abc): no attempt, no
	# final URL, no time
	run jq -s -e 'del(.[11]) | all(.[]; .attempts == 0 and .final_url == null
		and .time_ms == null and .timing == null and .status == null)' <<<"$recs"
	assert_success
}

@test "input: a NUL byte or invalid UTF-8 in a line gives valid JSON out" {
	printf 'http://127.0.0.1/a\x00b\nhttp://127.0.0.1/caf\xe9 x\n\xff\xfe\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	# jq parses every line, and so does a strict UTF-8 decoder
	run jq -s -e 'length == 3 and all(.[]; .error.kind == "invalid_url")' <<<"$output"
	assert_success
	printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
}

@test "input: a 10 MB line is an input record; the next lines are still processed" {
	{
		echo "$BASE/json/before"
		head -c 10000000 /dev/zero | tr '\0' 'a'
		echo
		echo "$BASE/json/after"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	echo "${lines[0]}" | jq -e '.ok and .index == 0'
	echo "${lines[1]}" | jq -e '.index == 1 and .error.kind == "input" and (.error.message | test("longer"))'
	echo "${lines[2]}" | jq -e '.ok and .index == 2'
}

@test "input: the 1 MiB line limit is the same however the line arrives, whole or in pieces" {
	# 1 MiB + 1 and 1 MiB exactly; read from a file in large reads, and
	# through a pipe in 4 KiB writes
	python3 -c '
import sys
for n in (1048577, 1048576):
    sys.stdout.write("http://127.0.0.1:1/" + "a" * (n - 19) + "\n")' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none -t 1s -i "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[0]}" | jq -e '.error.kind == "input" and (.error.message | test("^line longer than 1048576 bytes"))'
	echo "${lines[1]}" | jq -e '.error.message | test("longer") | not'
	run --separate-stderr bash -c 'dd if="$1" bs=4096 status=none | "$2" --body none -t 1s' _ "$BATS_TEST_TMPDIR/in" "$VOLLEY"
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[0]}" | jq -e '.error.kind == "input" and (.error.message | test("^line longer than 1048576 bytes"))'
	echo "${lines[1]}" | jq -e '.error.message | test("longer") | not'
}

@test "input: JSON request lines carry method, headers, body and id" {
	cat >"$BATS_TEST_TMPDIR/in" <<-EOF
	{"url": "$BASE/echo", "method": "PUT", "headers": {"X-Test": "yes"}, "body": "raw body", "id": "a-1"}
	{"url": "$BASE/echo", "body": {"k": [1, 2]}, "id": {"n": 5}}
	{"url": "$BASE/echo"}
	EOF
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_success
	echo "${lines[0]}" | jq -e '.id == "a-1" and .method == "PUT" and .body.method == "PUT"
		and .body.headers["X-Test"] == "yes" and .body.body == "raw body"'
	echo "${lines[1]}" | jq -e '.id == {"n": 5} and .method == "POST" and .body.method == "POST"
		and (.body.body | fromjson) == {"k": [1, 2]}
		and .body.headers["Content-Type"] == "application/json"'
	echo "${lines[2]}" | jq -e '.id == null and .method == "GET" and .body.method == "GET"'
}

@test "input: JSON line headers override -H headers of the same name" {
	echo "{\"url\": \"$BASE/echo\", \"headers\": {\"X-A\": \"line\"}}" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -H 'X-A: flag' -H 'X-B: flag' -i "$BATS_TEST_TMPDIR/in"
	assert_success
	echo "$output" | jq -e '.body.headers["X-A"] == "line" and .body.headers["X-B"] == "flag"'
}

@test "input: broken JSON request lines are input records, with the id when there is one" {
	cat >"$BATS_TEST_TMPDIR/in" <<-EOF
	{"url": "$BASE/json"
	{"id": 3}
	{"url": "$BASE/json", "method": "GE T", "id": 4}
	{"url": "$BASE/json", "headers": ["x"]}
	{"url": "$BASE/json", "id": 6}
	EOF
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 5 ]
	run jq -r '"\(.index) \(.id) \(.error.kind // "ok")"' <<<"$output"
	assert_output "$(printf '0 null input\n1 3 input\n2 4 input\n3 null input\n4 6 ok')"
}

@test "input: empty input and /dev/null give no output and exit 0" {
	run --separate-stderr "$VOLLEY" </dev/null
	assert_success
	assert_output ""
	: >"$BATS_TEST_TMPDIR/empty"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/empty"
	assert_success
	assert_output ""
	run --separate-stderr "$VOLLEY" -f json </dev/null
	assert_success
	assert_output "[]"
}

@test "input: stdin may be a regular file" {
	printf '%s\n' "$BASE/json/1" "$BASE/json/2" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
}

@test "input: a missing or directory input file is a usage error, nothing fetched" {
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/nope"
	assert_failure 2
	assert_output ""
	[[ $stderr == *nope* ]]
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR"
	assert_failure 2
	[[ $stderr == *directory* ]]
}

@test "input: --template fills {} percent-encoded and {raw} as is" {
	printf 'a b&c\nx/y\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --template "$BASE/echo?q={}" -i "$BATS_TEST_TMPDIR/in"
	assert_success
	echo "${lines[0]}" | jq -e '.body.uri == "/echo?q=a%20b%26c"'
	echo "${lines[1]}" | jq -e '.body.uri == "/echo?q=x%2Fy"'
	run --separate-stderr "$VOLLEY" --template "$BASE/json/{raw}" x/y
	assert_success
	echo "$output" | jq -e '.body.path == "/json/x/y"'
}

@test "input: --shard K/N takes every Nth request and keeps the indices" {
	run --separate-stderr bash -c "seq 0 9 | sed 's|^|$BASE/json/|' | '$VOLLEY' --body none --shard 1/3"
	assert_success
	run jq -s -c '[.[].index]' <<<"$output"
	assert_output "[1,4,7]"
}

@test "input: a password in a URL is redacted in records" {
	run --separate-stderr "$VOLLEY" --body none "http://user:s3cret@127.0.0.1:$FIXTURE_PORT/json"
	assert_success
	refute_output --partial s3cret
	echo "$output" | jq -e '.url | contains("user:***@")'
	echo "$output" | jq -e '.final_url | contains("***") and (contains("s3cret") | not)'
	# without a scheme (an invalid_url record, libcurl cannot parse it),
	# in the record and in a report on stderr
	run --separate-stderr "$VOLLEY" --report tap:- 'user:s3cret@127.0.0.1:1/x' '//user:s3cret@127.0.0.1:1/x'
	assert_failure 1
	[[ $output$stderr != *s3cret* ]]
	jq -s -e '[.[].url] == ["user:***@127.0.0.1:1/x", "//user:***@127.0.0.1:1/x"]' <<<"$output"
	# --template's input field is redacted as the URL is
	run --separate-stderr "$VOLLEY" --body none --template 'http://{raw}' <<<"user:s3cret@127.0.0.1:$FIXTURE_PORT/json"
	assert_success
	echo "$output" | jq -e '.input == "user:***@127.0.0.1:\(env.FIXTURE_PORT)/json" and (.url | contains("user:***@"))'
	# a password longer than a message shows (a JWT, say) is redacted
	# before the message is cut: none of it is left in the --fail-fast
	# line, the records or a JUnit report
	pw=eyJ$(printf 'x%.0s' {1..400})
	run --separate-stderr "$VOLLEY" --fail-fast --report "junit:$BATS_TEST_TMPDIR/j.xml" "http://tok:$pw@127.0.0.1:1/x"
	[ "$status" -eq 3 ]
	[[ $stderr == *"GET http://tok:***@127.0.0.1:1/x"* ]]
	[[ $output$stderr != *eyJxx* ]]
	! grep -q eyJxx "$BATS_TEST_TMPDIR/j.xml"
}

@test "input: an IPv6 literal host works" {
	if ! curl -s -o /dev/null "http://[::1]:$FIXTURE_PORT/json"; then
		echo "no IPv6 loopback here" >&2
		# still check the URL is accepted: a connect error, not invalid_url
		run --separate-stderr "$VOLLEY" "http://[::1]:$FIXTURE_PORT/json"
		echo "$output" | jq -e '.error.kind == "connect"'
		return
	fi
	run --separate-stderr "$VOLLEY" "http://[::1]:$FIXTURE_PORT/json"
	assert_success
}

@test "input: a 65,536-byte host and an IDN host give records, not crashes" {
	host=$(head -c 65536 /dev/zero | tr '\0' 'a')
	printf 'http://%s/x\nhttp://bücher.invalid/\n%s\n' "$host" "$BASE/json" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -t 10s --body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	echo "${lines[0]}" | jq -e '.ok == false and (.error.kind | IN("invalid_url", "dns"))'
	echo "${lines[1]}" | jq -e '.ok == false and (.error.kind | IN("dns", "timeout", "invalid_url"))'
	echo "${lines[2]}" | jq -e '.ok'
}

@test "input: fuzzed lines give exactly one record per request line, all valid JSON" {
	python3 - "$BATS_TEST_TMPDIR/in" "$BASE" <<-'EOF'
	import random, sys
	rnd = random.Random(1234)
	pieces = [b"http://", b"https://", b"ftp://", b"{", b"}", b'"url"', b":", b"#", b" ",
	          b"\t", b"\r", b"\x00", b"\xff", b"\xc3\xa9", b"\xef\xbb\xbf", b"/", b"?", b"%",
	          b"@", b"[::1]", b"127.0.0.1", b":99999", b"\\", b'"', b"\x1b", b"\xe2\x80\xa8",
	          sys.argv[2].encode() + b"/json", b"\n"]
	with open(sys.argv[1], "wb") as f:
	    for _ in range(600):
	        f.write(b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) + b"\n")
	EOF
	# the request lines by volley's rules: trimmed of spaces, tabs and CR,
	# not blank, not a comment
	want=$(python3 - "$BATS_TEST_TMPDIR/in" <<-'EOF'
	import sys
	data = open(sys.argv[1], "rb").read()
	n = 0
	for i, line in enumerate(data.split(b"\n")[:-1]):
	    if i == 0 and line.startswith(b"\xef\xbb\xbf"):
	        line = line[3:]
	    line = line.strip(b" \t\r")
	    if line and not line.startswith(b"#"):
	        n += 1
	print(n)
	EOF
	)
	run --separate-stderr "$VOLLEY" -t 3s --connect-timeout 1s --body none -c 100 -i "$BATS_TEST_TMPDIR/in"
	[ "$status" -le 1 ]
	[ "${#lines[@]}" -eq "$want" ]
	printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
	jq -s -e --argjson n "$want" 'length == $n and ([.[].index] == [range(0;$n)])' <<<"$output"
}

@test "input: \\u0000 in a JSON request line is an input record, never a shortened URL or body" {
	printf '%s\n' "{\"url\":\"$BASE/echo\\u0000 evil\"}" "{\"url\":\"$BASE/echo\",\"body\":\"a\\u0000bcd\"}" \
		"{\"url\\u0000x\":\"$BASE/echo\\u0000/../admin\"}" "{\"id\\u0000\":1,\"url\":\"$BASE/echo\"}" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	# (a member name with \u0000 is one to cJSON with the text before it:
	# "url\u0000x" was taken as "url", and its value cut at the NUL)
	run jq -s -e 'length == 4 and all(.[]; .error.kind == "input" and .status == null
		and (.error.message | test("u0000")))' <<<"$output"
	assert_success
	# an escaped backslash before u0000 is no NUL: the body is sent as is
	printf '%s\n' "{\"url\":\"$BASE/echo\",\"body\":\"a\\\\u0000b\"}" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_success
	echo "$output" | jq -e '.body.body == "a\\u0000b"'
}

@test "input: a malformed JSON pointer is a usage error" {
	for bad in "--next-field links/next" "--items data" "--items /a~2" "--cursor-param c --cursor-field x"; do
		run --separate-stderr "$VOLLEY" $bad "$BASE/json"
		[ "$status" -eq 2 ] || { echo "$bad: $status"; false; }
		[[ $stderr == *"JSON pointer"* ]]
	done
}

@test "input: passwords are redacted in error messages too" {
	run --separate-stderr "$VOLLEY" --next-field /next --items /items "http://user:s3cret@127.0.0.1:$FIXTURE_PORT/pg/loop?page=1"
	assert_failure 1
	refute_output --partial s3cret
	echo "${lines[1]}" | jq -e '.error.kind == "pagination" and (.error.message | contains("user:***@"))'
}
