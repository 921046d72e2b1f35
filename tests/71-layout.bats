#!/usr/bin/env bats
# The source layout keeps its promises: each file exports only names with
# its own prefix, and the process exit and stderr messages have one home.

load helper

ROOT=$BATS_TEST_DIRNAME/..

@test "layout: every object file exports only names with its own prefix" {
	ls "$ROOT"/build/*.o >/dev/null	# make test built them
	run bash -c "cd '$ROOT' && for o in build/*.o; do m=\${o#build/}; m=\${m%.o}; nm -g --defined-only \"\$o\" | awk -v m=\"\$m\" '{ n=\$3; if (n != \"main\" && index(n, m \"_\") != 1) print m \": \" n }'; done"
	assert_success
	assert_output ''
}

@test "layout: one _exit, one writer of messages to stderr" {
	run bash -c "cd '$ROOT' && git grep -n '_exit(' -- src/ | grep -v '^src/signals.c:'"
	assert_output ''
	run bash -c "cd '$ROOT' && git grep -n 'fprintf(stderr' -- src/ | grep -v '^src/diag.c:'"
	assert_output ''
	# and only the engine includes libevent or curl multi calls
	run bash -c "cd '$ROOT' && git grep -ln 'event2/\\|curl_multi_' -- 'src/*.c' | grep -v -e '^src/engine.c$' -e '^src/failalloc.c$'"
	assert_output ''
}
