#!/usr/bin/env bats
# Nothing blocks the event loop: not a slow reader of stdout, not a FIFO
# whose writer comes late, not an endless input of lines that start no
# transfer.  Signals are acted on within a fraction of a second.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

teardown() {
	# a test that failed may leave its volley behind
	[ -z "${pid:-}" ] || kill -KILL "$pid" 2>/dev/null || true
}

# Wait (at most 30 s: the machine may be busy) until process $1 has read
# $2 bytes of input.
wait_read() {
	local i n
	for ((i = 0; i < 600; i++)); do
		n=$(awk '/^rchar/ {print $2}' "/proc/$1/io" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# Wait (at most 30 s) until process $1 is gone (else kill it); print
# how long it took since $2 (a `date +%s%N` reading), in ms.
wait_gone() {
	local i took
	for ((i = 0; i < 1500; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.02
	done
	took=$(ms_since "$2")
	kill -KILL "$1" 2>/dev/null || true
	echo "$took"
}

# SIGTERM to $pid now; wait until it is gone and reap it: sets took (ms
# from the signal) and status (its exit status), and clears pid.
term_and_reap() {
	start=$(date +%s%N)
	kill -TERM "$pid"
	took=$(wait_gone "$pid" "$start")
	status=0
	wait "$pid" || status=$?
	pid=
	echo "exit $status after $took ms"
}

@test "nbio: a reader that pauses for 3 s does not turn fast requests into timeouts" {
	seq 1 300 | sed "s|^|$BASE/bytes/5000?n=|" >"$BATS_TEST_TMPDIR/in"
	"$VOLLEY" -t 1s -c 20 -i "$BATS_TEST_TMPDIR/in" | { sleep 3; cat; } >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 300 ]
	jq -s -e '[.[].index] == [range(0;300)]' "$BATS_TEST_TMPDIR/out" >/dev/null
	bad=$(jq -c 'select(.ok | not) | .error.kind' "$BATS_TEST_TMPDIR/out" | sort | uniq -c)
	echo "not ok: $bad"
	[ -z "$bad" ]
}

@test "nbio: a report on stderr whose reader pauses does not stall transfers, and is whole" {
	# --report tap:- and github:- lines go through a queue (errout.c); a
	# reader of stderr that pauses 6 s must not hold the loop: the three
	# that never answer end at -t 2s, not when the reader comes back
	{
		for i in 1 2 3; do echo "$RAW/never?n=$i"; done
		seq 1 3000 | sed "s|^|$BASE/bytes/200?n=|"
	} >"$BATS_TEST_TMPDIR/in"
	for r in tap:- github:-; do
		{ "$VOLLEY" -m as-completed -t 2s --report "$r" -i "$BATS_TEST_TMPDIR/in" \
			-o "$BATS_TEST_TMPDIR/recs" 3>&1 1>&2 2>&3; } 2>/dev/null |
			{ sleep 6; cat; } >"$BATS_TEST_TMPDIR/err"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/recs")" -eq 3003 ]
		jq -s -e --argjson s "$VG_SLACK_MS" '[.[] | select(.url | contains("/never"))] |
			length == 3 and all(.error.kind == "timeout" and .time_ms < 4500 + $s)' "$BATS_TEST_TMPDIR/recs"
		# and the report is whole: a line per record, then the end
		if [ "$r" = tap:- ]; then
			[ "$(grep -c '^\(not \)\?ok ' "$BATS_TEST_TMPDIR/err")" -eq 3003 ]
			grep -qx '1\.\.3003' "$BATS_TEST_TMPDIR/err"
		else
			[ "$(grep -c '^::error ' "$BATS_TEST_TMPDIR/err")" -eq 3 ]
			grep -q '^::notice title=volley::3003 records, 3000 ok, 3 failed' "$BATS_TEST_TMPDIR/err"
		fi
	done
}

@test "nbio: a report on stderr that outgrows --window stops admission, and admission goes on when it drains" {
	# gather releases held records in bursts, and their report lines can
	# pass a small window at once; once they are written the input must
	# be read again even with no transfer left to wake the loop
	seq 1 20000 | sed "s|^|$BASE/status/500?n=|" >"$BATS_TEST_TMPDIR/in"
	status=0
	timeout 120 "$VOLLEY" -i "$BATS_TEST_TMPDIR/in" --report tap:- --window 64k \
		-o "$BATS_TEST_TMPDIR/recs" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/recs")" -eq 20000 ]
	[ "$(grep -c '^not ok ' "$BATS_TEST_TMPDIR/err")" -eq 20000 ]
	grep -qx '1\.\.20000' "$BATS_TEST_TMPDIR/err"
	# a report on "-" that cannot be written is exit status 4
	status=0
	"$VOLLEY" --report tap:- "$BASE/json" >/dev/null 2>/dev/full || status=$?
	[ "$status" -eq 4 ]
}

# SIGTERM while the reader has stopped reading; the reader comes back
# after the signal.  $1: the format.
term_slow_reader() {
	fixture_reset
	# every 100th request is still running at the signal
	seq 1 3000 | awk -v b="$BASE" -v k="tsr$1" '{
		if ($1 % 100 == 0) print b "/delay/30000?n=" $1
		else print b "/bytes/5000?key=" k "&n=" $1 }' >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -q -f "$1" -c 20 -i "$BATS_TEST_TMPDIR/in" >"$fifo" &
	pid=$!
	exec 8<"$fifo"
	# far more records than the pipe holds are pending
	wait_until "[ \"\$(fixture_count tsr$1)\" -ge 1000 ]"
	start=$(date +%s%N)
	kill -TERM "$pid"
	cat <&8 >"$BATS_TEST_TMPDIR/out"
	exec 8<&-
	took=$(wait_gone "$pid" "$start")
	status=0
	wait "$pid" || status=$?
	pid=
	echo "exit $status after $took ms; $(wc -c <"$BATS_TEST_TMPDIR/out") bytes"
	[ "$status" -eq 143 ]
	# the 2 s drain bound and slack for a busy machine; the requests
	# still running take 30 s
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/out" | od -An -c | tr -d ' ')" = '\n' ]
}

