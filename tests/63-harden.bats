#!/usr/bin/env bats
# Promises held under attack: values pass through unchanged (ids, JSON
# bodies sent, cursors, --flatten items), nothing from the input reaches a
# request line or header unchecked, every --flatten page leaves a record,
# and inputs that are not what they seem get a clear message.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# The hex of $1's bytes, for the fixture's /body?hex=.
hex() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}

# --- values changed on the way through ---

@test "values: ids are copied as written: big integers, 1e400, -0, \\u0000, escapes" {
	{
		printf '{"url":"%s","id":12345678901234567890}\n' "$BASE/json"
		printf '{"url":"%s","id":1e400}\n' "$BASE/json"
		printf '{"url":"%s","id":-0}\n' "$BASE/json"
		printf '{"url":"%s","id":"a\\u0000b"}\n' "$BASE/json"
		printf '{"url":"%s","id":[1.000000000000000000001, {"k" : "\\u00e9\\/"}]}\n' "$BASE/json"
		printf '{"url":"%s","id":"\x7f\xc2\x85\xe2\x80\xa8\xe2\x80\xa9"}\n' "$BASE/json"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --body none -i "$BATS_TEST_TMPDIR/in"
	assert_success
	[[ ${lines[0]} == *'"id":12345678901234567890,'* ]]
	[[ ${lines[1]} == *'"id":1e400,'* ]]
	[[ ${lines[2]} == *'"id":-0,'* ]]
	[[ ${lines[3]} == *'"id":"a\u0000b",'* ]]
	[[ ${lines[4]} == *'"id":[1.000000000000000000001,{"k":"\u00e9\/"}],'* ]]
	# raw DEL, U+0085, U+2028 and U+2029 are escaped, never emitted raw
	[[ ${lines[5]} == *'"id":"\u007f\u0085\u2028\u2029",'* ]]
	printf '%s\n' "$output" | jq -e . >/dev/null
}

@test "values: a JSON body is sent as written, and \\u0000 is refused only where it would cut a string" {
	{
		printf '{"url":"%s","body":{"n":12345678901234567890,"f":1e400,"s":"a\\u0000b"}}\n' "$BASE/echo"
		printf '{"url":"%s","body":"a\\u0000b"}\n' "$BASE/echo"
		printf '{"url":"%s","headers":{"X-A":"\\u0000"}}\n' "$BASE/echo"
		printf '{"url":"%s","method":"GE\\u0000T"}\n' "$BASE/echo"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "$(jq -r .body.body <<<"${lines[0]}")" = '{"n":12345678901234567890,"f":1e400,"s":"a\u0000b"}' ]
	for i in 1 2 3; do
		jq -e '.error.kind == "input" and (.error.message | test("u0000")) and .status == null' <<<"${lines[$i]}"
	done
}

@test "values: a numeric cursor goes into the next URL with its exact digits" {
	local body
	body=$(hex '{"items":[1],"next":12345678901234567890}')
	run --separate-stderr "$VOLLEY" --body none --cursor-param c --cursor-field /next "$BASE/body?hex=$body"
	# page 2 serves the same cursor again: the chain ends as a loop
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	jq -e --arg u "$BASE/body?hex=$body&c=12345678901234567890" '.page == 2 and .ok and .url == $u' <<<"${lines[1]}"
	body=$(hex '{"items":[1],"next":-1.5e+400}')
	run --separate-stderr "$VOLLEY" --body none --cursor-param c --cursor-field /next "$BASE/body?hex=$body"
	jq -e --arg u "$BASE/body?hex=$body&c=-1.5e%2b400" '.page == 2 and (.url | ascii_downcase) == $u' <<<"${lines[1]}"
}

@test "values: a string cursor is decoded; one that decodes to a NUL is a pagination error" {
	local body
	body=$(hex '{"items":[1],"next":"x\u00e9\/\ud83d\ude00"}')
	run --separate-stderr "$VOLLEY" --body none --cursor-param c --cursor-field /next "$BASE/body?hex=$body"
	jq -e --arg u "$BASE/body?hex=$body&c=x%c3%a9%2f%f0%9f%98%80" '.page == 2 and (.url | ascii_downcase) == $u' <<<"${lines[1]}"
	for cur in 'a\u0000b' '\u0000'; do
		body=$(hex '{"items":[1],"next":"'"$cur"'"}')
		run --separate-stderr "$VOLLEY" --body none --cursor-param c --cursor-field /next "$BASE/body?hex=$body"
		assert_failure 1
		[ "${#lines[@]}" -eq 2 ]
		jq -e '.page == 1 and .ok and .last == false' <<<"${lines[0]}"
		jq -e '.page == 2 and .error.kind == "pagination" and (.error.message | test("NUL")) and .last' <<<"${lines[1]}"
	done
}

@test "values: a --next-field URL holding \\u0000 is a pagination error, never a URL cut short" {
	local body
	fixture_reset
	for next in "/json?key=nul1\\u0000/x" "\\u0000/json?key=nul1"; do
		body=$(hex '{"items":[1],"next":"'"$next"'"}')
		run --separate-stderr "$VOLLEY" --body none --next-field /next "$BASE/body?hex=$body"
		assert_failure 1
		[ "${#lines[@]}" -eq 2 ]
		jq -e '.page == 2 and .error.kind == "pagination" and (.error.message | test("NUL"))' <<<"${lines[1]}"
	done
	[ "$(fixture_count nul1)" -eq 0 ]
}

@test "values: a page's member names holding \\u0000 are read whole: pointers find the members the text shows" {
	local obj array
	# cJSON cut such a name at its NUL: "a\u0000b" was "a" to it, the
	# first of two, so /a read "/wrong".  Pages are read from their text.
	obj=$(hex '{"a\u0000b":"/wrong","a":"/json","data":[1]}')
	array=$(hex '[{"a\u0000b":1}]')
	run --separate-stderr "$VOLLEY" --body none --next-field /a "$BASE/body?hex=$obj"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	jq -e '.page == 2 and .ok and (.url | endswith("/json"))' <<<"${lines[1]}"
	run --separate-stderr "$VOLLEY" --body none --max-pages 2 --cursor-field /a --cursor-param c "$BASE/body?hex=$obj"
	assert_success
	jq -e '.page == 2 and .ok and (.url | test("c=%2[fF]json$"))' <<<"${lines[1]}"
	run --separate-stderr "$VOLLEY" --body none --max-pages 2 --items /data --page-param p "$BASE/body?hex=$obj"
	assert_success
	jq -e '.page == 2 and .ok' <<<"${lines[1]}"
	run --separate-stderr "$VOLLEY" --body none --max-pages 2 --page-param p "$BASE/body?hex=$array"
	assert_success
	jq -e '.page == 2 and .ok' <<<"${lines[1]}"
	# the body is still the page's, copied as it came
	run --separate-stderr "$VOLLEY" --items /data --page-param p --max-pages 1 "$BASE/body?hex=$obj"
	jq -e '.body == {"a\u0000b":"/wrong","a":"/json","data":[1]}' <<<"${lines[0]}"
}

@test "values: --flatten items are copied as written, DEL and line separators escaped" {
	local body
	body=$(hex '[12345678901234567890, 1e400, "a\u0000b", -0, "'$'\x7f\xc2\x85\xe2\x80\xa8\xe2\x80\xa9''", {"x" : [ 1 , 2 ]}, 1.000000000000000000001]')
	run --separate-stderr "$VOLLEY" --flatten "$BASE/body?hex=$body"
	assert_success
	[ "${#lines[@]}" -eq 7 ]
	local want=('12345678901234567890' '1e400' '"a\u0000b"' '-0' '"\u007f\u0085\u2028\u2029"' '{"x":[1,2]}' '1.000000000000000000001')
	for i in 0 1 2 3 4 5 6; do
		[[ ${lines[$i]} == *"\"item_index\":$i,\"item\":${want[$i]},\"error\":null}" ]] || { echo "item $i: ${lines[$i]}"; false; }
	done
	printf '%s\n' "$output" | jq -e . >/dev/null
	# with --items, and only the last item of the last page is "last"
	body=$(hex '{"data":{"list":[ 99999999999999999999 , {"a":"\u2028"} ]}}')
	run --separate-stderr "$VOLLEY" --flatten --items /data/list "$BASE/body?hex=$body"
	assert_success
	[[ ${lines[0]} == *'"last":false,"item_index":0,"item":99999999999999999999,'* ]]
	[[ ${lines[1]} == *'"last":true,"item_index":1,"item":{"a":"\u2028"},'* ]]
}

# --- a request always leaves a trace ---

@test "flatten: a page with no items writes one record with item and item_index null" {
	run --separate-stderr "$VOLLEY" --flatten "$BASE/body?hex=$(hex ' [ ] ')"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	jq -e '.index == 0 and .ok and .item == null and .item_index == null and .last and (has("item") and has("item_index") and (has("body") | not))' <<<"${lines[0]}"
	run --separate-stderr "$VOLLEY" --flatten --items /items "$BASE/body?hex=$(hex '{"items":[]}')" "$BASE/body?hex=$(hex '{"other":1}')"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	jq -e '.index == 0 and .item == null and has("item_index") and .item_index == null' <<<"${lines[0]}"
	# no items to be found: the page's ordinary record, with its body
	jq -e '.index == 1 and .ok and .body == {"other":1} and (has("item") | not)' <<<"${lines[1]}"
}

@test "flatten: a chain whose last page is empty still ends with a record" {
	# /pg/num: pages of items, then an empty page that ends the chain
	run --separate-stderr "$VOLLEY" --flatten --page-param page --items /items "$BASE/pg/num?n=2"
	assert_success
	run jq -s -e 'length == 5 and ([.[].page] == [1,1,2,2,3]) and ([.[].last] == [false,false,false,false,true])
		and .[4].item == null and .[4].item_index == null' <<<"$output"
	assert_success
}

# --- injection: nothing reaches the wire unchecked ---

@test "injection: -A, -H, -X, -x and --template with control characters are usage errors" {
	fixture_reset
	local bad
	for args in "-A|x"$'\r\n'"X-Injected: yes" "-A|x"$'\n'"X-Injected: yes" "-A|x"$'\x01' \
	    "-H|X-A: x"$'\r\n'"X-Injected: yes" "-H|X-A: x"$'\x7f' "-H|X A: b" "-H|X-A"$'\r\n'"X-Injected: yes;" \
	    "-X|GET"$'\r\n'"X-Injected: yes" "-X|GET"$'\x01' "-X|GET /x" \
	    "-x|http://127.0.0.1:1/"$'\r\n'"X-Injected: yes" \
	    "--template|$BASE/echo?key=inj&q={}"$'\r\n'"X-Injected: yes"; do
		run --separate-stderr "$VOLLEY" "${args%%|*}" "${args#*|}" "$BASE/echo?key=inj"
		[ "$status" -eq 2 ] || { echo "$args: exit $status"; false; }
		[[ $stderr == "volley: "* ]]
		# the message never prints the control bytes themselves
		[[ $stderr != *$'\r'* && $stderr != *X-Injected* ]] || { echo "$args: $stderr"; false; }
	done
	[ "$(fixture_count inj)" -eq 0 ]
}

@test "injection: what may be sent still arrives as given" {
	run --separate-stderr "$VOLLEY" -A $'tester/1\tx' -H 'X-Empty;' -H $'X-Tab: a\tb' -H 'X-Utf: é' -X PATCH "$BASE/echo"
	assert_success
	jq -e '.body.method == "PATCH" and .body.headers["User-Agent"] == "tester/1\tx"
		and .body.headers["X-Tab"] == "a\tb" and .body.headers["X-Empty"] == ""
		and (.body.headers | has("X-Injected") | not)' <<<"$output"
}

@test "injection: JSON request lines with control characters in method or headers are input records, not sent" {
	fixture_reset
	{
		printf '{"url":"%s","method":"GET\\r\\nX-Injected: yes"}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","method":"G\\u0001T"}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"X-A":"x\\r\\nX-Injected: yes"}}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"X-A":"x\\u000bX"}}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"X-A":"\\u007f"}}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"X-A\\r\\nX-Injected":"yes"}}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"X A":"b"}}\n' "$BASE/echo?key=jinj"
		printf '{"url":"%s","headers":{"":"b"}}\n' "$BASE/echo?key=jinj"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[ "${#lines[@]}" -eq 8 ]
	run jq -s -e 'all(.[]; .error.kind == "input" and .status == null)' <<<"$output"
	assert_success
	[ "$(fixture_count jinj)" -eq 0 ]
	# a tab in a value and a token name are fine
	run --separate-stderr "$VOLLEY" <<<"{\"url\":\"$BASE/echo\",\"method\":\"PUT\",\"headers\":{\"X-T!\":\"a\tb\"}}"
	assert_success
	jq -e '.body.method == "PUT" and .body.headers["X-T!"] == "a\tb"' <<<"$output"
}

@test "injection: --template {raw} with a control character is an invalid_url record, not sent" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --template "$BASE/echo?key=tinj&q={raw}" <<<$'a\rX-Injected: yes\nb\x01c'
	assert_failure 1
	run jq -s -e 'length == 2 and all(.[]; .error.kind == "invalid_url")' <<<"$output"
	assert_success
	[ "$(fixture_count tinj)" -eq 0 ]
}

# --- --resume: exactly once ---

# Wait (at most 60 s) until command "$@" succeeds.
wait_until() {
	local i
	for ((i = 0; i < 1200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "wait_until: gave up on $*" >&2
	return 1
}

lines_in() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

inflight_at_least() {
	[ "$(fixture_stats | jq .inflight)" -ge "$1" ]
}

@test "resume: a request that failed, then succeeded, is never fetched again" {
	local f=$BATS_TEST_TMPDIR/run.jsonl
	fixture_reset
	printf '%s\n' "$BASE/json?key=x0" "$BASE/flaky/1/500?key=x1" "$BASE/flaky/2/503?key=x2" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --retries 0 --body none --resume "$f" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	run --separate-stderr "$VOLLEY" --retries 0 --body none --resume "$f" -i "$BATS_TEST_TMPDIR/in"
	assert_failure 1		# x2 fails once more
	for i in 1 2 3; do
		run --separate-stderr "$VOLLEY" --retries 0 --body none --resume "$f" -i "$BATS_TEST_TMPDIR/in"
		assert_success
	done
	[ "$(fixture_count x0)" -eq 1 ]
	[ "$(fixture_count x1)" -eq 2 ]
	[ "$(fixture_count x2)" -eq 3 ]
	# one ok record per request in all
	run jq -s -e '[.[] | select(.ok) | .index] | sort == [0,1,2]' "$f"
	assert_success
}

@test "resume: a pagination chain killed after its first page is fetched again" {
	local f=$BATS_TEST_TMPDIR/run.jsonl body pid
	fixture_reset
	# page 1 answers at once, page 2 takes 2 s: the run is killed (as in a
	# crash: no record for page 2) while page 2 is in flight
	body=$(printf '%s' '{"items":[1],"next":"/delay/2000?key=k2"}' | od -An -tx1 | tr -d ' \n')
	"$VOLLEY" --body none --next-field /next --items /items --resume "$f" "$BASE/body?key=k1&hex=$body" 2>/dev/null &
	pid=$!
	wait_until lines_in "$f" 1
	wait_until inflight_at_least 1
	kill -KILL "$pid"
	wait "$pid" || true
	jq -e '.page == 1 and .ok and .last == false' "$f"
	run --separate-stderr "$VOLLEY" --body none --next-field /next --items /items --resume "$f" "$BASE/body?key=k1&hex=$body"
	assert_success
	[ "$(fixture_count k1)" -eq 2 ]
	run jq -s -e '[.[] | [.page, .ok, .last]] == [[1,true,false],[1,true,false],[2,true,true]]' "$f"
	assert_success
	# now the chain is done
	run --separate-stderr "$VOLLEY" --body none --next-field /next --items /items --resume "$f" "$BASE/body?key=k1&hex=$body"
	assert_success
	[ "$(fixture_count k1)" -eq 2 ]
	[ "$(wc -l <"$f")" -eq 3 ]
}

@test "resume: a chain whose later page failed is fetched again, from page 1" {
	local f=$BATS_TEST_TMPDIR/run.jsonl
	fixture_reset
	# /pg/fail: page 2 fails with 500
	run --separate-stderr "$VOLLEY" --retries 0 --body none --next-field /links/next --items /data --resume "$f" "$BASE/pg/fail?n=3&key=pf"
	assert_failure 1
	run --separate-stderr "$VOLLEY" --retries 0 --body none --next-field /links/next --items /data --resume "$f" "$BASE/pg/fail?n=3&key=pf"
	assert_failure 1
	[ "$(fixture_count pf)" -eq 4 ]
}

@test "resume: -f json is a usage error" {
	run --separate-stderr "$VOLLEY" -f json --resume "$BATS_TEST_TMPDIR/r.json" "$BASE/json"
	assert_failure 2
	[[ $stderr == *"--resume needs -f jsonl"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/r.json" ]
}

@test "resume: a torn last line is cut off before appending, so the file stays JSON lines" {
	local f=$BATS_TEST_TMPDIR/run.jsonl
	fixture_reset
	run --separate-stderr "$VOLLEY" --body none --resume "$f" "$BASE/json?key=t0" "$BASE/json?key=t1"
	assert_success
	head -n 1 "$f" >"$f.new" && mv "$f.new" "$f"
	printf '{"index":1,"id":null,"url":"http://x/\xe2\x80' >>"$f"	# torn mid-UTF-8
	run --separate-stderr "$VOLLEY" --body none --resume "$f" "$BASE/json?key=t0" "$BASE/json?key=t1"
	assert_success
	[[ $stderr == *"removed a torn last line (39 bytes)"* ]]
	run jq -s -e '[.[].index] == [0,1] and all(.[]; .ok)' "$f"
	assert_success
	[ "$(fixture_count t0)" -eq 1 ]
	[ "$(fixture_count t1)" -eq 2 ]
	# a whole record that only lacks its newline is kept
	printf '%s' "$(tail -n 1 "$f")" >"$f.new"
	mv "$f.new" "$f"
	run --separate-stderr "$VOLLEY" --body none --resume "$f" "$BASE/json?key=t0" "$BASE/json?key=t1"
	assert_success
	[ -z "$stderr" ]
	run jq -s -e '[.[].index] == [1,0]' "$f"
	assert_success
}

@test "resume: a second run on the same file at once is refused with exit 2" {
	local f=$BATS_TEST_TMPDIR/run.jsonl pid
	fixture_reset
	"$VOLLEY" --body none --resume "$f" "$BASE/delay/1500?key=l0" 2>/dev/null &
	pid=$!
	wait_until inflight_at_least 1
	run --separate-stderr "$VOLLEY" --body none --resume "$f" "$BASE/delay/1500?key=l0"
	assert_failure 2
	[[ $stderr == *"is in use by another volley"* ]]
	wait "$pid"
	[ "$(fixture_count l0)" -eq 1 ]
	[ "$(wc -l <"$f")" -eq 1 ]
	# once the first is done, the file is free again
	run --separate-stderr "$VOLLEY" --body none --resume "$f" "$BASE/delay/1500?key=l0"
	assert_success
	[ "$(fixture_count l0)" -eq 1 ]
}

@test "resume: a hostile index in FILE costs memory by records, not by its value" {
	local f=$BATS_TEST_TMPDIR/run.jsonl
	printf '%s\n' '{"index":1e12,"ok":true,"last":true}' '{"index":999999999999999,"ok":true}' \
	    '{"index":4503599627370495,"ok":true}' '{"index":1e300,"ok":true}' >"$f"
	run --separate-stderr timeout 60 /usr/bin/time -f 'maxrss %M' "$VOLLEY" --body none --resume "$f" "$BASE/json"
	assert_success
	local rss=${stderr##*maxrss }
	echo "max RSS ${rss} KB"
	[ "$rss" -lt 300000 ]
	[ "$(wc -l <"$f")" -eq 5 ]
}

# --- inputs that are not what they seem ---

@test "inputs: a password with an unencoded / ? or # is redacted although the URL does not parse" {
	for u in "http://u:pa/ss@127.0.0.1:$FIXTURE_PORT/json" "http://u:p?ss@127.0.0.1:$FIXTURE_PORT/json" \
	    "http://u:p#ss@127.0.0.1:$FIXTURE_PORT/json" "http://u:a/b?c#ss@127.0.0.1:$FIXTURE_PORT/json"; do
		run --separate-stderr "$VOLLEY" "$u"
		assert_failure 1
		[[ $output != *ss@* && $stderr != *ss@* ]] || { echo "$u: $output"; false; }
		jq -e --arg p "$FIXTURE_PORT" '.url == "http://u:***@127.0.0.1:\($p)/json"' <<<"$output"
	done
	# as a JSON request line too
	run --separate-stderr "$VOLLEY" <<<"{\"url\":\"http://u:pa/ss@127.0.0.1:$FIXTURE_PORT/json\"}"
	[[ $output != *ss@* ]]
}

@test "inputs: option values that contradict each other are usage errors" {
	for args in "--retry-delay 2s --retry-max-wait 1s" "--retry-delay 40s" \
	    "-t 5s --connect-timeout 10s" "--connect-timeout 60s"; do
		run --separate-stderr "$VOLLEY" $args "$BASE/json"
		[ "$status" -eq 2 ] || { echo "$args: exit $status"; false; }
		[[ $stderr == "volley: --"*"is longer than"* ]] || { echo "$args: $stderr"; false; }
		[ -z "$output" ]
	done
	# one set below the other's default is what was asked for
	run --separate-stderr "$VOLLEY" -t 5s --retries 1 --retry-max-wait 100ms --body none "$BASE/json"
	assert_success
	[ -z "$stderr" ]
}

@test "inputs: options that can have no effect get a warning, and the run goes on" {
	run --separate-stderr "$VOLLEY" --max-pages 3 --items /x --max-redirs 3 --location-trusted --retry-delay 1s --body none "$BASE/json" "$BASE/text"
	assert_success
	# one record each: --items that points at no array (or a body that is
	# not JSON) is not looked at, so no chain fails on it
	[ "${#lines[@]}" -eq 2 ]
	jq -s -e 'all(.ok and .page == 1 and .last)' <<<"$output"
	[[ $stderr == *"--max-pages has no effect"* ]]
	[[ $stderr == *"--items has no effect"* ]]
	[[ $stderr == *"--max-redirs has no effect without -L"* ]]
	[[ $stderr == *"--location-trusted has no effect"* ]]
	[[ $stderr == *"--retry-delay has no effect without --retries"* ]]
	# -q silences them; with what they need, there is nothing to say
	run --separate-stderr "$VOLLEY" -q --max-pages 3 --body none "$BASE/json"
	[ -z "$stderr" ]
	# --retry-max-wait bounds a host's pause too, unless --no-adapt
	run --separate-stderr "$VOLLEY" --retry-max-wait 10s --body none "$BASE/json"
	[ -z "$stderr" ]
	run --separate-stderr "$VOLLEY" --no-adapt --retry-max-wait 10s --body none "$BASE/json"
	[[ $stderr == *"--retry-max-wait has no effect without --retries under --no-adapt"* ]]
	run --separate-stderr "$VOLLEY" --max-pages 3 --items /items --page-param page -L --max-redirs 2 --retries 1 --retry-delay 1s --retry-on 503 --body none "$BASE/pg/num?n=1"
	assert_success
	[ -z "$stderr" ]
	# --retry-on names what to retry, it does not turn retries on
	run --separate-stderr "$VOLLEY" --retry-on 503 --body none "$BASE/json"
	assert_success
	[[ $stderr == *"--retry-on has no effect without --retries"* ]]
	# with --save the record names the file: --body has nothing to shape
	mkdir "$BATS_TEST_TMPDIR/dl"
	run --separate-stderr "$VOLLEY" --save "$BATS_TEST_TMPDIR/dl" --body base64 "$BASE/json"
	assert_success
	[[ $stderr == *"--body has no effect with --save"* ]]
	echo "$output" | jq -e 'has("body") | not'
	run --separate-stderr "$VOLLEY" --save "$BATS_TEST_TMPDIR/dl" "$BASE/json"
	[ -z "$stderr" ]
}

@test "inputs: stdin that is a directory is a usage error with a message" {
	run --separate-stderr "$VOLLEY" </
	assert_failure 2
	[[ $stderr == "volley: stdin: is a directory"* ]]
	[ -z "$output" ]
	run --separate-stderr "$VOLLEY" -i - </
	assert_failure 2
	# not read: URL arguments alone
	run --separate-stderr "$VOLLEY" --body none "$BASE/json" </
	assert_success
}

# Run "$@" with only fds 0-2 open (bats keeps others) and ulimit -n $1.
with_fd_limit() {
	local n=$1
	shift
	bash -c 'for f in /proc/self/fd/*; do n=${f##*/}; ((n > 2)) && eval "exec $n>&-"; done
		ulimit -n "$0" && exec "$@"' "$n" "$@"
}

@test "inputs: too few file descriptors to start is a usage error with a message" {
	for n in 5 12; do
		run --separate-stderr with_fd_limit "$n" "$VOLLEY" "$BASE/json"
		[ "$status" -eq 2 ] || { echo "ulimit -n $n: exit $status: $stderr"; false; }
		[[ $stderr == "volley: the open-file limit is too low to start (ulimit -n $n): volley needs at least 16" ]]
		[ -z "$output" ]
	done
	run --separate-stderr with_fd_limit 20 "$VOLLEY" --body none "$BASE/json"
	assert_success
}

@test "inputs: an -i file that cannot be read is a usage error, nothing fetched" {
	local d
	fixture_reset
	d=$(mktemp -d)
	chmod 755 "$d"
	echo "$BASE/json?key=unr" >"$d/in"
	chmod 000 "$d/in"
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$VOLLEY" -i "$d/in" "$BASE/json?key=unr"
	rm -rf "$d"
	assert_failure 2
	[[ $stderr == "volley: $d/in: Permission denied"* ]]
	[ -z "$output" ]
	[ "$(fixture_count unr)" -eq 0 ]
	# a missing --cacert file too
	run --separate-stderr "$VOLLEY" --cacert /nonexistent/ca.pem "$BASE/json"
	assert_failure 2
	# a FIFO without a writer yet is not unreadable
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	(sleep 1; echo "$BASE/json" >"$BATS_TEST_TMPDIR/fifo") &
	run --separate-stderr "$VOLLEY" --body none -i "$BATS_TEST_TMPDIR/fifo"
	assert_success
}
