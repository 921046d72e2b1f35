# tests/helper.bash - loaded by every tests/NN-*.bats with `load helper`.
#
# One fixture server per .bats file:
#
#   setup_file()    { fixture_start; }
#   teardown_file() { fixture_stop; }
#
# fixture_start exports FIXTURE_PORT, FIXTURE_RAW_PORT, FIXTURE_PID, and
# BASE / RAW, the http:// prefixes of the HTTP and raw-fault ports.  Set
# FIXTURE_LOG=/some/file to have the fixture log every request there.
# VOLLEY and FIXTURE may point at other binaries (an installed volley,
# the sanitizer build).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

VOLLEY=${VOLLEY:-$BATS_TEST_DIRNAME/../volley}

# make test-valgrind runs these files with VALGRIND=1 and $VOLLEY under
# valgrind, which takes about a second to start volley and runs it 10 to
# 50 times slower: a bound on elapsed time adds VG_SLACK_MS to hold there.
VG_SLACK_MS=0
[[ -z ${VALGRIND:-} ]] || VG_SLACK_MS=5000
FIXTURE=${FIXTURE:-$BATS_TEST_DIRNAME/server/fixture}

# Start the fixture daemon; it returns once both ports are listening.
fixture_start() {
	local line re='^FIXTURE_PORT=[0-9]+ FIXTURE_RAW_PORT=[0-9]+ FIXTURE_PID=[0-9]+$'

	if [[ ! -x $FIXTURE ]]; then
		echo "fixture_start: $FIXTURE is not built (make tests/server/fixture)" >&2
		return 1
	fi
	line=$("$FIXTURE" --daemon ${FIXTURE_LOG:+--log "$FIXTURE_LOG"}) || {
		echo "fixture_start: $FIXTURE failed to start" >&2
		return 1
	}
	if [[ ! $line =~ $re ]]; then
		echo "fixture_start: unexpected output: $line" >&2
		return 1
	fi
	eval "$line"
	export FIXTURE_PORT FIXTURE_RAW_PORT FIXTURE_PID
	export BASE=http://127.0.0.1:$FIXTURE_PORT
	export RAW=http://127.0.0.1:$FIXTURE_RAW_PORT
}

# True while process $1 exists and is not a zombie.  The daemon's parent
# has exited, so an init that does not reap leaves it a zombie once stopped.
_fixture_alive() {
	local stat

	kill -0 "$1" 2>/dev/null || return 1
	# read, not $(<...): the process can go between the test and the
	# read, and a failed redirection inside a command substitution runs
	# bats's ERR trap there (a teardown failed on it).
	if [[ -r /proc/$1/stat ]]; then
		{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
		stat=${stat##*) }
		[[ ${stat:0:1} != Z ]] || return 1
	fi
	return 0
}

# Stop the fixture started by fixture_start: SIGTERM to its PID only, then
# wait (at most 5 s) until it is gone; SIGKILL and fail if it is not.
fixture_stop() {
	local pid=${FIXTURE_PID:-} i

	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		_fixture_alive "$pid" || return 0
		sleep 0.05
	done
	echo "fixture_stop: fixture $pid ignored SIGTERM; killing it" >&2
	kill -KILL "$pid" 2>/dev/null
	return 1
}

# Print the fixture's counters: {"requests":R,"inflight":I,"max_inflight":M}.
fixture_stats() {
	curl -s "$BASE/stats"
}

# Zero the request counters, the high-water mark and every per-key count.
fixture_reset() {
	curl -s "$BASE/reset" >/dev/null
}

# Print how many requests carried ?key=$1 since the last reset.
fixture_count() {
	curl -s -G --data-urlencode "key=$1" "$BASE/count" | jq -r .count
}

# Print the raw bytes the fault port sends for GET $1 (a path), read until
# the server closes; for the faults that end on their own.
fixture_raw() {
	timeout 10 bash -c '
		exec 5<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&5
		cat <&5' fixture_raw "$FIXTURE_RAW_PORT" "$1"
}

# wait_until 'CONDITION': evaluate the shell condition every 50 ms until it
# holds, for at most 30 s; its status is the condition's last, so a test
# fails on it as it would on the condition itself.
wait_until() {
	local i

	for ((i = 0; i < 600; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	eval "$1"
}

# Milliseconds since $1, a `date +%s%N` reading.
ms_since() {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

# Print a free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Make a self-signed certificate for localhost and 127.0.0.1 in $1:
# cert.pem and key.pem.
tls_cert() {
	mkdir -p "$1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
		-keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}
