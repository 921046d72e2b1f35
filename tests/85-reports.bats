#!/usr/bin/env bats
# Reports for CI (--report junit, tap, github, markdown), --replay, the
# stop reason on stderr, --stats that tells the truth, --accept, and the
# timing and input fields of records.  JUnit is checked with xmllint,
# TAP with prove, GitHub workflow commands by regex.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

XSD=$BATS_TEST_DIRNAME/junit.xsd

# valid FILE: well-formed, and valid against what volley promises.
valid() {
	xmllint --noout --schema "$XSD" "$1"
}

# xpath EXPR FILE: the value of an XPath expression.
xpath() {
	xmllint --xpath "$1" "$2"
}

# A run with one of each: ok, a status not ok, no answer, and a URL
# with a password.
mixed_run() {
	"$VOLLEY" --body none "$BASE/json" "$BASE/status/404" \
		"http://127.0.0.1:1/refused" "http://user:s3cret@127.0.0.1:$FIXTURE_PORT/json" "$@"
}

@test "report junit: well-formed, counts on the suite, a testcase per record, password redacted" {
	x=$BATS_TEST_TMPDIR/r.xml
	run --separate-stderr mixed_run --report "junit:$x"
	assert_failure 1
	[ "${#lines[@]}" -eq 4 ]
	valid "$x"
	[ "$(xpath 'string(/testsuites/testsuite/@tests)' "$x")" = 4 ]
	[ "$(xpath 'string(/testsuites/testsuite/@failures)' "$x")" = 1 ]
	[ "$(xpath 'string(/testsuites/testsuite/@errors)' "$x")" = 1 ]
	[ "$(xpath 'string(/testsuites/@tests)' "$x")" = 4 ]
	[[ $(xpath 'string(/testsuites/testsuite/@time)' "$x") =~ ^[0-9]+\.[0-9]{3}$ ]]
	[[ $(xpath 'string(/testsuites/testsuite/@timestamp)' "$x") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
	[ "$(xpath 'count(//testcase)' "$x")" = 4 ]
	[ "$(xpath 'count(//testcase[@time])' "$x")" = 4 ]
	# the status that is not ok is a failure with kind, status, message
	[ "$(xpath "string(//testcase[@name='$BASE/status/404']/failure/@type)" "$x")" = http ]
	[ "$(xpath "string(//testcase[@name='$BASE/status/404']/failure/@message)" "$x")" = "HTTP status 404" ]
	[[ $(xpath "string(//testcase[@name='$BASE/status/404']/failure)" "$x") == *"status: 404"* ]]
	[ "$(xpath "string(//testcase[@name='$BASE/status/404']/@classname)" "$x")" = "127.0.0.1:$FIXTURE_PORT" ]
	# no answer is an error
	[ "$(xpath "string(//testcase[@name='http://127.0.0.1:1/refused']/error/@type)" "$x")" = connect ]
	[ "$(xpath 'count(//testcase[not(*)])' "$x")" = 2 ]
	# the password is nowhere
	! grep -q s3cret "$x"
	[ "$(xpath "count(//testcase[@name='http://user:***@127.0.0.1:$FIXTURE_PORT/json'])" "$x")" = 1 ]
}

@test "report junit: markup and bytes XML cannot hold are escaped, the file stays well-formed" {
	x=$BATS_TEST_TMPDIR/r.xml
	# <, &, quotes and a control byte in the URL and the message
	printf '%s\n' "$BASE/status/404?a=<b>&c=\"d\"&e='f'" "http://127.0.0.1:1/$(printf '\x01')&<" |
		"$VOLLEY" --body none --report "junit:$x" >/dev/null || true
	valid "$x"
	[ "$(xpath 'count(//testcase)' "$x")" = 2 ]
	# the parsed names are the URLs as they were, the control byte as U+FFFD
	[ "$(xpath "count(//testcase[contains(@name, 'a=<b>&c=\"d\"&e=')])" "$x")" = 1 ]
	[ "$(xpath "count(//testcase[@name='http://127.0.0.1:1/'])" "$x")" = 0 ]
	fffd=$'\xef\xbf\xbd'
	[ "$(xpath "count(//testcase[contains(@name, '/$fffd&<')])" "$x")" = 1 ]
}

@test "report tap: prove reads it, one test per record, failures with a YAML block" {
	t=$BATS_TEST_TMPDIR/r.tap
	run --separate-stderr mixed_run --report "tap:$t"
	assert_failure 1
	head -n 1 "$t" | grep -qx 'TAP version 13'
	tail -n 1 "$t" | grep -qx '1\.\.4'
	[ "$(grep -c '^ok ' "$t")" -eq 2 ]
	[ "$(grep -c '^not ok ' "$t")" -eq 2 ]
	grep -q '^  kind: http$' "$t"
	grep -q '^  status: 404$' "$t"
	grep -q '^  kind: connect$' "$t"
	! grep -q s3cret "$t"
	run prove -e cat "$t"
	assert_failure
	[[ $output == *"Failed 2/4 subtests"* ]]
	# an all-ok run passes prove
	"$VOLLEY" --body none --report "tap:$t" "$BASE/json" "$BASE/text" >/dev/null
	run prove -e cat "$t"
	assert_success
	[[ $output == *"All tests successful"* ]]
}

@test "report tap: a # in a URL cannot turn a test into a TODO" {
	t=$BATS_TEST_TMPDIR/r.tap
	"$VOLLEY" --body none --report "tap:$t" "$BASE/status/500#TODO later" >/dev/null || true
	grep -q '^not ok 1 - GET .*\\#TODO' "$t"
	run prove -e cat "$t"
	assert_failure
}

@test "report github: one ::error per failed record, escaped as GitHub says, and a ::notice" {
	run --separate-stderr mixed_run --report github:- "$BASE/status/500?q=50%25,x"
	assert_failure 1
	errs=$(grep '^::error' <<<"$stderr")
	[ "$(wc -l <<<"$errs")" -eq 3 ]
	re='^::error title=volley%3A [a-z_]+%2C status ([0-9]+|none)::[A-Z]+ [^ ]+ \(index [0-9]+\): [a-z_]+, status ([0-9]+|none): .+$'
	while IFS= read -r l; do
		[[ $l =~ $re ]] || { echo "bad line: $l"; return 1; }
	done <<<"$errs"
	grep -qF "::error title=volley%3A http%2C status 404::GET $BASE/status/404 (index 1): http, status 404: HTTP status 404" <<<"$errs"
	# % in the message is %25; a comma stays in the message
	grep -qF "$BASE/status/500?q=50%2525,x (index 4)" <<<"$errs"
	grep -qF "connect%2C status none::GET http://127.0.0.1:1/refused" <<<"$errs"
	! grep -q s3cret <<<"$stderr"
	grep -qE '^::notice title=volley::5 records, 2 ok, 3 failed in [0-9.]+s$' <<<"$stderr"
}

@test "report markdown: a summary table and the failed requests" {
	m=$BATS_TEST_TMPDIR/r.md
	run --separate-stderr mixed_run --report "markdown:$m"
	assert_failure 1
	grep -qF '| records | ok | failed | answered | no answer | elapsed | records/s |' "$m"
	grep -qE '^\| 4 \| 2 \| 2 \| 3 \| 1 \| [0-9.]+s \| [0-9.]+ \|$' "$m"
	grep -qF '| 4xx | 1 |' "$m"
	grep -qF '| connect | 1 |' "$m"
	grep -qF "| 1 | GET | $BASE/status/404 | http | 404 | HTTP status 404 |" "$m"
	grep -qF '| 2 | GET | http://127.0.0.1:1/refused | connect | - |' "$m"
	# the latencies are measured for the report alone (no --stats):
	# the histogram holds the 3 answers
	[ "$(sed -n '/^| histogram | records |$/,/^$/p' "$m" |
		awk -F' [|] ' '$2 ~ /^[0-9]+ \|$/ { n += $2 } END { print n }')" = 3 ]
}

@test "report: several at once; a report that cannot be opened is exit 4 before anything is fetched" {
	d=$BATS_TEST_TMPDIR
	run --separate-stderr "$VOLLEY" --report "junit:$d/a.xml" --report "tap:$d/a.tap" \
		--report "markdown:$d/a.md" "$BASE/json"
	assert_success
	valid "$d/a.xml"
	prove -e cat "$d/a.tap"
	[ -s "$d/a.md" ]
	base=$(fixture_stats | jq .requests)
	run --separate-stderr "$VOLLEY" --report "junit:$d/no/such/dir.xml" "$BASE/json"
	assert_failure 4
	[[ $stderr == *"--report junit:$d/no/such/dir.xml: No such file or directory"* ]]
	[ "$(fixture_stats | jq .requests)" -eq "$base" ]
	run --separate-stderr "$VOLLEY" --report "xml:$d/x" "$BASE/json"
	assert_failure 2
	[[ $stderr == *"is not FORMAT:PATH"* ]]
	run --separate-stderr bash -c "'$VOLLEY' --report tap:/dev/full '$BASE/json' >/dev/null"
	assert_failure 4
	[[ $stderr == *"--report tap:/dev/full: cannot write"* ]]
}

@test "report: --fail-fast writes complete reports of what was done, and names the failed request" {
	d=$BATS_TEST_TMPDIR
	run --separate-stderr "$VOLLEY" --fail-fast --body none --report "junit:$d/f.xml" \
		--report "tap:$d/f.tap" "$BASE/delay/3000" "$BASE/status/503" "$BASE/delay/3000"
	assert_failure 3
	[[ $stderr == *"volley: stopped by --fail-fast: GET $BASE/status/503 (index 1) failed: http, status 503: HTTP status 503"* ]]
	[ "$(grep -c '^volley: ' <<<"$stderr")" -eq 1 ]
	valid "$d/f.xml"
	[ "$(xpath 'string(//testsuite/@tests)' "$d/f.xml")" = 3 ]
	[ "$(xpath 'count(//testcase/error[@type="cancelled"])' "$d/f.xml")" = 2 ]
	[[ $(xpath 'string(//property[@name="stopped"]/@value)' "$d/f.xml") == *"--fail-fast"* ]]
	tail -n 1 "$d/f.tap" | grep -qx '1\.\.3'
	grep -q '^# stopped by --fail-fast' "$d/f.tap"
}

@test "report: --deadline writes complete reports, and names the request running longest" {
	d=$BATS_TEST_TMPDIR
	run --separate-stderr "$VOLLEY" --deadline 500ms --body none --report "junit:$d/d.xml" \
		"$BASE/json" "$BASE/delay/5000" "$BASE/delay/6000"
	assert_failure 3
	[[ $stderr =~ "volley: stopped: --deadline of 0.500s reached with 2 requests running or queued; the longest running: GET $BASE/delay/"[56]"000 (index "[12]", 0."[0-9]+s\) ]]
	valid "$d/d.xml"
	[ "$(xpath 'string(//testsuite/@tests)' "$d/d.xml")" = 3 ]
	[ "$(xpath 'count(//testcase/error[@type="deadline"])' "$d/d.xml")" = 2 ]
}

@test "report: SIGINT and SIGTERM still write the reports, with a record of each request" {
	d=$BATS_TEST_TMPDIR
	for sig in INT TERM; do
		"$VOLLEY" --body none --report "junit:$d/s.xml" --report "tap:$d/s.tap" \
			"$BASE/json" "$BASE/delay/20000" "$BASE/delay/20000" >"$d/s.out" 2>"$d/s.err" &
		pid=$!
		# wait until the two slow requests are in flight
		for _ in $(seq 1 200); do
			[ "$(fixture_stats | jq .inflight)" -ge 2 ] && [ -s "$d/s.out" ] && break
			sleep 0.05
		done
		kill -$sig $pid
		rc=0; wait $pid || rc=$?
		[ "$rc" -eq $(( 128 + $(kill -l $sig) )) ]
		valid "$d/s.xml"
		[ "$(xpath 'string(//testsuite/@tests)' "$d/s.xml")" = 3 ]
		[[ $(xpath 'string(//property[@name="stopped"]/@value)' "$d/s.xml") == "interrupted by SIG$sig" ]]
		tail -n 1 "$d/s.tap" | grep -qx '1\.\.3'
	done
}

@test "replay: --stats and --report rebuilt from a saved jsonl file, fetching nothing" {
	d=$BATS_TEST_TMPDIR
	mixed_run --stats=json --report "junit:$d/run.xml" >"$d/res.jsonl" 2>"$d/run.stats" || true
	base=$(fixture_stats | jq .requests)
	run --separate-stderr "$VOLLEY" --replay "$d/res.jsonl" --stats=json --report "junit:$d/re.xml"
	assert_failure 1
	[ -z "$output" ]
	[ "$(fixture_stats | jq .requests)" -eq "$base" ]
	# the same counts and latencies as the run's own summary
	keep='{records, ok, failed, answered, no_answer, status, errors, no_answer_errors, histogram}'
	[ "$(jq -cS "$keep" "$d/run.stats")" = "$(jq -cS "$keep" <<<"$stderr")" ]
	jq -e '.elapsed_s == null and .records_per_s == null' <<<"$stderr"
	valid "$d/re.xml"
	for a in tests failures errors; do
		[ "$(xpath "string(//testsuite/@$a)" "$d/run.xml")" = "$(xpath "string(//testsuite/@$a)" "$d/re.xml")" ]
	done
	# a -f json array replays too; without options the table is printed
	mixed_run -f json >"$d/res.json" || true
	run --separate-stderr "$VOLLEY" --replay "$d/res.json" --stats=text
	assert_failure 1
	[[ ${stderr_lines[0]} == "records 4  ok 2  failed 2  in -  - records/s"* ]]
	# stdin, an all-ok file is exit 0, a torn line is skipped with a warning
	run --separate-stderr bash -c "{ head -n 1 '$d/res.jsonl'; printf '{\"index\":9,\"url'; } | '$VOLLEY' --replay - --stats=json"
	assert_success
	jq -e '.records == 1' <<<"${stderr_lines[1]}"
	[[ ${stderr_lines[0]} == "volley: --replay: -: 1 line is not a record (the first: line 2), skipped" ]]
	run --separate-stderr "$VOLLEY" --replay "$d/res.jsonl" "$BASE/json"
	assert_failure 2
	run --separate-stderr "$VOLLEY" --replay "$d/nonexistent"
	assert_failure 2
}

@test "replay: memory stays flat over 200,000 records with every report" {
	d=$BATS_TEST_TMPDIR
	gen() {
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
			printf "{\"index\":%d,\"id\":null,\"url\":\"http://h%d.example/x\",\"method\":\"GET\",\"status\":%d,\"ok\":%s,\"time_ms\":%d.5,\"error\":%s}\n",
				i, i % 7, i % 3 ? 200 : 500, i % 3 ? "true" : "false", i % 900,
				i % 3 ? "null" : "{\"kind\":\"http\",\"message\":\"HTTP status 500\"}" }' >"$2"
	}
	gen 2000 "$d/small.jsonl"
	gen 200000 "$d/big.jsonl"
	peak() {
		# ASan's quarantine of freed memory would look like growth
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4" \
		/usr/bin/time -f %M -o "$d/peak" "$VOLLEY" --replay "$1" --stats=json \
			--report "junit:$d/m.xml" --report "tap:$d/m.tap" \
			--report "github:$d/m.gh" --report "markdown:$d/m.md" 2>"$d/m.stats" || true
		tail -n 1 "$d/peak"
	}
	small=$(peak "$d/small.jsonl")
	big=$(peak "$d/big.jsonl")
	echo "peak RSS: 2000 -> $small KB, 200000 -> $big KB"
	jq -e '.records == 200000' "$d/m.stats"
	[ "$(xpath 'string(//testsuite/@tests)' "$d/m.xml")" = 200000 ]
	[ "$big" -le $(( small * 5 / 4 + 2048 )) ]
}

@test "stats: latency over every answer; no-answer failures counted apart; nothing measured is null or -" {
	# -t 3s: on a busy machine the quick answers may take a second
	run --separate-stderr "$VOLLEY" --stats=json --body none -t 3s \
		"$BASE/json" "$BASE/status/404" "$BASE/delay/60000" "http://127.0.0.1:1/"
	assert_failure 1
	jq -e '.records == 4 and .answered == 2 and .no_answer == 2
		and .no_answer_errors == {"timeout": 1, "connect": 1}
		and .errors == {"connect": 1, "timeout": 1, "http": 1}
		and .status == {"2xx": 1, "4xx": 1}
		and .latency_ms.max < 3000 and .latency_ms.p50 > 0
		and (.histogram | length) == 9
		and ([.histogram[].count] | add) == 2' <<<"$stderr"
	# nothing answered: null, not 0
	run --separate-stderr "$VOLLEY" --stats=json "http://127.0.0.1:1/"
	jq -e '.latency_ms == {"mean": null, "p50": null, "p90": null, "p99": null, "max": null}' <<<"$stderr"
	# --stats=text gives the table off a terminal, with headings and "-"
	run --separate-stderr "$VOLLEY" --stats=text "http://127.0.0.1:1/"
	[[ ${stderr_lines[1]} == "answered 0  no answer 1 (connect 1)" ]]
	grep -qx 'status' <<<"$stderr"
	grep -qx 'errors' <<<"$stderr"
	grep -qx '  mean -  p50 -  p90 -  p99 -  max -' <<<"$stderr"
	# every fixed bucket, in order, none skipped
	run --separate-stderr "$VOLLEY" --stats=text "$BASE/json"
	[ "$(sed -n '/^histogram$/,$p' <<<"$stderr" | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" = "<1ms 1-5ms 5-10ms 10-50ms 50-100ms 100-500ms 0.5-1s 1-5s >5s " ]
}

@test "accept: --accept decides ok, the exit status and --fail-fast" {
	run --separate-stderr "$VOLLEY" --body none --accept 200-299,404 "$BASE/json" "$BASE/status/404"
	assert_success
	jq -s -e 'map(.ok) == [true, true]' <<<"$output"
	run --separate-stderr "$VOLLEY" --body none --accept 404 "$BASE/json" "$BASE/status/404"
	assert_failure 1
	jq -s -e '.[0].ok == false and .[0].error.kind == "http"
		and (.[0].error.message | contains("--accept")) and .[1].ok' <<<"$output"
	run --separate-stderr "$VOLLEY" --body none --fail-fast --accept 404 "$BASE/json"
	assert_failure 3
	run --separate-stderr "$VOLLEY" --accept 200-2xx "$BASE/json"
	assert_failure 2
	[[ $stderr == *"--accept: '200-2xx' is not a list"* ]]
}

@test "records: timing from libcurl, null where a phase did not happen; input with --template" {
	run --separate-stderr "$VOLLEY" --body none -c 1 "$BASE/json" "$BASE/json?2" "http://127.0.0.1:1/"
	assert_failure 1
	jq -s -e '
		(.[0].timing | .dns_ms >= 0 and .connect_ms >= 0 and .tls_ms == null
			and .ttfb_ms >= .connect_ms and .total_ms >= .ttfb_ms)
		# the second reuses the connection: no lookup, no connect
		and (.[1].timing | .dns_ms == null and .connect_ms == null and .ttfb_ms > 0)
		and (.[2].timing | .ttfb_ms == null and .total_ms >= 0)' <<<"$output"
	# nothing sent: null
	run --separate-stderr "$VOLLEY" "not a url"
	jq -e '.timing == null' <<<"$output"
	run --separate-stderr bash -c "printf 'json\nstatus/404\n' | '$VOLLEY' --body none --template '$BASE/{raw}'"
	jq -s -e 'map(.input) == ["json", "status/404"]' <<<"$output"
	jq -e 'has("input") | not' < <("$VOLLEY" --body none "$BASE/json")
}

@test "durations: Go's compound form is taken wherever a duration is" {
	run --separate-stderr "$VOLLEY" --deadline 0m0.3s --body none "$BASE/delay/3000"
	assert_failure 3
	jq -e '.error.kind == "deadline"' <<<"$output"
	run --separate-stderr "$VOLLEY" -t 1m30s --retry-delay 1s500ms --body none "$BASE/json"
	assert_success
	run --separate-stderr "$VOLLEY" -t 1m30 "$BASE/json"
	assert_failure 2
}
