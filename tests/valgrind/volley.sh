#!/bin/sh
# tests/valgrind/volley.sh - volley under valgrind memcheck, for `make
# test-valgrind`: the bats suite runs this script as $VOLLEY.
#
# Valgrind's report of each run goes to its own file in $VALGRIND_LOGDIR
# (vg.PID.log), never to the run's stderr, which the tests assert on.  A
# memcheck error or a definite leak makes the run exit 97, a status volley
# never uses, so the test that made the run fails; tests/valgrind/logs.bats
# then scans every log and fails, printing it, on any error, definite leak
# or file descriptor left open at exit.
#
# VALGRIND_REAL is the volley binary to run (default: ./volley beside
# tests/); VALGRIND_LOGDIR must exist.
#
# The log is opened here, on fd 9, and given to valgrind with --log-fd:
# with --log-file valgrind would open it itself, at the lowest free fd,
# and a test that starts volley with stdout closed (>&-) would find its
# stdout open on the log.  volley inherits fd 9 (the logs list it as
# inherited); $$ is volley's pid too, as exec keeps it.
: "${VALGRIND_LOGDIR:?VALGRIND_LOGDIR is not set}"
here=$(cd "$(dirname "$0")" && pwd)
real=${VALGRIND_REAL:-$here/../../volley}
exec 9>"$VALGRIND_LOGDIR/vg.$$.log" || exit 97
exec valgrind --tool=memcheck --error-exitcode=97 \
	--leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --track-fds=yes \
	--log-fd=9 \
	"$real" "$@"
