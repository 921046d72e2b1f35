#!/usr/bin/env bats
# The progress line as a person sees it: volley runs in a tmux pane 40
# columns wide and the screen is read with `tmux capture-pane -p`.  No
# line may be wider than the pane, no stale copy of the line may stay
# behind, no record may be glued to progress text, and the line keeps
# out of the way while input is typed at the terminal.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

setup() {
	SOCK=volley-test-$$-$BATS_TEST_NUMBER
	OUT=$BATS_TEST_TMPDIR/out.jsonl
}

teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
}

# Start cmd in a detached pane of 40 x 12; the shell waits afterwards so
# the screen can still be read.
pane_start() {
	tmux -L "$SOCK" -f /dev/null new-session -d -x 40 -y 12 \
		"env TERM=screen bash --norc --noprofile -c '$1; echo EXIT=\$?; sleep 600'"
}

screen() {
	tmux -L "$SOCK" capture-pane -p "$@"
}

# wait_screen REGEX [TRIES]: until the screen shows REGEX (0.1 s a try).
wait_screen() {
	local i
	for ((i = 0; i < ${2:-300}; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	echo "screen never showed /$1/:" >&2
	screen >&2
	return 1
}

# No line wider than $1 columns.
fits() {
	screen | awk -v w="$1" 'length($0) > w { print "too wide: " $0; bad = 1 } END { exit bad }'
}

@test "progress in tmux at 40 columns: one line, never wider, total and percent, redrawn on resize" {
	urls=
	for i in $(seq 1 6); do urls+=" $BASE/delay/1500"; done
	pane_start "'$VOLLEY' -c 2 --body none $urls > '$OUT'"
	wait_screen '^[0-9]+/6  [0-9]+%'
	fits 40
	# the line and nothing else: no stale copies, no wrapped tail
	[ "$(screen | grep -c .)" -eq 1 ]
	screen | grep -qE '^[0-9]/6  [0-9]+%  ok [0-9]  failed 0'
	# narrower: the line is drawn again, within 25 columns, still alone
	tmux -L "$SOCK" resize-window -x 25
	for _ in $(seq 1 100); do
		[ "$(screen | awk '{ print length($0) }' | sort -n | tail -n 1)" -le 25 ] && break
		sleep 0.1
	done
	fits 25
	[ "$(screen | grep -c .)" -eq 1 ]
	wait_screen '^EXIT=0$'
	# at the end the line is cleared: only the exit line is left
	[ "$(screen | grep -c .)" -eq 1 ]
	[ "$(wc -l <"$OUT")" -eq 6 ]
}

@test "progress in tmux: records on the same terminal are never glued to progress text" {
	pane_start "'$VOLLEY' -m as-completed --body none --progress $BASE/json $BASE/delay/700 $BASE/delay/1400"
	wait_screen '^EXIT=0$'
	# -J joins the lines the terminal wrapped: each is a whole record
	run screen -J -S -
	[ "$(grep -c '^{"index":[0-2],' <<<"$output")" -eq 3 ]
	! grep -E 'in flight|done|ok [0-9]' <<<"$output"
	grep -vE '^(\{"index":[0-2],.*\}|EXIT=0|)$' <<<"$output" && return 1
	true
}

@test "progress in tmux: records written with -o FILE leave the terminal to the line" {
	# stdout is the terminal too, but no record goes there
	pane_start "'$VOLLEY' -c 1 --body none -o '$OUT' $BASE/json $BASE/delay/1500 $BASE/delay/1500"
	wait_screen '^[0-9]/3  [0-9]+%  ok [0-9]'
	wait_screen '^EXIT=0$'
	[ "$(wc -l <"$OUT")" -eq 3 ]
}

@test "progress: --progress with records and the line on one pipe (2>&1) draws no line" {
	local out
	out=$("$VOLLEY" --progress -c 1 --body none "$BASE/json" "$BASE/delay/600" 2>&1 | cat)
	[ "$(grep -c '^{"index":[01],' <<<"$out")" -eq 2 ]
	# nothing but the two records: no \r, no line text
	[ "$(wc -l <<<"$out")" -eq 2 ]
	! grep -q $'\r' <<<"$out"
	# on a pipe of its own the line is drawn
	"$VOLLEY" --progress -c 1 --body none "$BASE/json" "$BASE/delay/600" 2>&1 >/dev/null | grep -q 'ok [0-9]'
}

@test "progress in tmux: not drawn while input is typed at the terminal" {
	pane_start "'$VOLLEY' --body none -i - > '$OUT'"
	tmux -L "$SOCK" send-keys "$BASE/json" Enter
	# the request is fetched while the user may go on typing...
	for _ in $(seq 1 300); do
		[ -s "$OUT" ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$OUT")" -eq 1 ]
	tmux -L "$SOCK" send-keys "$BASE/dela"
	sleep 1	# four ticks of the progress timer
	run screen
	# ...and the screen holds only what was typed
	! grep -E 'in flight|done|ok [0-9]' <<<"$output"
	grep -qF "$BASE/json" <<<"$output"
	[[ $(grep -c . <<<"$output") -eq 2 ]]
	grep -qxF "$BASE/dela" <<<"$output"
	tmux -L "$SOCK" send-keys "y/1500" Enter C-d
	wait_screen '^EXIT=0$'
	[ "$(wc -l <"$OUT")" -eq 2 ]
}

@test "progress: the total is estimated from the bytes of a regular -i file, known from URL arguments" {
	f=$BATS_TEST_TMPDIR/in.txt
	for _ in $(seq 1 3000); do echo "$BASE/delay/300"; done >"$f"
	run --separate-stderr "$VOLLEY" --progress --deadline 1s --body none -c 4 -i "$f"
	assert_failure 3
	# read 4 lines of 3000 equal ones: the estimate is 3000, marked ~
	[[ $(tr '\r' '\n' <<<"$stderr" | grep -m 1 'in flight') =~ ^(.\[K)?0/~3000\ \ 0%\ \ ok\ 0\ \ failed\ 0\ \ 4\ in\ flight ]]
	# URL arguments: the total is known
	run --separate-stderr "$VOLLEY" --progress --body none "$BASE/delay/600" "$BASE/json"
	[[ $(tr '\r' '\n' <<<"$stderr" | grep -m 1 'in flight') == "1/2  50%  ok 1  failed 0  1 in flight"* ]]
}
