#!/usr/bin/env bats
# Scheduling and retries: --rate, --per-host and -c together, timeouts
# that start with the transfer, retries with backoff and Retry-After.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

@test "limits: --rate 20/s spreads 30 requests over about 1.5 s while -c and --per-host hold" {
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	start=$(date +%s%N)
	run --separate-stderr bash -c "seq 1 30 | sed 's|^|$BASE/delay/50/|' | '$VOLLEY' --rate 20/s -c 4 --per-host 2 --body none"
	took=$(ms_since "$start")
	assert_success
	[ "${#lines[@]}" -eq 30 ]
	echo "took $took ms"
	# 30 starts 50 ms apart: the last one at 1.45 s
	[ "$took" -ge 1400 ] && [ "$took" -lt 5000 ]
	fixture_stats | jq -e --argjson b "$base" '.max_inflight <= 2 + $b and .requests == 30'
}

@test "limits: --rate is smooth, not bursty" {
	# 30 requests of 1 s each at 20/s: evenly spaced starts mean about 20
	# are in flight at the peak; a burst would put all 30 in flight.
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	run --separate-stderr bash -c "seq 1 30 | sed 's|^|$BASE/delay/1000/|' | '$VOLLEY' --rate 20/s -c 50 --body none"
	assert_success
	fixture_stats | jq -e --argjson b "$base" '.max_inflight <= 23 + $b'
}

# per_host_peak N MIN MAX HOST...: 6 requests of 200 ms to each host
# (host:port of the fixture) at --per-host N, all ok; the fixture's peak
# of requests in flight is between MIN and MAX.
per_host_peak() {
	local n=$1 min=$2 max=$3 base
	shift 3
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	run --separate-stderr bash -c 'for i in $(seq 1 6); do for h in "${@:2}"; do echo "http://$h:'"$FIXTURE_PORT"'/delay/200/$i"; done; done | "$1" --per-host '"$n"' -c 50 --body none' _ "$VOLLEY" "$@"
	assert_success
	[ "${#lines[@]}" -eq $((6 * $#)) ]
	fixture_stats | jq -e --argjson b "$base" --argjson lo "$min" --argjson hi "$max" \
		'.max_inflight <= $hi + $b and .max_inflight >= $lo'
}

@test "limits: --per-host limits each origin on its own" {
	# two origins, three each
	per_host_peak 3 5 6 127.0.0.1 localhost
}

@test "limits: --per-host counts an IPv4 address as one origin however it is written" {
	# 127.0.0.1 as a dotted quad, in two parts and as one number
	per_host_peak 2 2 2 127.0.0.1 127.1 2130706433
}

@test "limits: -t counts from the start of the transfer, not from the queue" {
	# 6 requests of 600 ms through 2 slots take 1.8 s; with -t 1s each
	# must still succeed.
	run --separate-stderr bash -c "seq 1 6 | sed 's|^|$BASE/delay/600/|' | '$VOLLEY' -c 2 -t 1s --body none"
	assert_success
	run jq -s -e 'length == 6 and all(.[]; .ok)' <<<"$output"
	assert_success
}

@test "retries: 503 with --retries 2 makes exactly 3 attempts, then records the 503" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms "$BASE/flaky/5/503?key=r3"
	assert_failure 1
	echo "$output" | jq -e '.attempts == 3 and .status == 503 and .error.kind == "http"'
	[ "$(fixture_count r3)" -eq 3 ]
}

@test "retries: a flaky 502 succeeds on its third attempt" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 3 --retry-delay 10ms "$BASE/flaky/2/502?key=f2"
	assert_success
	echo "$output" | jq -e '.attempts == 3 and .status == 200 and .ok'
}

@test "retries: 401, 404 and 501 are not retried" {
	# 500 is retried now, as curl --retry does (DESIGN.md; 63-adapt.bats)
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 3 --retry-delay 10ms \
		"$BASE/flaky/9/401?key=n401" "$BASE/flaky/9/404?key=n404" "$BASE/flaky/9/501?key=n501"
	assert_failure 1
	run jq -s -e 'all(.[]; .attempts == 1)' <<<"$output"
	assert_success
	[ "$(fixture_count n401)" -eq 1 ] && [ "$(fixture_count n404)" -eq 1 ] && [ "$(fixture_count n501)" -eq 1 ]
}

@test "retries: a POST is not retried; PUT and DELETE are" {
	fixture_reset
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms -d x "$BASE/flaky/9/503?key=post"
	assert_failure 1
	echo "$output" | jq -e '.attempts == 1'
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms -X PUT -d x "$BASE/flaky/1/503?key=put"
	assert_success
	echo "$output" | jq -e '.attempts == 2'
}

@test "retries: connect errors and timeouts are retried" {
	run --separate-stderr "$VOLLEY" --retries 2 --retry-delay 10ms "http://127.0.0.1:1/" 
	assert_failure 1
	echo "$output" | jq -e '.attempts == 3 and .error.kind == "connect"'
	run --separate-stderr "$VOLLEY" --retries 1 --retry-delay 10ms -t 200ms "$BASE/delay/2000"
	assert_failure 1
	echo "$output" | jq -e '.attempts == 2 and .error.kind == "timeout"'
}

@test "retries: Retry-After in seconds is honoured" {
	fixture_reset
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --retries 1 --retry-delay 1ms "$BASE/flaky/1/429?key=ra&ra=1"
	took=$(ms_since "$start")
	assert_success
	echo "$output" | jq -e '.attempts == 2'
	[ "$took" -ge 950 ]
}

@test "retries: a Retry-After date in the past means now" {
	fixture_reset
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --retries 1 --retry-delay 60s --retry-max-wait 60s \
		"$BASE/flaky/1/503?key=rd&ra=Wed,%2021%20Oct%202015%2007:28:00%20GMT"
	took=$(ms_since "$start")
	assert_success
	echo "$output" | jq -e '.attempts == 2'
	# not the --retry-delay (up to 60 s)
	[ "$took" -lt 10000 ]
}

@test "retries: a Retry-After beyond --retry-max-wait gives up at once with the status kept" {
	fixture_reset
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --retries 3 --retry-max-wait 30s "$BASE/flaky/9/503?key=rx&ra=86400"
	took=$(ms_since "$start")
	assert_failure 1
	echo "$output" | jq -e '.attempts == 1 and .status == 503 and .error.kind == "http"'
	# not a wait of --retry-max-wait
	[ "$took" -lt 10000 ]
}

@test "retries: waiting for a retry does not hold up other requests" {
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" -m as-completed --retries 1 --retry-delay 10ms "$BASE/flaky/1/503?key=w1&ra=2" "$BASE/json"
	assert_success
	# the fast request's record comes first, while the other one waits
	echo "${lines[0]}" | jq -e '.url | endswith("/json")'
	echo "${lines[1]}" | jq -e '.attempts == 2'
}