@test "nbio: SIGTERM while the reader is slow: exit 143 in time, the last jsonl line whole" {
	term_slow_reader jsonl
	jq -e . "$BATS_TEST_TMPDIR/out" >/dev/null
	n=$(wc -l <"$BATS_TEST_TMPDIR/out")
	[ "$n" -ge 400 ]
	# the records still pending at the signal are cancelled ones
	jq -s -e 'any(.[]; .error.kind == "cancelled")' "$BATS_TEST_TMPDIR/out"
}

@test "nbio: SIGTERM while the reader is slow: -f json is a closed array" {
	term_slow_reader json
	jq -e 'length >= 400 and any(.[]; .error.kind == "cancelled")' "$BATS_TEST_TMPDIR/out" >/dev/null
}

@test "nbio: SIGTERM with a reader that never drains: exit 143 within the bound anyway" {
	fixture_reset
	seq 1 3000 | sed "s|^|$BASE/bytes/5000?key=nd\&n=|" >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -q -c 20 -i "$BATS_TEST_TMPDIR/in" >"$fifo" &
	pid=$!
	exec 8<"$fifo"
	# far more records (5 KB each) than the pipe holds are done: volley
	# waits on the reader (on a busy machine this takes a while)
	wait_until '[ "$(fixture_count nd)" -ge 200 ]'
	term_and_reap
	exec 8<&-
	[ "$status" -eq 143 ]
	# OUTPUT_SIGNAL_DRAIN_MS is 2 s (slack for a busy machine); a reader
	# that never drains would hold volley for ever
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
	[ "$took" -ge 1500 ]
}

# After a signal, what is written to stderr at the end (--stats, a report
# on "-", a last message) keeps the queue's bound too: a stderr reader
# that never reads does not hold the exit.  $1: the report's format.
term_stderr_never_read() {
	fixture_reset
	seq 1 3000 | sed "s|^|$BASE/bytes/10?key=en$1\&n=|" >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/efifo
	mkfifo "$fifo"
	"$VOLLEY" --stats=json --report "$1":- -c 20 \
		-i "$BATS_TEST_TMPDIR/in" >/dev/null 2>"$fifo" &
	pid=$!
	exec 8<"$fifo"
	wait_until "[ \"\$(fixture_count en$1)\" -ge 200 ]"
	term_and_reap
	exec 8<&-
	[ "$status" -eq 143 ]
	# the 2 s bound and slack; with a blocking write at the end it
	# would wait for ever
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
}

@test "nbio: SIGTERM with a stderr reader that never reads: --stats and a TAP report do not hold the exit" {
	term_stderr_never_read tap
}

