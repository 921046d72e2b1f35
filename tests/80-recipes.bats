#!/usr/bin/env bats
# The README's recipes for running one list across processes and machines,
# run for real against the fixture: --shard K/N under GNU parallel, merged
# back with sort; the same over ssh (GNU parallel --sshlogin, against an
# sshd this file starts on loopback); and the Kubernetes Indexed Job of
# contrib/k8s, checked against the API schema and its pod script run once
# per index, as the kubelet would, with a pod killed and resumed.  Each
# merge is compared with a single-process run of the same list.

load helper

ROOT=$BATS_TEST_DIRNAME/..
JOB=$ROOT/contrib/k8s/volley-indexed-job.yaml
K8S_PY=$BATS_TEST_DIRNAME/k8s-manifest.py

# The merges, exactly as the README and the manifest spell them.  Records
# start with {"index":N, so with ':' as separator field 2 is N followed by
# ','; -n reads the number and stops there.  -s keeps the records of one
# index (pages) in their file's order.  LC_ALL=C: no locale's thousands
# separator in -n.
MERGE="LC_ALL=C sort -m -s -t: -k2,2n"
SORT_ALL="LC_ALL=C sort -s -t: -k2,2n"
LAST_PER_INDEX="awk -F'[:,]' 'NR > 1 && \$2 != i { print r } { i = \$2; r = \$0 } END { if (NR) print r }'"

# What must match between a merge and the single-process run.
PROJ='[.index, .page, .url, .status, .ok]'

setup_file() {
	fixture_start
	# 43 requests, indices 0-42 (two digits, so a text sort would go
	# wrong): later ones answer sooner, every fifth is a 404, and with
	# --next-link every seventh is a chain of 3 pages sharing its index.
	local i
	for ((i = 0; i < 43; i++)); do
		if ((i % 7 == 3)); then
			echo "$BASE/pg/link?n=3&chain=$i"
		elif ((i % 5 == 1)); then
			echo "$BASE/status/404?i=$i"
		else
			echo "$BASE/delay/$(((43 - i) * 4))?i=$i"
		fi
	done >"$BATS_FILE_TMPDIR/urls.txt"
	"$VOLLEY" --next-link -i "$BATS_FILE_TMPDIR/urls.txt" \
		>"$BATS_FILE_TMPDIR/single.jsonl" || (($? == 1))
	sshd_start
}

teardown_file() {
	sshd_stop
	fixture_stop
}

# An sshd of this file's own on a free loopback port: its own host key,
# one authorized key, no passwords, logging to $SSH_DIR/sshd.log.  Writes
# $SSH_DIR/ssh_config, whose host "volley-ssh-test" logs in as this user
# with that key and checks the host key.
sshd_start() {
	local port i

	SSH_DIR=$BATS_FILE_TMPDIR/ssh
	mkdir -p "$SSH_DIR"
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/host_key" &&
		ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/id" &&
		cp "$SSH_DIR/id.pub" "$SSH_DIR/authorized_keys" || return 1
	port=$(free_port)
	cat >"$SSH_DIR/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		Port $port
		HostKey $SSH_DIR/host_key
		AuthorizedKeysFile $SSH_DIR/authorized_keys
		PidFile none
		StrictModes no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin prohibit-password
		UsePAM no
	EOF
	cat >"$SSH_DIR/ssh_config" <<-EOF
		Host volley-ssh-test
			HostName 127.0.0.1
			Port $port
			User $(id -un)
			IdentityFile $SSH_DIR/id
			IdentitiesOnly yes
			UserKnownHostsFile $SSH_DIR/known_hosts
			StrictHostKeyChecking yes
			BatchMode yes
	EOF
	echo "[127.0.0.1]:$port $(cat "$SSH_DIR/host_key.pub")" \
		>"$SSH_DIR/known_hosts"
	# As root, sshd needs its privilege separation directory (Debian's
	# service creates it at boot).
	if (($(id -u) == 0)); then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi
	/usr/sbin/sshd -t -f "$SSH_DIR/sshd_config" || return 1
	/usr/sbin/sshd -D -e -f "$SSH_DIR/sshd_config" \
		>"$SSH_DIR/sshd.log" 2>&1 </dev/null 3>&- &
	SSHD_PID=$!
	export SSH_DIR SSHD_PID
	# Ready when a login works (at most 20 s).
	for ((i = 0; i < 200; i++)); do
		ssh -F "$SSH_DIR/ssh_config" volley-ssh-test true 2>/dev/null &&
			return 0
		_fixture_alive "$SSHD_PID" || break
		sleep 0.1
	done
	echo "sshd_start: no login on 127.0.0.1:$port" >&2
	cat "$SSH_DIR/sshd.log" >&2
	return 1
}

