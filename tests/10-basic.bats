#!/usr/bin/env bats
# The core promise: one record per request, in order, with an honest
# exit status; -c is a real limit; -t gives timeout records.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

@test "basic: a JSON URL gives one full record and exit 0" {
	run --separate-stderr "$VOLLEY" "$BASE/json"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --arg u "$BASE/json" '
		.index == 0 and .id == null and .url == $u and .final_url == $u
		and .method == "GET" and .status == 200 and .ok == true
		and .http_version == "1.1" and (.content_type | startswith("application/json"))
		and .size > 0 and .time_ms >= 0 and .attempts == 1 and .page == 1 and .last == true
		and .body == {"ok": true, "path": "/json"} and .body_encoding == "json"
		and .error == null'
	# the record's keys come in the documented order
	run jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "index,id,url,final_url,method,status,ok,http_version,content_type,size,time_ms,timing,attempts,page,last,body,body_encoding,error"
}

@test "basic: 1000 URLs from stdin with -c 64 give 1000 records in input order, exit 0" {
	run --separate-stderr bash -c "seq 0 999 | sed 's|^|$BASE/json/|' | '$VOLLEY' -c 64 --body none"
	assert_success
	[ "${#lines[@]}" -eq 1000 ]
	run jq -s -e '[.[].index] == [range(0;1000)] and all(.[]; .ok)
		and ([.[] | .url | ltrimstr("'"$BASE"'/json/") | tonumber] == [range(0;1000)])' <<<"$output"
	assert_success
}

@test "basic: reused connections and handles fetch each URL they are given" {
	run --separate-stderr bash -c "seq 0 299 | sed 's|^|$BASE/echo?n=|' | '$VOLLEY' -c 4"
	assert_success
	run jq -s -e '[.[] | .body.uri] == [range(0;300) | "/echo?n=\(.)"]' <<<"$output"
	assert_success
}

@test "basic: a 404 among them gives exit 1 and an http error record" {
	run --separate-stderr "$VOLLEY" "$BASE/json" "$BASE/status/404" "$BASE/json"
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	echo "${lines[1]}" | jq -e '.status == 404 and .ok == false and .error.kind == "http"
		and (.error.message | length > 0)'
	echo "${lines[0]}" | jq -e '.ok'
	echo "${lines[2]}" | jq -e '.ok'
}

@test "basic: a request slower than -t gives a timeout record, not its late answer; the rest succeed" {
	# -t 2s, and 10 s under valgrind: a busy machine may take a second
	# for the quick requests; the slow one takes a minute
	t=2
	[ -z "${VALGRIND:-}" ] || t=10
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -t ${t}s "$BASE/json" "$BASE/delay/60000" "$BASE/delay/100"
	end=$(date +%s%N)
	assert_failure 1
	echo "${lines[1]}" | jq -e '.error.kind == "timeout" and .error.curl_code == 28 and .ok == false'
	echo "${lines[0]}" | jq -e '.ok'
	echo "${lines[2]}" | jq -e '.ok'
	# the run does not wait for the slow answer (a minute); valgrind on a
	# busy machine took 27 s for the whole run
	[ $(( (end - start) / 1000000 )) -lt $((t * 1000 + 30000 + VG_SLACK_MS)) ]
	echo "${lines[1]}" | jq -e --argjson t "$t" --argjson s "$VG_SLACK_MS" \
		'.time_ms >= $t * 1000 - 100 and .time_ms < $t * 1000 + 5000 + $s'
}

@test "basic: -c 25 is a real limit: 100 requests held in waves of 25, never more than 25 at once" {
	fixture_reset
	# requests of earlier tests may still be pending at the server
	base=$(fixture_stats | jq .inflight)
	# the fixture holds each request until the last of its wave of 25
	# has come (at most 60 s), however slow a busy machine starts them
	for ((i = 0; i < 100; i++)); do
		echo "$BASE/delay/60000?key=c25&until=c25&count=$(( (i / 25 + 1) * 25 ))&i=$i"
	done >"$BATS_TEST_TMPDIR/in"
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 25 --body none -m as-completed -i "$BATS_TEST_TMPDIR/in"
	end=$(date +%s%N)
	assert_success
	[ "${#lines[@]}" -eq 100 ]
	stats=$(fixture_stats)
	echo "$stats base $base"
	# the limit is reached and never passed
	echo "$stats" | jq -e --argjson b "$base" '.max_inflight >= 25 and .max_inflight <= 25 + $b and .requests == 100'
	# no wave waited for its minute: each was released by its last request
	[ $(( (end - start) / 1000000 )) -lt $((30000 + VG_SLACK_MS)) ]
}

