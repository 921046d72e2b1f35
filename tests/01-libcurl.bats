#!/usr/bin/env bats
# volley runs on the libcurl it was built against.  Every libcurl is
# libcurl.so.4, so a volley built on 8.14 (make volley-curl8) silently
# runs on the system's 7.88 if its library path is wrong.  VOLLEY_LIBCURL
# is the version expected (make test-curl8 sets it); by default, the
# system's libcurl as pkg-config reports it.

load helper

@test "libcurl: the libcurl.so.4 volley loads is the version it was built for" {
	want=${VOLLEY_LIBCURL:-$(pkg-config --modversion libcurl)}
	[ -n "$want" ]
	# the file the dynamic loader picks for volley in this environment
	lib=$(ldd "$VOLLEY" | awk '$1 == "libcurl.so.4" { print $3 }')
	[ -f "$lib" ]
	# and what that file says it is
	run python3 -c 'import ctypes, sys
f = ctypes.CDLL(sys.argv[1]).curl_version
f.restype = ctypes.c_char_p
print(f().decode())' "$lib"
	assert_success
	echo "want $want, $lib is $output"
	[[ $output == "libcurl/$want "* ]]
}