@test "nbio: SIGTERM with a stderr reader that never reads: --stats and a JUnit report do not hold the exit" {
	term_stderr_never_read junit
}

@test "nbio: SIGTERM with a stderr reader that reads slowly: one 2 s bound for all of a JUnit report on -" {
	fixture_reset
	{
		echo "$BASE/delay/60000"
		seq 1 20000 | sed "s|^|$BASE/bytes/10?key=sr\&n=|"
	} >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/sfifo
	mkfifo "$fifo"
	"$VOLLEY" --body none --report junit:- -c 20 -i "$BATS_TEST_TMPDIR/in" \
		>/dev/null 2>"$fifo" &
	pid=$!
	# 64 KB a second: each of the report's chunks is taken within 2 s,
	# the 3 MB of it in 50 s
	python3 -c 'import os, time
while os.read(0, 65536): time.sleep(1)' <"$fifo" &
	reader=$!
	wait_until '[ "$(fixture_count sr)" -ge 20000 ]'
	term_and_reap
	kill "$reader" 2>/dev/null || true
	[ "$status" -eq 143 ]
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
}

@test "nbio: SIGTERM after the run, while a JUnit report on - waits for stderr: exit 143 in time" {
	fixture_reset
	seq 1 20000 | sed "s|^|$BASE/bytes/10?key=ar\&n=|" >"$BATS_TEST_TMPDIR/in"
	fifo=$BATS_TEST_TMPDIR/afifo
	mkfifo "$fifo"
	"$VOLLEY" --body none --report junit:- -c 20 -i "$BATS_TEST_TMPDIR/in" \
		>/dev/null 2>"$fifo" &
	pid=$!
	exec 8<"$fifo"
	# every request is done: what is left is the report, 3 MB that
	# stderr (never read) cannot take; volley waits for it
	wait_until '[ "$(fixture_count ar)" -ge 20000 ] &&
		[ "$(awk "{ print \$3 }" /proc/$pid/stat)" = S ]'
	term_and_reap
	exec 8<&-
	[ "$status" -eq 143 ]
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
}

@test "nbio: -i FIFO whose writer comes late: the loop runs on, then reads it" {
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -o "$BATS_TEST_TMPDIR/out" "$BASE/delay/200?n=a" -i "$fifo" &
	pid=$!
	# the argument's record is written while the FIFO has no writer
	wait_until '[ -s "$BATS_TEST_TMPDIR/out" ]' || true
	lines=$(wc -l <"$BATS_TEST_TMPDIR/out")
	[ "$lines" -eq 1 ] || { exec 9>"$fifo"; exec 9>&-; false; }
	echo "$BASE/json?n=b" >"$fifo"
	status=0
	wait "$pid" || status=$?
	pid=
	[ "$status" -eq 0 ]
	jq -s -e 'length == 2 and all(.[]; .ok) and .[1].url == "'"$BASE"'/json?n=b"' "$BATS_TEST_TMPDIR/out"
}

