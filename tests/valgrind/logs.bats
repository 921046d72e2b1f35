#!/usr/bin/env bats
# tests/valgrind/logs.bats - the last file of `make test-valgrind`: reads
# the log valgrind wrote for every volley run of the files before it
# (tests/valgrind/volley.sh) and fails, printing the log, on any memcheck
# error, definite leak, or file descriptor volley opened and left open at
# exit.  Not in tests/, so plain `bats tests` does not run it.

bats_require_minimum_version 1.5.0

# Descriptors valgrind may find open at exit, each for a reason:
# - signals_install: the signal self-pipe.  It is static and lives as
#   long as the process: a SIGINT or SIGTERM can arrive (and its handler
#   write to the pipe) at any moment until exit, after the engine is gone.
#   With link-time optimisation the function is inlined, and the stack
#   names only its file (signals.c:NN).
# - getaddrinfo, or a socketpair made inside libcurl: a resolve that timed
#   out.  libcurl's threaded resolver cannot cancel getaddrinfo; it lets
#   the thread run on with its own socket(s) and its end of the wake-up
#   socketpair, which it closes when getaddrinfo returns.  A run that ends
#   while a resolver is stuck (64-faults.bats) ends with these open.
FD_ALLOWED='signals_install|[(]signals[.]c:[0-9]+[)]|getaddrinfo|socketpair [(][^)]*[)]\n *by [^\n]*libcurl'

# Print why log $1 is not clean and fail, or succeed quietly.
vg_check() {
	awk -v allowed="$FD_ALLOWED" '
	function fd_end() {
		if (fd != "" && !inherited && stack !~ allowed)
			bad = bad "fd left open: " fd "; "
		fd = ""
	}
	{ sub(/^==[0-9]+== ?/, "") }
	/^Open / { fd_end(); fd = $0; inherited = 0; stack = ""; next }
	fd != "" && /<inherited from parent>/ { inherited = 1; next }
	fd != "" && /^ *(at|by) / { stack = stack $0 "\n"; next }
	fd != "" { fd_end() }
	/^ERROR SUMMARY: / { summary = 1; if ($3 != "0") bad = bad $0 "; " }
	/definitely lost: [1-9]/ { bad = bad $0 "; " }
	END {
		fd_end()
		if (!summary)
			bad = bad "no ERROR SUMMARY (the run was killed?); "
		if (bad != "") { print bad; exit 1 }
	}' "$1"
}

@test "valgrind: every volley run is clean: no memcheck error, no definite leak, no fd left open" {
	[ -d "${VALGRIND_LOGDIR:-}" ] || { echo "VALGRIND_LOGDIR is not a directory"; false; }
	shopt -s nullglob
	logs=("$VALGRIND_LOGDIR"/vg.*.log)
	echo "${#logs[@]} logs in $VALGRIND_LOGDIR"
	# the runs did go through valgrind
	[ "${#logs[@]}" -ge "${VALGRIND_MIN_LOGS:-20}" ]
	bad=0
	for f in "${logs[@]}"; do
		if ! why=$(vg_check "$f"); then
			echo "=== $f: $why"
			cat "$f"
			bad=$((bad + 1))
		fi
	done
	echo "$bad unclean"
	[ "$bad" -eq 0 ]
}