@test "basic: -c 1 fetches one at a time" {
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	run --separate-stderr "$VOLLEY" -c 1 --body none "$BASE/delay/50/a" "$BASE/delay/50/b" "$BASE/delay/50/c"
	assert_success
	fixture_stats | jq -e --argjson b "$base" '.max_inflight <= 1 + $b and .requests == 3'
}

@test "basic: as-completed mode prints records as they finish" {
	run --separate-stderr "$VOLLEY" -m as-completed --body none "$BASE/delay/600" "$BASE/json"
	assert_success
	echo "${lines[0]}" | jq -e '.index == 1'
	echo "${lines[1]}" | jq -e '.index == 0'
}

@test "basic: gather mode keeps input order even when later requests finish first" {
	run --separate-stderr "$VOLLEY" --body none "$BASE/delay/600" "$BASE/json" "$BASE/delay/100"
	assert_success
	run jq -s -e '[.[].index] == [0,1,2]' <<<"$output"
	assert_success
}

@test "basic: a record reaches stdout before the input ends (streaming)" {
	# The producer waits until volley has printed u1's record before it
	# sends u2: if volley held records back, this would time out (after
	# a minute: valgrind on a busy machine took more than 10 s).
	fifo_in=$BATS_TEST_TMPDIR/in fifo_out=$BATS_TEST_TMPDIR/out
	mkfifo "$fifo_in" "$fifo_out"
	"$VOLLEY" --body none <"$fifo_in" >"$fifo_out" &
	vpid=$!
	exec 7>"$fifo_in" 8<"$fifo_out"
	echo "$BASE/json/u1" >&7
	read -t 60 -r first <&8
	echo "$BASE/json/u2" >&7
	exec 7>&-
	read -t 60 -r second <&8
	exec 8<&-
	wait "$vpid"
	echo "$first" | jq -e '.url | endswith("/u1")'
	echo "$second" | jq -e '.url | endswith("/u2")'
}

@test "basic: --help and --version exit 0; bad options exit 2" {
	run "$VOLLEY" --help
	assert_success
	assert_output --partial "Usage: volley"
	run "$VOLLEY" --version
	assert_success
	assert_output --regexp '^volley [0-9]+\.[0-9]+\.[0-9]+$'
	for bad in "-c 0" "-c -1" "-c abc" "--timeout abc" "-t -1s" "--mode nope" \
		"--format yaml" "--body nope" "--max-body 10X" "--bogus" "--rate 0" \
		"--shard 3/3" "--cursor-param c" "--page-start 2" "-d a --json {}"; do
		run --separate-stderr "$VOLLEY" $bad "$BASE/json"
		[ "$status" -eq 2 ] || { echo "$bad gave $status"; false; }
		[ -z "$output" ] || { echo "$bad printed records"; false; }
		[[ $stderr == volley:* ]] || { echo "$bad: no message: $stderr"; false; }
	done
}

@test "basic: an unknown long option names the options meant; no abbreviation is taken" {
	run --separate-stderr "$VOLLEY" --concurency 5 "$BASE/json"
	assert_failure 2
	[ -z "$output" ]
	[[ $stderr == "volley: unknown option --concurency (did you mean --concurrency?)"* ]]
	# A unique prefix is refused too (as curl does), with the full name.
	run --separate-stderr "$VOLLEY" --stat "$BASE/json"
	assert_failure 2
	[[ $stderr == "volley: unknown option --stat (did you mean --stats?)"* ]]
	# An ambiguous one lists every candidate.
	run --separate-stderr "$VOLLEY" --http "$BASE/json"
	assert_failure 2
	[[ $stderr == "volley: unknown option --http (did you mean --http1.1, --http2 or --http2-prior-knowledge?)"* ]]
	# Nothing near: no guess.
	run --separate-stderr "$VOLLEY" --bogus "$BASE/json"
	assert_failure 2
	[[ $stderr == "volley: unknown option --bogus"$'\n'* ]]
}
