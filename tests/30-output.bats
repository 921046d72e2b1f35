#!/usr/bin/env bats
# Output: formats, body modes, -I, -o, --max-body, --save, --resume,
# --stats, and valid JSON whatever bytes the server sends.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

@test "output: -f json is one valid array of the same records" {
	run --separate-stderr "$VOLLEY" -f json --body none "$BASE/json/a" "$BASE/status/500" "$BASE/json/c"
	assert_failure 1
	run jq -e 'type == "array" and length == 3 and ([.[].index] == [0,1,2])
		and .[1].error.kind == "http"' <<<"$output"
	assert_success
}

@test "output: -f json in as-completed mode is valid too" {
	run --separate-stderr "$VOLLEY" -f json -m as-completed --body none "$BASE/delay/300" "$BASE/json" "$BASE/delay/100"
	assert_success
	run jq -e 'length == 3 and ([.[].index] | sort) == [0,1,2]' <<<"$output"
	assert_success
}

@test "output: binary, Latin-1 and control-character bodies give valid JSON, nothing lost" {
	run --separate-stderr "$VOLLEY" "$BASE/binary" "$BASE/latin1" "$BASE/ctrl" "$BASE/text" "$BASE/empty"
	assert_success
	printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
	echo "${lines[0]}" | jq -e '.body_encoding == "base64" and .size == 1024'
	[ "$(echo "${lines[0]}" | jq -r .body | base64 -d | od -An -tx1 | tr -d ' \n')" = "$(curl -s "$BASE/binary" | od -An -tx1 | tr -d ' \n')" ]
	echo "${lines[1]}" | jq -e '.body_encoding == "base64"'
	[ "$(echo "${lines[1]}" | jq -r .body | base64 -d | od -An -tx1 | tr -d ' \n')" = "$(curl -s "$BASE/latin1" | od -An -tx1 | tr -d ' \n')" ]
	# /ctrl has a NUL: valid UTF-8, so it is text, every byte kept
	echo "${lines[2]}" | jq -e '.body_encoding == "text"'
	[ "$(echo "${lines[2]}" | jq -j .body | od -An -tx1 | tr -d ' \n')" = "$(curl -s "$BASE/ctrl" | od -An -tx1 | tr -d ' \n')" ]
	# raw ESC, DEL and U+2028 never reach the output unescaped
	! printf '%s' "${lines[2]}" | grep -q $'\x1b'
	! printf '%s' "${lines[2]}" | grep -q $'\x7f'
	! printf '%s' "${lines[2]}" | grep -q $'\xe2\x80\xa8'
	echo "${lines[3]}" | jq -e '.body == "hello\n" and .body_encoding == "text"'
	echo "${lines[4]}" | jq -e '.body == "" and .body_encoding == "text" and .size == 0'
}

@test "output: JSON bodies keep big numbers digit for digit" {
	run --separate-stderr "$VOLLEY" "$BASE/bignum"
	assert_success
	assert_output --partial '"body":{"n":12345678901234567890123,"f":1.000000000000000000001}'
}

@test "output: --body json flags a body that is not JSON as decode, keeping it" {
	run --separate-stderr "$VOLLEY" --body json "$BASE/json" "$BASE/notjson" "$BASE/empty"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.ok and .body_encoding == "json"'
	echo "${lines[1]}" | jq -e '.ok == false and .error.kind == "decode" and .body == "{\"broken\": " and .body_encoding == "text"'
	echo "${lines[2]}" | jq -e '.ok and .body == null and .body_encoding == "json"'
}

@test "output: --body text, base64 and none" {
	run --separate-stderr "$VOLLEY" --body text "$BASE/json" "$BASE/latin1"
	assert_success
	echo "${lines[0]}" | jq -e '.body_encoding == "text" and (.body | fromjson) == {"ok": true, "path": "/json"}'
	echo "${lines[1]}" | jq -e '.body == "caf\ufffd na\ufffdve\n"'
	run --separate-stderr "$VOLLEY" --body base64 "$BASE/text"
	echo "$output" | jq -e '.body == "aGVsbG8K" and .body_encoding == "base64"'
	run --separate-stderr "$VOLLEY" --body none "$BASE/json"
	echo "$output" | jq -e 'has("body") == false and has("body_encoding") == false and .size > 0'
}

