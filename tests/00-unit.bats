#!/usr/bin/env bats
# The unit tests of the pure modules (tests/unit/unit.c).

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