@test "nbio: SIGTERM while -i FIFO has no writer is acted on at once" {
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	"$VOLLEY" -o "$BATS_TEST_TMPDIR/out" "$BASE/json?n=a" -i "$fifo" &
	pid=$!
	wait_until '[ -s "$BATS_TEST_TMPDIR/out" ]' ||
		{ exec 9>"$fifo"; exec 9>&-; false; }
	term_and_reap
	[ "$status" -eq 143 ]
	# a FIFO without a writer never ends: the bound is for a busy machine
	[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
	# no record for a FIFO that gave nothing
	jq -s -e 'length == 1 and .[0].ok' "$BATS_TEST_TMPDIR/out"
}

# SIGTERM while volley reads input $1 that starts no transfer (more
# options after it), and a FIFO after it.  The bound: a second; on a busy machine, if it took
# longer, with $1 a file: less than half the time volley then takes to
# read it through (timed after), which holds however busy the machine is.
term_while_reading() {
	local in=$1 full t0 fifo=$BATS_TEST_TMPDIR/never
	shift
	# then a FIFO no one writes: volley, however quick its read of $in,
	# is still running when the signal comes
	[ -p "$fifo" ] || mkfifo "$fifo"
	"$VOLLEY" -q -c 10 "$@" -i "$in" -i "$fifo" >/dev/null &
	pid=$!
	wait_read "$pid" 2000000
	term_and_reap
	[ "$status" -eq 143 ]
	[ "$took" -ge $((1000 + VG_SLACK_MS)) ] || return 0
	if [[ ! -f $in ]]; then
		# /dev/zero never ends
		[ "$took" -lt $((8000 + VG_SLACK_MS)) ]
		return
	fi
	t0=$(date +%s%N)
	"$VOLLEY" -q -c 10 "$@" -i "$in" >/dev/null 2>&1 || true
	full=$(ms_since "$t0")
	echo "read through in $full ms"
	[ "$took" -lt $((full / 2)) ]
}

@test "nbio: -i /dev/zero: SIGTERM is acted on though the input never ends" {
	term_while_reading /dev/zero
}

@test "nbio: a file of 2 million bad lines: SIGTERM is acted on long before its end" {
	yes 'not a url' | head -n 2000000 >"$BATS_TEST_TMPDIR/bad"
	term_while_reading "$BATS_TEST_TMPDIR/bad"
}

@test "nbio: --shard skips make no transfer and still yield to a signal" {
	seq 1 2000000 | sed 's|^|http://127.0.0.1:1/|' >"$BATS_TEST_TMPDIR/skip"
	term_while_reading "$BATS_TEST_TMPDIR/skip" --shard 999999/1000000
}

@test "nbio: an inherited O_NONBLOCK stdout with a slow reader does not spin" {
	seq 1 300 | sed "s|^|$BASE/bytes/5000?n=|" >"$BATS_TEST_TMPDIR/in"
	run python3 - "$VOLLEY" "$BATS_TEST_TMPDIR/in" <<'PY'
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen([sys.argv[1], "-q", "-c", "20", "-i", sys.argv[2]], stdout=w)
os.close(w)
time.sleep(3)          # the slow reader: nothing read for 3 s
n = 0
with os.fdopen(r, "rb") as f:
    for line in f:
        n += 1
_, status, ru = os.wait4(p.pid, 0)
print(n, os.waitstatus_to_exitcode(status), round(ru.ru_utime + ru.ru_stime, 3))
PY
	echo "$output"
	read -r n st cpu <<<"$output"
	[ "$n" -eq 300 ]
	[ "$st" -eq 0 ]
	# waiting 3 s on the reader costs no CPU; spinning costs about 3 s
	awk -v c="$cpu" 'BEGIN { exit !(c < 0.5) }'
}

@test "nbio: a terminal on stdout that is not read does not stall transfers, and is left blocking" {
	fixture_reset
	run python3 - "$VOLLEY" "$BASE" <<'PY'
import fcntl, json, os, pty, subprocess, sys, time, urllib.request
volley, base = sys.argv[1], sys.argv[2]
m, s = pty.openpty()
urls = [f"{base}/bytes/5000?key=tty&n={i}" for i in range(200)]
p = subprocess.Popen([volley, "-q", "-c", "20"] + urls, stdout=s,
                     stderr=subprocess.DEVNULL)
# nobody reads the terminal; every transfer still runs to its end
count = 0
for _ in range(600):
    with urllib.request.urlopen(f"{base}/count?key=tty") as r:
        count = json.load(r)["count"]
    if count >= 200:
        break
    time.sleep(0.05)
# volley sets O_NONBLOCK only for the length of one write, so a sample
# may fall inside a write; a volley that leaves it set while it waits on
# the unread terminal shows it on every sample for 5 s
for _ in range(500):
    during = fcntl.fcntl(s, fcntl.F_GETFL) & os.O_NONBLOCK
    if not during:
        break
    time.sleep(0.01)
running = int(p.poll() is None)
os.set_blocking(m, False)
data = b""
while True:
    try:
        data += os.read(m, 65536)
    except BlockingIOError:
        if p.poll() is not None:
            break
        time.sleep(0.01)
    except OSError:
        break
p.wait()
after = fcntl.fcntl(s, fcntl.F_GETFL) & os.O_NONBLOCK
print(count, p.returncode, data.count(b"\n"), during, after, running)
PY
	echo "$output"
	read -r count st lines during after running <<<"$output"
	[ "$count" -eq 200 ]
	[ "$st" -eq 0 ]
	[ "$lines" -eq 200 ]
	# volley was still waiting on the terminal when the flag was read
	[ "$running" -eq 1 ]
	# O_NONBLOCK is the terminal's own flag again
	[ "$during" -eq 0 ]
	[ "$after" -eq 0 ]
}