sshd_stop() {
	local i

	[[ -n ${SSHD_PID:-} ]] || return 0
	kill -TERM "$SSHD_PID" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		_fixture_alive "$SSHD_PID" || return 0
		sleep 0.05
	done
	kill -KILL "$SSHD_PID" 2>/dev/null
	return 1
}

# The projection of every record of a jsonl file (or stdin), one per line.
proj() {
	jq -c "$PROJ" "$@"
}

# part_check K N FILE: FILE holds records, all of shard K/N.  When it
# does not, what parallel printed (the jobs' stderr) and its job log
# (each job's exit status and signal), if the test kept one in joblog.
part_check() {
	local k=$1 n=$2 f=$3

	[[ -s $f ]] || {
		echo "$f is empty; parallel said: $output"
		[[ ! -f joblog ]] || cat joblog
		return 1
	}
	jq -e -s --argjson k "$k" --argjson n "$n" \
		'all(.index % $n == $k)' "$f" >/dev/null ||
		{ echo "$f has records of other shards"; return 1; }
}

@test "the README's recipes are the ones tested here" {
	local readme=$ROOT/README.md

	grep -qF -- "$MERGE" "$readme"
	grep -qF -- "$SORT_ALL" "$readme"
	grep -qF -- "$LAST_PER_INDEX" "$readme"
	grep -qF -- "$LAST_PER_INDEX" "$JOB"
	grep -qF -- 'parallel volley --shard {}/4 -i urls.txt -o part{}.jsonl ::: 0 1 2 3' "$readme"
	grep -qF -- '--wd ... --transferfile urls.txt --return part{}.jsonl --cleanup' "$readme"
	grep -qF -- 'contrib/k8s/volley-indexed-job.yaml' "$readme"
	grep -qF -- "--shard \$(JOB_COMPLETION_INDEX)/" "$JOB"
}

@test "shards under GNU parallel, merged with sort -m: the single run's records in its order" {
	local k single merged cat_order

	cd "$BATS_TEST_TMPDIR"
	cp "$BATS_FILE_TMPDIR/urls.txt" .
	run parallel --joblog joblog "$VOLLEY" --next-link --shard {}/4 -i urls.txt \
		-o part{}.jsonl ::: 0 1 2 3
	# Every shard has a 404, so every job exits 1: parallel counts them.
	assert_equal "$status" 4
	# each of them 1, none killed by a signal (the job log's Exitval, Signal)
	awk -F'\t' 'NR > 1 && ($7 != 1 || $8 != 0) { print "job " $1 ": exit " $7 ", signal " $8; bad = 1 }
		END { exit bad }' joblog
	for k in 0 1 2 3; do
		part_check "$k" 4 "part$k.jsonl"
	done

	single=$(proj "$BATS_FILE_TMPDIR/single.jsonl")
	(($(wc -l <<<"$single") == 43 + 6 * 2))
	# The parts side by side are not in input order: the merge does it.
	cat_order=$(cat part0.jsonl part1.jsonl part2.jsonl part3.jsonl | proj)
	[[ $cat_order != "$single" ]]
	merged=$(eval "$MERGE part*.jsonl" | proj)
	assert_equal "$merged" "$single"
	# Pages of one chain stay together, in page order.
	jq -e -s 'map(select(.url | test("/pg/link"))) | length == 18' \
		<(eval "$MERGE part*.jsonl") >/dev/null
}

@test "shards over ssh with GNU parallel --sshlogin, files sent and returned: the single run's records" {
	local k before after merged

	cd "$BATS_TEST_TMPDIR"
	cp "$BATS_FILE_TMPDIR/urls.txt" .
	before=$(grep -c 'Accepted publickey' "$SSH_DIR/sshd.log")
	# The README's recipe, with this machine's sshd as the only host and
	# volley by its path there (on real hosts it is on the PATH).
	run parallel --ssh "ssh -F $SSH_DIR/ssh_config" -S 2/volley-ssh-test \
		--wd ... --transferfile urls.txt --return part{}.jsonl --cleanup \
		"$VOLLEY" --next-link --shard {}/4 -i urls.txt -o part{}.jsonl \
		::: 0 1 2 3
	assert_equal "$status" 4
	after=$(grep -c 'Accepted publickey' "$SSH_DIR/sshd.log")
	# Logins for the jobs and for the transfers both ways.
	((after - before >= 4))
	for k in 0 1 2 3; do
		part_check "$k" 4 "part$k.jsonl"
	done
	merged=$(eval "$MERGE part*.jsonl" | proj)
	assert_equal "$merged" "$(proj "$BATS_FILE_TMPDIR/single.jsonl")"
}

