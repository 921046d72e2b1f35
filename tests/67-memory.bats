#!/usr/bin/env bats
# Memory stays flat whatever the length of the list: 200,000 URLs
# through a pipe peak at about what 10,000 do.  One allocation kept per
# request (32 bytes at least, with malloc's header) would add 6.4 MB, past
# the margin of a quarter plus 2 MB.  MEMORY_N=1000000 for the million
# the suite once ran (7 minutes a test on a busy 2-core machine); the
# figures against the targets come from `make bench`; this test checks
# the shape.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

BIG=${MEMORY_N:-200000}

# peak_kb MODE N: run N URLs through a pipe, check the record count,
# print volley's peak RSS in KB.
peak_kb() {
	local out=$BATS_TEST_TMPDIR/peak.$1.$2 n
	# ASan keeps freed memory in a quarantine (256 MB by default), which
	# would look like growth; keep it small here.
	seq 1 "$2" | sed "s|^|$BASE/json?n=|" |
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4" \
		/usr/bin/time -f %M -o "$out" "$VOLLEY" -m "$1" --body none -c 50 |
		wc -l >"$out.count"
	n=$(cat "$out.count")
	[ "$n" -eq "$2" ] || { echo "$1: $n records for $2 URLs" >&2; return 1; }
	tail -n 1 "$out"
}

@test "memory: as-completed, $BIG URLs through a pipe peak at about the RSS of 10,000" {
	small=$(peak_kb as-completed 10000)
	big=$(peak_kb as-completed "$BIG")
	echo "peak RSS: 10000 -> $small KB, $BIG -> $big KB"
	[ "$big" -le $(( small * 5 / 4 + 2048 )) ]
}

@test "memory: gather, $BIG URLs through a pipe peak at about the RSS of 10,000" {
	small=$(peak_kb gather 10000)
	big=$(peak_kb gather "$BIG")
	echo "peak RSS: 10000 -> $small KB, $BIG -> $big KB"
	[ "$big" -le $(( small * 5 / 4 + 2048 )) ]
}
