#!/usr/bin/env bats
# Per-host adaptive concurrency (429/503, Retry-After, rate-limit headers;
# --no-adapt) and the retry set (--retry-on).  /capped/N on the fixture
# holds at most N requests at once for 50 ms and answers 429 beyond.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

capped_stats() {
	curl -s "$BASE/capped-stats"
}

# 400 requests to /capped/8 with, every fourth, one to another origin
# (localhost: the same server under another name).
mixed_list() {
	local i
	for ((i = 1; i <= 400; i++)); do
		echo "$BASE/capped/8?key=cap"
		((i % 4)) || echo "http://localhost:$FIXTURE_PORT/delay/50?key=other"
	done >"$BATS_TEST_TMPDIR/in"
}

@test "adapt: a host that serves 8 at once: all ok, few 429s, near the ideal time; another host at full speed" {
	mixed_list
	fixture_reset
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 100 --retries 8 -m as-completed --body none \
		--stats=json -i "$BATS_TEST_TMPDIR/in"
	took=$(ms_since "$start")
	assert_success
	cs=$(capped_stats)
	echo "took $took ms; $cs; $stderr"
	[ "${#lines[@]}" -eq 500 ]
	# every record ok; the attempts of the capped ones are the server's
	# answers: 400 served, the rest 429
	jq -s -e 'all(.[]; .ok)' <<<"$output"
	attempts=$(jq -s '[.[] | select(.url | contains("/capped/")) | .attempts] | add' <<<"$output")
	jq -e --argjson a "$attempts" '.served == 400 and .rejected == $a - 400 and .max <= 8' <<<"$cs"
	# at most 30% of the answers were 429 (--no-adapt: about 70%)
	[ $(( (attempts - 400) * 100 / attempts )) -le 30 ]
	# ideal: 400 / 8 x 50 ms = 2.5 s; within 2.5x of it
	[ "$took" -lt $(( 6250 + VG_SLACK_MS )) ]
	# the other origin is not held back: one attempt each, its 100 records
	# all written while the capped host still has most of its own to go
	jq -s -e '[.[] | select(.url | contains("localhost"))] | length == 100 and all(.[]; .attempts == 1)' <<<"$output"
	last=$(grep -n localhost <<<"$output" | tail -n 1 | cut -d: -f1)
	echo "last localhost record: line $last of 500"
	[ "$last" -le 250 ]
	# --stats: the capped host, and only it, with its window and 429s
	jq -e --argjson a "$attempts" --arg h "$BASE" '.hosts | length == 1 and .[0].host == $h
		and .[0].throttled == $a - 400 and .[0].limit == 100
		and .[0].lowest >= 1 and .[0].lowest <= .[0].window and .[0].window <= 100' <<<"$stderr"
}

@test "adapt: --no-adapt keeps hammering the capped host (and reports no hosts)" {
	for ((i = 0; i < 200; i++)); do echo "$BASE/capped/8"; done >"$BATS_TEST_TMPDIR/in"
	fixture_reset
	run --separate-stderr "$VOLLEY" -c 100 --retries 8 --retry-delay 100ms --body none \
		--no-adapt --stats=json -i "$BATS_TEST_TMPDIR/in"
	cs=$(capped_stats)
	echo "$cs"
	# more 429s than answers served: every attempt goes out at -c 100
	jq -e '.rejected > .served' <<<"$cs"
	jq -e '.hosts == []' <<<"$stderr"
	fixture_reset
	run --separate-stderr "$VOLLEY" -c 100 --retries 8 --retry-delay 100ms --body none \
		-i "$BATS_TEST_TMPDIR/in"
	assert_success
	cs=$(capped_stats)
	echo "$cs"
	jq -e '.rejected < .served / 2' <<<"$cs"
}

@test "adapt: a 429's Retry-After pauses its host only; the pump wakes when the pause ends" {
	# -c 1: the 429 comes first, then a request to another origin (not
	# held), then one to the paused origin (held for the 1 s named)
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 1 -m as-completed --body none \
		"$BASE/flaky/9/429?key=pa&ra=1" "http://localhost:$FIXTURE_PORT/json?o=1" "$BASE/json?p=1"
	took=$(ms_since "$start")
	echo "took $took ms"
	assert_failure 1
	echo "${lines[1]}" | jq -e '.url | contains("localhost")'
	echo "${lines[2]}" | jq -e '(.url | endswith("/json?p=1")) and .ok'
	[ "$took" -ge 950 ]
	[ "$took" -lt $(( 5000 + VG_SLACK_MS )) ]
	# --no-adapt: no pause (of the 30 s asked for)
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 1 --no-adapt --body none \
		"$BASE/flaky/9/429?key=pb&ra=30" "$BASE/json?p=1"
	took=$(ms_since "$start")
	echo "took $took ms"
	[ "$took" -lt $(( 10000 + VG_SLACK_MS )) ]
}