@test "output: --max-body stops at the cap with body_too_large" {
	run --separate-stderr "$VOLLEY" --max-body 1K "$BASE/bytes/1024" "$BASE/bytes/1025" "$BASE/bytes/5000000"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.ok and .size == 1024'
	echo "${lines[1]}" | jq -e '.error.kind == "body_too_large" and (has("body") | not) or .body == null'
	echo "${lines[2]}" | jq -e '.error.kind == "body_too_large"'
	# the default cap of 10M also applies with --body none
	run --separate-stderr "$VOLLEY" --body none "$BASE/bytes/20000000"
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "body_too_large"'
}

@test "output: -I adds the response headers, lower-case, repeated ones as arrays" {
	run --separate-stderr "$VOLLEY" -I --body none "$BASE/headers/3" "$BASE/json"
	assert_success
	echo "${lines[0]}" | jq -e '.headers["x-h-1"] == "1" and .headers["x-h-3"] == "3"
		and (.headers | has("content-length"))'
	run --separate-stderr "$VOLLEY" -I --body none "$BASE/header-echo?name=Set-Cookie&value=a"
	echo "$output" | jq -e '.headers["set-cookie"] == "a"'
}

@test "output: -o FILE gets the records, stdout nothing" {
	run --separate-stderr "$VOLLEY" -o "$BATS_TEST_TMPDIR/out.jsonl" "$BASE/json" "$BASE/json"
	assert_success
	assert_output ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out.jsonl")" -eq 2 ]
	jq -s -e 'length == 2' "$BATS_TEST_TMPDIR/out.jsonl"
}

@test "output: stdout closed early (| head -n 3) stops volley at once, quietly" {
	start=$(date +%s%N)
	run bash -c "set -o pipefail; seq 1 5000 | sed 's|^|$BASE/delay/1000/|' | '$VOLLEY' -c 20 --body none 2>'$BATS_TEST_TMPDIR/err' | head -n 3; echo \"status \${PIPESTATUS[2]}\""
	end=$(date +%s%N)
	[ "${#lines[@]}" -eq 4 ]
	assert_line --index 3 "status 0"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	# 5000 x 1 s at -c 20 would take 250 s; the bound is for a busy
	# machine (valgrind there took 26 s with a bound of 15)
	[ $(( (end - start) / 1000000 )) -lt $((30000 + VG_SLACK_MS)) ]
}

@test "output: stdout closed at start or /dev/full gives exit 4" {
	run --separate-stderr bash -c "'$VOLLEY' '$BASE/json' >&-"
	assert_failure 4
	[[ $stderr == *stdout* ]]
	run --separate-stderr bash -c "'$VOLLEY' '$BASE/json' >/dev/full"
	assert_failure 4
	[[ $stderr == *"No space"* ]]
}

@test "output: --stats=json prints a summary object on stderr" {
	run --separate-stderr "$VOLLEY" --stats=json --body none "$BASE/json" "$BASE/status/404" "http://127.0.0.1:1/"
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	echo "$stderr" | jq -e '.records == 3 and .ok == 1 and .failed == 2
		and .status["2xx"] == 1 and .status["4xx"] == 1 and .errors.http == 1
		and .errors.connect == 1 and .latency_ms.p50 >= 0'
	# off a terminal, plain --stats is JSON as well
	run --separate-stderr "$VOLLEY" --stats --body none "$BASE/json"
	echo "$stderr" | jq -e '.records == 1'
}

@test "output: --save writes bodies to files with size and sha256" {
	dir=$BATS_TEST_TMPDIR/saved
	mkdir "$dir"
	run --separate-stderr "$VOLLEY" --save "$dir" "$BASE/binary" "$BASE/json" "http://127.0.0.1:1/"
	assert_failure 1
	echo "${lines[0]}" | jq -e --arg d "$dir" '.saved == "\($d)/0" and .size == 1024 and (has("body") | not)'
	[ "$(echo "${lines[0]}" | jq -r .sha256)" = "$(sha256sum <"$dir/0" | cut -d' ' -f1)" ]
	cmp "$dir/0" <(curl -s "$BASE/binary")
	echo "${lines[1]}" | jq -e --arg d "$dir" '.saved == "\($d)/1"'
	echo "${lines[2]}" | jq -e '.error.kind == "connect" and (has("saved") | not)'
	# no temporary files are left behind
	[ "$(ls -A "$dir" | sort | tr '\n' ' ')" = "0 1 " ]
	run --separate-stderr "$VOLLEY" --save "$BATS_TEST_TMPDIR/nodir" "$BASE/json"
	assert_failure 2
}

