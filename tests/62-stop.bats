#!/usr/bin/env bats
# Stopping a run: --fail-fast (TaskGroup), --deadline (wait_for over the
# whole run), SIGINT and SIGTERM.  Every request still gets its record.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# Wait (at most 30 s: the machine may be busy) until the fixture has $1
# requests in flight, or (wait_max_inflight) has had them at one time
# since fixture_reset: short requests come and go, so a sample of the
# count at one moment may never see them all.
wait_inflight() {
	_wait_stat inflight "$1"
}
wait_max_inflight() {
	_wait_stat max_inflight "$1"
}
_wait_stat() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(fixture_stats | jq ".$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "fail-fast: 1 failing + 20 slow ends at once, not with the slow ones, 20 cancelled records, exit 3" {
	# the slow ones take 30 s; the bound is generous for a busy machine
	{
		echo "$BASE/status/500"
		for i in $(seq 1 20); do echo "$BASE/delay/30000/$i"; done
	} >"$BATS_TEST_TMPDIR/in"
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --fail-fast -c 30 --body none -i "$BATS_TEST_TMPDIR/in"
	took=$(ms_since "$start")
	assert_failure 3
	[ "${#lines[@]}" -eq 21 ]
	echo "took $took ms"
	[ "$took" -lt 8000 ]
	run jq -s -e '.[0].error.kind == "http" and ([.[1:][] | .error.kind] | unique) == ["cancelled"]
		and [.[].index] == [range(0;21)]' <<<"$output"
	assert_success
}

@test "fail-fast: the rest of the input is read and cancelled without being fetched" {
	fixture_reset
	{
		echo "$BASE/status/404"
		for i in $(seq 1 50); do echo "$BASE/json?key=after"; done
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" --fail-fast -c 1 --body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 3
	[ "${#lines[@]}" -eq 51 ]
	run jq -s -e '[.[1:][] | .error.kind] | unique == ["cancelled"]' <<<"$output"
	assert_success
	[ "$(fixture_count after)" -eq 0 ]
}

@test "fail-fast: a run without failures is not stopped" {
	run --separate-stderr "$VOLLEY" --fail-fast --body none "$BASE/json" "$BASE/json"
	assert_success
}

@test "deadline: requests still running or queued at the deadline get deadline records, exit 3" {
	{
		echo "$BASE/json"
		for i in $(seq 1 10); do echo "$BASE/delay/30000/$i"; done
		for i in $(seq 1 10); do echo "$BASE/json/q$i"; done
	} >"$BATS_TEST_TMPDIR/in"
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --deadline 500ms -c 5 --body none -i "$BATS_TEST_TMPDIR/in"
	took=$(ms_since "$start")
	assert_failure 3
	[ "${#lines[@]}" -eq 21 ]
	echo "took $took ms"
	[ "$took" -lt 10000 ]  # not the 30 s of the slow ones
	echo "${lines[0]}" | jq -e '.ok'
	run jq -s -e '[.[1:11][] | .error.kind] | unique == ["deadline"]' <<<"$output"
	assert_success
}

@test "signals: SIGINT with requests in flight exits 130 with a record for each of them" {
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	seq 1 100 | sed "s|^|$BASE/delay/20000/|" >"$BATS_TEST_TMPDIR/in"
	"$VOLLEY" -c 100 --body none -i "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_inflight $((base + 100))
	start=$(date +%s%N)
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	took=$(ms_since "$start")
	echo "exit $status after $took ms"
	[ "$status" -eq 130 ]
	[ "$took" -lt 10000 ]  # not the 20 s of the requests
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 100 ]
	jq -s -e 'length == 100 and all(.[]; .error.kind == "cancelled" and (.error.message | test("SIGINT")))
		and [.[].index] == [range(0;100)]' "$BATS_TEST_TMPDIR/out"
}

@test "signals: SIGTERM exits 143; unread input stays unread; queued requests get records" {
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -c 5 --body none <"$fifo" >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	exec 7>"$fifo"
	for i in $(seq 1 5); do echo "$BASE/delay/20000/$i" >&7; done
	wait_inflight $((base + 5))
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	exec 7>&-
	[ "$status" -eq 143 ]
	# the writer never closed the input: volley did not wait for it
	jq -s -e 'length == 5 and all(.[]; .error.kind == "cancelled")' "$BATS_TEST_TMPDIR/out"
}

@test "signals: output ends on a record boundary; a second SIGINT exits at once" {
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	# records come out steadily for 12 s: the signals land mid-run
	seq 1 3000 | sed "s|^|$BASE/delay/200?n=|" >"$BATS_TEST_TMPDIR/in"
	"$VOLLEY" -c 50 -i "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	wait_max_inflight $((base + 50))
	kill -INT "$pid"; kill -INT "$pid" 2>/dev/null || true
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	# whatever was written is whole lines of valid JSON
	[ ! -s "$BATS_TEST_TMPDIR/out" ] || jq -e . "$BATS_TEST_TMPDIR/out" >/dev/null
	[ ! -s "$BATS_TEST_TMPDIR/out" ] || [ "$(tail -c 1 "$BATS_TEST_TMPDIR/out" | od -An -c | tr -d ' ')" = '\n' ]
}

@test "signals: SIGINT still works while the output waits on a reader that does not read" {
	fixture_reset
	seq 1 3000 | sed "s|^|$BASE/bytes/5000?key=sw\&n=|" >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -q -c 20 --window 1M -i "$BATS_TEST_TMPDIR/in" >"$fifo" &
	pid=$!
	exec 8<"$fifo"
	# wait until the window is held and volley waits on the reader
	last=-1
	for _ in $(seq 1 200); do
		n=$(fixture_count sw)
		[ "$n" -gt 0 ] && [ "$n" = "$last" ] && break
		last=$n
		sleep 0.2
	done
	[ "$n" -lt 3000 ]
	# waiting is not spinning: the process sleeps
	[ "$(awk '{print $3}' "/proc/$pid/stat")" = S ]
	start=$(date +%s%N)
	kill -INT "$pid"
	for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	took=$(ms_since "$start")
	status=0
	wait "$pid" || status=$?
	exec 8<&-
	echo "exit $status after $took ms"
	[ "$status" -eq 130 ]
	# the 2 s drain bound, and slack for a busy machine; without the
	# bound volley would wait on the reader for ever
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
}

@test "limits: requests waiting on a retry count against the window in as-completed mode too" {
	fixture_reset
	seq 1 3000 | sed "s|^|$BASE/status/503?key=cap\&n=|" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -m as-completed -c 10 --retries 1 --retry-delay 60s \
		--retry-max-wait 60s --deadline 2s --body none -i "$BATS_TEST_TMPDIR/in"
	assert_failure 3
	[ "${#lines[@]}" -eq 3000 ]
	n=$(fixture_count cap)
	echo "requests: $n"
	# at most 4 x -c = 40 (at least 64) jobs alive, each with at most two
	# attempts (the jittered wait may end within the deadline): not one
	# request per input line
	[ "$n" -le 128 ]
}
