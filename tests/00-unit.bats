#!/usr/bin/env bats
# The unit tests (tests/unit/*.c, one file per module, run by tests/unit/unit).

load helper

UNIT=${UNIT:-$BATS_TEST_DIRNAME/unit/unit}

@test "unit: every pure-module check passes" {
	run --separate-stderr "$UNIT"
	echo "$output"
	echo "$stderr"
	assert_success
	assert_line --regexp '^[0-9]+ checks, 0 failed$'
	refute_line --partial 'not ok'
}
