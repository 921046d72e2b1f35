#!/usr/bin/env bats
# Allocation failure at each point in turn (as curl's torture tests do):
# volley-fa fails the Nth allocation of volley, cJSON and libevent
# (VOLLEY_FAILALLOC=N).  Every N must end in a clean error or success:
# no crash, no sanitizer report, no leak, no hang, valid JSON out.

load helper

FA=${VOLLEY_FA:-$BATS_TEST_DIRNAME/../volley-fa}

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# every_allocation ARGS...: run volley-fa failing each allocation in
# turn; print one line per unclean run.
every_allocation() {
	local total
	total=$(VOLLEY_FAILALLOC_COUNT=1 "$FA" "$@" 2>&1 >/dev/null |
		sed -n 's/^volley: allocations: //p')
	[ "$total" -gt 50 ] || { echo "only '$total' allocations counted"; return; }
	export FA BATS_TEST_TMPDIR
	seq 1 $((total + 3)) | xargs -P 3 -I @@ bash -c '
		out=$BATS_TEST_TMPDIR/out.@@
		rm -rf "$BATS_TEST_TMPDIR/save.@@"; mkdir -p "$BATS_TEST_TMPDIR/save.@@"
		VOLLEY_FAILALLOC=@@ \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:exitcode=99 \
		UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
		timeout 30 "$FA" "$@" --save "$BATS_TEST_TMPDIR/save.@@" >"$out" 2>"$out.err"
		rc=$?
		if [ $rc -gt 4 ]; then
			echo "N=@@: exit $rc: $(grep -m1 -E "ERROR|runtime error" "$out.err")"
		elif [ -s "$out" ] && ! jq -e . "$out" >/dev/null 2>&1; then
			echo "N=@@: output is not JSON"
		fi
		rm -rf "$out" "$out.err" "$BATS_TEST_TMPDIR/save.@@"
	' fa "$@"
}

@test "failalloc: every allocation failing in turn ends cleanly (plain requests)" {
	printf '%s\n' "$BASE/json" "$BASE/status/404" "$BASE/redirect/1" 'not a url' \
		"{\"url\":\"$BASE/echo\",\"method\":\"POST\",\"body\":{\"a\":1},\"id\":7}" \
		"$BASE/binary" >"$BATS_TEST_TMPDIR/in"
	run every_allocation -L -I -t 2s -i "$BATS_TEST_TMPDIR/in"
	echo "$output"
	[ -z "$output" ]
}

@test "failalloc: every allocation failing in turn ends cleanly (pages, retries, save, json)" {
	printf '%s\n' "$BASE/pg/field?n=3&chain=1" "$BASE/delay/50" "$BASE/flaky/1/503?key=fa" \
		"$BASE/redirect/2" "$BASE/status/404" 'not a url' \
		"{\"url\":\"$BASE/pg/field?n=2\",\"id\":[1]}" "$BASE/latin1" >"$BATS_TEST_TMPDIR/in"
	run every_allocation -L -t 2s --retries 1 --retry-delay 1ms --next-field /links/next \
		--items /data --flatten -f json --stats=json -c 3 -i "$BATS_TEST_TMPDIR/in"
	echo "$output"
	[ -z "$output" ]
}

# A record finished ahead of its turn waits in the gather window; an
# allocation failing while it is kept or copied out must not lose it.
@test "failalloc: a gathered record is never lost silently (-c 2, one slow, one 400 KB body)" {
	local total n rc bad=
	total=$(VOLLEY_FAILALLOC_COUNT=1 "$FA" -c 2 "$BASE/delay/300" "$BASE/bytes/409600" 2>&1 >/dev/null |
		sed -n 's/^volley: allocations: //p')
	[ "$total" -gt 50 ] || { echo "only '$total' allocations counted"; false; }
	export FA BASE BATS_TEST_TMPDIR
	run bash -c 'seq 1 $(($1 + 3)) | xargs -P 3 -I @@ bash -c '\''
		out=$BATS_TEST_TMPDIR/g.@@
		VOLLEY_FAILALLOC=@@ ASAN_OPTIONS=detect_leaks=1:exitcode=99 \
			timeout 60 "$FA" -c 2 "$BASE/delay/300" "$BASE/bytes/409600" >"$out" 2>"$out.err"
		rc=$?
		n=$(jq -s "[.[].index] | sort == [0,1]" "$out" 2>/dev/null)
		if [ $rc -gt 4 ]; then
			echo "N=@@: exit $rc"
		elif [ "$n" != true ] && { [ $rc -eq 0 ] || [ ! -s "$out.err" ]; }; then
			echo "N=@@: exit $rc with records $(jq -c -s "[.[].index]" "$out" 2>/dev/null) and no message"
		fi
		rm -f "$out" "$out.err"
	'\''' fa "$total"
	echo "$output"
	[ -z "$output" ]
}