@test "the Kubernetes Indexed Job is valid for the API schema and shards with --resume" {
	run /usr/bin/python3 "$K8S_PY" check "$JOB"
	assert_success
	assert_output ''

	# The check can fail: a misspelt field, a string for a number, a
	# --shard N that is not completions.
	sed 's/completionMode:/completionmode:/' "$JOB" >"$BATS_TEST_TMPDIR/a.yaml"
	run /usr/bin/python3 "$K8S_PY" check "$BATS_TEST_TMPDIR/a.yaml"
	assert_failure
	assert_output --partial 'spec.completionmode: not in the schema'
	sed 's/completions: \([0-9]*\)/completions: "\1"/' "$JOB" >"$BATS_TEST_TMPDIR/b.yaml"
	run /usr/bin/python3 "$K8S_PY" check "$BATS_TEST_TMPDIR/b.yaml"
	assert_failure
	assert_output --partial 'spec.completions:'
	sed 's|\(--shard $(JOB_COMPLETION_INDEX)/\)[0-9]*|\199|' "$JOB" >"$BATS_TEST_TMPDIR/c.yaml"
	run /usr/bin/python3 "$K8S_PY" check "$BATS_TEST_TMPDIR/c.yaml"
	assert_failure
	assert_output --partial '--shard .../99 but completions'
}

# pod INDEX ROOT: run the Job's container for completion INDEX as the
# kubelet would, its volumes under ROOT, volley on the PATH; in the
# background, its PID in POD_PID.
pod() {
	local -a argv

	mapfile -d '' argv < <(/usr/bin/python3 "$K8S_PY" argv "$JOB" "$1" "$2")
	((${#argv[@]} >= 2)) || return 1
	PATH=$2/bin:$PATH "${argv[@]}" </dev/null 3>&- &
	POD_PID=$!
}

@test "the Kubernetes Indexed Job's pods, one killed and run again, merge into the single run's records" {
	local root=$BATS_TEST_TMPDIR/k8s n k i single merged status_of

	mkdir -p "$root/bin" "$root/input" "$root/results"
	ln -s "$(cd "$(dirname "$VOLLEY")" && pwd)/$(basename "$VOLLEY")" "$root/bin/volley"
	n=$(/usr/bin/python3 -c 'import sys, yaml
print([d for d in yaml.safe_load_all(open(sys.argv[1]))
    if d and d["kind"] == "Job"][0]["spec"]["completions"])' "$JOB")
	[[ $n =~ ^[0-9]+$ ]] && ((n >= 2))
	# No pagination here (the merge keeps one record per index).  Index 0,
	# in shard 0, is held by the fixture until a request with key=k0
	# comes (since the last reset): the first run of pod 0 is stopped
	# while it waits, however slow the machine; the other runs find the
	# key already counted and get their answer at once.
	{
		echo "$BASE/delay/60000?until=k0&count=1&i=0"
		for ((i = 1; i < 30; i++)); do
			if ((i % 5 == 1)); then
				echo "$BASE/status/404?i=$i"
			else
				echo "$BASE/delay/$(((30 - i) * 3))?i=$i"
			fi
		done
	} >"$root/input/urls.txt"
	curl -s "$BASE/json?key=k0" >/dev/null
	single=$("$VOLLEY" -i "$root/input/urls.txt" | proj) || true
	(($(wc -l <<<"$single") == 30))

	# Pod 0, first run: SIGTERM to its shell (as the kubelet sends to PID
	# 1) while index 0 is in flight.  The shell passes it on; volley
	# records what it cancels; the pod fails, so the Job runs it again.
	# Nothing is written while index 0, the first of the shard, waits:
	# wait on the fixture instead, until a request is in flight.
	fixture_reset
	pod 0 "$root"
	for ((i = 0; i < 600; i++)); do
		(($(fixture_stats | jq .inflight) >= 1)) && break
		sleep 0.05
	done
	kill -TERM "$POD_PID"
	status_of=0
	wait "$POD_PID" || status_of=$?
	assert_equal "$status_of" 143
	jq -e -s 'any(.index == 0 and .error.kind == "cancelled")' \
		"$root/results/part-0.jsonl" >/dev/null

	# The run again of pod 0, and the other pods: each ends with 0 or 1
	# (done, the 404s recorded), which the script turns into success.
	curl -s "$BASE/json?key=k0" >/dev/null
	for ((k = 0; k < n; k++)); do
		pod "$k" "$root"
		status_of=0
		wait "$POD_PID" || status_of=$?
		assert_equal "$status_of" 0
		part_check "$k" "$n" "$root/results/part-$k.jsonl"
	done
	# Pod 0's part now has index 0 twice, the newer record last.
	run jq -c 'select(.index == 0) | .ok' "$root/results/part-0.jsonl"
	assert_output $'false\ntrue'

	merged=$(eval "$SORT_ALL $root/results/part-*.jsonl | $LAST_PER_INDEX" | proj)
	assert_equal "$merged" "$single"
}