@test "output: --resume skips what FILE records as ok and appends the rest" {
	f=$BATS_TEST_TMPDIR/run.jsonl
	fixture_reset
	printf '%s\n' "$BASE/json?key=r0" "$BASE/flaky/1/500?key=r1" "$BASE/json?key=r2" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none --resume "$f" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_output ""
	[ "$(wc -l <"$f")" -eq 3 ]
	# a torn last line, as after a crash mid-write
	printf '{"index":1,"ok":tr' >>"$f"
	run --separate-stderr "$VOLLEY" --body none --resume "$f" -o "$f" -i "$BATS_TEST_TMPDIR/in"
	assert_success
	[ "$(fixture_count r0)" -eq 1 ]
	[ "$(fixture_count r1)" -eq 2 ]
	[ "$(fixture_count r2)" -eq 1 ]
	# the appended record starts on its own line
	tail -n 1 "$f" | jq -e '.index == 1 and .ok'
	run --separate-stderr "$VOLLEY" --resume "$f" -o "$BATS_TEST_TMPDIR/other" "$BASE/json"
	assert_failure 2
}

@test "output: --progress draws on stderr even off a terminal; --no-progress and -q do not" {
	run --separate-stderr "$VOLLEY" --progress --body none "$BASE/delay/800"
	assert_success
	[[ $stderr == *"0/1  0%  ok 0  failed 0  1 in flight  "* ]]
	run --separate-stderr "$VOLLEY" --progress -q --body none "$BASE/delay/600"
	assert_success
	[ -z "$stderr" ]
	run --separate-stderr "$VOLLEY" --no-progress --body none "$BASE/delay/600"
	[ -z "$stderr" ]
}

@test "output: --save reports a body it cannot write as an input error" {
	dir=$BATS_TEST_TMPDIR/full
	mkdir "$dir"
	# the temporary file of request 0 leads to a full disk
	ln -s /dev/full "$dir/.0.part"
	run --separate-stderr "$VOLLEY" --save "$dir" "$BASE/bytes/100000" "$BASE/json"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.error.kind == "input" and (.error.message | test("--save.*No space"))'
	echo "${lines[1]}" | jq -e '.ok and .saved != null'
	[ ! -e "$dir/0" ]
}

# hex of a string, for the fixture's /body?hex=
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# body_encodings "ENC..." BODY...: each body served as application/json
# gets a record whose body_encoding is the ENC in its place, read by
# Python's json module (strict where jq is lenient): the output stays
# strict JSON whatever the bodies are.
body_encodings() {
	local want=$1 b
	shift
	urls=()
	for b in "$@"; do
		urls+=("$BASE/body?hex=$(hex "$b")")
	done
	run --separate-stderr "$VOLLEY" "${urls[@]}"
	assert_success
	[ "${#lines[@]}" -eq "$#" ]
	printf '%s\n' "$output" | python3 -c '
import json, sys
encs = [json.loads(line)["body_encoding"] for line in sys.stdin]
assert encs == sys.argv[1].split(), encs' "$want"
}

@test "output: bodies cJSON would take but RFC 8259 does not are text, and the output stays strict JSON" {
	body_encodings "text text text text text text text json" \
		$'\xef\xbb\xbf{"a":1}' $'[1,\x0b2]' $'\x01[1]' '[01]' '[1.]' '{"a":-.5}' \
		$'{"a":1}\n{"b":2}' '{"ok":[1,2.5e3,"x"]}'
}

@test "output: a closer of the wrong kind deep in a body is text; nested containers of both kinds are JSON" {
	body_encodings "text text text json json json" \
		'{"a":{"b":[]},"c":[[],"x":1}}' '[{"a":[]},[[],"x":1}]' '[{"a":[]},[[]}]' \
		'{"a":{"b":[]},"c":[[]]}' '{"a":{"b":{}},"c":[{}]}' '[{"a":[]},[[]]]'
}

@test "output: with pagination on, an NDJSON page body is text, not broken JSON" {
	b=$(hex $'{"a":1}\n{"b":2}')
	run --separate-stderr "$VOLLEY" --next-link "$BASE/body?hex=$b"
	assert_success
	printf '%s\n' "$output" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); assert r["body_encoding"] == "text", r'
}
