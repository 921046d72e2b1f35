#!/usr/bin/env bats
# File descriptors: a long run full of failures closes every descriptor
# each request opened; the process ends with the ones it started with.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# The open fds of process $1, one "N -> target" a line; sockets and pipes
# by kind only (their inode numbers change from one to the next).
fd_list() {
	local f

	for f in /proc/"$1"/fd/*; do
		printf '%s -> %s\n' "${f##*/}" "$(readlink "$f" | sed 's/:\[[0-9]*\]$//')"
	done | sort -n
}

@test "fds: 3006 refused, reset, closed, 404 and timed-out requests leave no fd open" {
	in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	mkfifo "$in" "$out"
	# Connection: close, so that no request leaves a connection in
	# libcurl's cache that could be told from a leak only by its age;
	# -t 5s (10 s under valgrind): a busy machine may take seconds for
	# the quick ones (with -t 1s, valgrind timed out the first)
	t=5
	[ -z "${VALGRIND:-}" ] || t=10
	"$VOLLEY" -c 50 -t ${t}s -m as-completed --body none -H 'Connection: close' \
		<"$in" >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	vpid=$!
	exec 7>"$in" 8<"$out"
	echo "$BASE/status/404?key=first" >&7
	read -t 60 -r first <&8
	echo "$first" | jq -e '.status == 404'
	before=$(fd_list "$vpid")
	# 3006 more: 2964 that fail at once in six ways or succeed, and 41
	# that time out (a server that never answers), spread through them;
	# the writer runs beside the reader so neither pipe can fill up
	for i in $(seq 1 494); do
		printf '%s\n' "http://127.0.0.1:1/$i" "$RAW/reset" "$RAW/reset-mid" \
			"$RAW/close" "$BASE/status/404?n=$i" "$BASE/json/$i"
		(( i % 12 )) || echo "$RAW/never"
	done >"$BATS_TEST_TMPDIR/mix"
	echo "$BASE/status/404?key=last" >>"$BATS_TEST_TMPDIR/mix"
	cat "$BATS_TEST_TMPDIR/mix" >&7 &
	# once all 3006 records are out, every request is over
	timeout 120 head -n 3006 <&8 >"$BATS_TEST_TMPDIR/records"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/records")" -eq 3006 ]
	after=$(fd_list "$vpid")
	exec 7>&-
	cat <&8 >>"$BATS_TEST_TMPDIR/records"
	exec 8<&-
	wait "$vpid" || true
	run jq -s -r '[.[] | .error.kind // "ok"] | group_by(.) | map("\(.[0]) \(length)") | join(",")' "$BATS_TEST_TMPDIR/records"
	assert_output "connect 494,http 495,ok 494,read 1482,timeout 41"
	echo "before:"; echo "$before"; echo "after:"; echo "$after"
	[ -n "$before" ]
	[ "$before" = "$after" ]
}
