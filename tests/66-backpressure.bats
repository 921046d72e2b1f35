#!/usr/bin/env bats
# Backpressure: memory is bounded by -c and the gather window, never by
# the input or by a slow reader.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# Wait until fixture_count $1 stops changing for 400 ms (at most 8 s);
# print the count.
settled_count() {
	local last=-1 now i
	for ((i = 0; i < 40; i++)); do
		now=$(fixture_count "$1")
		if [ "$now" = "$last" ] && [ "$now" -gt 0 ]; then
			echo "$now"
			return 0
		fi
		last=$now
		sleep 0.2
	done
	echo "$now"
}

@test "backpressure: a reader that does not read stops new requests; nothing is lost" {
	fixture_reset
	seq 1 2000 | sed "s|^|$BASE/bytes/10000?key=bp\&n=|" >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -c 10 -i "$BATS_TEST_TMPDIR/in" >"$fifo" 2>/dev/null &
	pid=$!
	exec 8<"$fifo"
	# nobody reads: the pipe and volley's buffer fill, then volley waits
	n=$(settled_count bp)
	echo "requests while stalled: $n"
	[ "$n" -lt 200 ]
	# now read everything: every record arrives, in order
	cat <&8 >"$BATS_TEST_TMPDIR/out"
	exec 8<&-
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 2000 ]
	jq -s -e '[.[].index] == [range(0;2000)] and all(.[]; .ok)' "$BATS_TEST_TMPDIR/out"
}

@test "backpressure: a slow head request holds back new starts instead of growing the gather window" {
	fixture_reset
	{
		echo "$BASE/delay/4000?key=head"
		seq 1 2000 | sed "s|^|$BASE/json?key=gw\&n=|"
	} >"$BATS_TEST_TMPDIR/in"
	"$VOLLEY" -c 8 --body none -i "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	n=$(settled_count gw)
	echo "started behind the slow head: $n"
	# the window is 4 x -c = 32, at least 64 requests: 63 behind the head
	[ "$n" -le 63 ]
	[ "$n" -ge 32 ]
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 2001 ]
	jq -s -e '[.[].index] == [range(0;2001)]' "$BATS_TEST_TMPDIR/out"
}

@test "backpressure: as-completed mode has no window: the slow request does not hold others" {
	fixture_reset
	{
		echo "$BASE/delay/4000?key=head2"
		seq 1 500 | sed "s|^|$BASE/json?key=ac\&n=|"
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$VOLLEY" -m as-completed -c 8 --body none -i "$BATS_TEST_TMPDIR/in"
	assert_success
	# the slow one is the last record
	echo "${lines[500]}" | jq -e '.index == 0'
}