@test "adapt: a paused host costs no CPU while it waits" {
	[[ -z ${VALGRIND:-} ]] || return 0
	start=$(date +%s%N)
	run --separate-stderr /usr/bin/time -f 'cpu %U %S' "$VOLLEY" -c 1 --body none \
		"$BASE/flaky/9/503?key=pc&ra=2" "$BASE/json"
	took=$(ms_since "$start")
	assert_failure 1
	echo "took $took ms"
	[ "$took" -ge 1900 ]
	cpu=$(grep '^cpu ' <<<"$stderr")
	echo "$cpu"
	# two seconds of pause: a spinning loop would burn most of them
	awk '{ exit !($2 + $3 < 0.5) }' <<<"$cpu"
}

@test "adapt: rate-limit headers saying none are left pause the host until their reset" {
	enc() { jq -rn --arg v "$1" '$v | @uri'; }
	local forms=(
		"name=RateLimit&value=$(enc 'limit=10, remaining=0, reset=1')"
		"name=RateLimit&value=$(enc '"default";r=0;t=1')"
		"name=RateLimit-Remaining&value=0&name2=RateLimit-Reset&value2=1"
		"name=X-RateLimit-Remaining&value=0&name2=X-RateLimit-Reset&value2=EPOCH"
	)
	for f in "${forms[@]}"; do
		# a Unix time (GitHub's X-RateLimit-Reset): 2 s from now
		f=${f/EPOCH/$(( $(date +%s) + 2 ))}
		start=$(date +%s%N)
		run --separate-stderr "$VOLLEY" -c 1 --body none "$BASE/header-echo?$f" "$BASE/json"
		took=$(ms_since "$start")
		echo "$f: $took ms"
		assert_success
		[ "$took" -ge 900 ]
		[ "$took" -lt $(( 5000 + VG_SLACK_MS )) ]
	done
	# requests left: no pause (of the 30 s to the reset)
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 1 --body none \
		"$BASE/header-echo?name=X-RateLimit-Remaining&value=5&name2=X-RateLimit-Reset&value2=30" "$BASE/json"
	took=$(ms_since "$start")
	echo "took $took ms"
	assert_success
	[ "$took" -lt $(( 10000 + VG_SLACK_MS )) ]
}

@test "adapt: a pause longer than --retry-max-wait is not taken; that request ends at once" {
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -c 1 --retries 3 --retry-max-wait 30s --body none \
		"$BASE/flaky/9/429?key=px&ra=86400" "$BASE/json"
	took=$(ms_since "$start")
	echo "took $took ms"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.attempts == 1 and .status == 429 and .error.kind == "http"'
	echo "${lines[1]}" | jq -e '.ok'
	# not a pause of --retry-max-wait
	[ "$took" -lt $(( 10000 + VG_SLACK_MS )) ]
}

@test "adapt: --stats on a terminal lists the adapted hosts" {
	for ((i = 0; i < 60; i++)); do echo "$BASE/capped/4"; done >"$BATS_TEST_TMPDIR/in"
	run script -qec "'$VOLLEY' -c 30 --retries 8 --retry-delay 50ms --body none --stats -i '$BATS_TEST_TMPDIR/in' -o /dev/null" /dev/null
	echo "$output"
	[[ $output == *"hosts adapted"* ]]
	grep -E "^  $BASE  window [0-9]+ \(lowest [0-9]+, limit 30\), [1-9][0-9]* answered 429/503" <<<"${output//$'\r'/}"
}

@test "retries: by default 408 and 500 are retried, as curl --retry does" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms \
		"$BASE/flaky/1/408?key=d408" "$BASE/flaky/1/500?key=d500" "$BASE/flaky/9/501?key=d501"
	assert_failure 1
	run jq -s -e '[.[].attempts] == [2, 2, 1]' <<<"$output"
	assert_success
}

@test "retries: --retry-on replaces the set of statuses and error kinds" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms --retry-on 500-501,read \
		"$BASE/flaky/9/503?key=o503" "$BASE/flaky/1/501?key=o501" "$BASE/flaky/1/500?key=o500" \
		"$RAW/close"
	assert_failure 1
	echo "$output"
	run jq -s -e '[.[].attempts] == [1, 2, 2, 3] and .[3].error.kind == "read"' <<<"$output"
	assert_success
	# connect is not in the set any more
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms --retry-on 429 "http://127.0.0.1:1/"
	echo "$output" | jq -e '.attempts == 1 and .error.kind == "connect"'
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms --retry-on connect,timeout "http://127.0.0.1:1/"
	echo "$output" | jq -e '.attempts == 3'
}

@test "retries: a bad --retry-on item is a usage error that names it" {
	for bad in '429,bogus' '429,,503' '99' '600' '503-500' 'http' 'cancelled' ''; do
		run --separate-stderr "$VOLLEY" --retry-on "$bad" "$BASE/json"
		assert_failure 2
		item=${bad##*,}
		[[ $bad == '429,,503' ]] && item=''
		echo "$stderr"
		[[ $stderr == "volley: --retry-on: '$item' is not a status"* ]]
	done
	[ "$(fixture_count x)" -eq 0 ]
}
