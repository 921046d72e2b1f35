#!/bin/sh
# fuzz/run.sh NAME...: run build-fuzz/fuzz_NAME for FUZZ_SECONDS each
# (default 15) from its seeds in fuzz/corpus/NAME; what it finds is kept
# in build-fuzz/corpus/NAME, a failing input as build-fuzz/NAME-crash-*.
# Every target runs, whatever the others do; the exit status is 1 if any
# failed.  The last line adds up the executions.
set -u
cd "$(dirname "$0")/.."
top=$PWD	# absolute paths: fuzz_cli runs in a directory of its own
secs=${FUZZ_SECONDS:-15}
failed=""
total=0
for name in "$@"; do
	bin=$top/build-fuzz/fuzz_$name
	log=build-fuzz/$name.log
	mkdir -p "build-fuzz/corpus/$name"
	echo "=== fuzz $name: ${secs}s"
	# -close_fd_mask=1: a target's stdout (--help) is not the report
	if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin" \
	    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=4096 -print_final_stats=1 -close_fd_mask=1 \
	    -artifact_prefix="$top/build-fuzz/$name-" \
	    "$top/build-fuzz/corpus/$name" "$top/fuzz/corpus/$name" \
	    >"$log" 2>&1; then
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		total=$((total + ${n:-0}))
		echo "=== fuzz $name: ok, ${n:-?} runs"
	else
		tail -n 60 "$log"
		echo "=== fuzz $name: FAILED (log: $log)"
		failed="$failed $name"
	fi
done
echo "fuzz: $total runs in all"
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
