#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR and are symmetric.

load helper

# ./volley as the suite built it, never remade here (make -o volley): a
# make without the suite's WERROR=-Werror would relink it while other
# test files, run beside this one, execute it.
@test "install: install then uninstall into a DESTDIR leaves nothing" {
	run env INSTALL_AS_BUILT=1 sh "$BATS_TEST_DIRNAME/check-install.sh"
	assert_success
	assert_output --partial "round trip: ok"
}

@test "install: PREFIX moves everything" {
	dest=$BATS_TEST_TMPDIR/d
	run make -s -C "$BATS_TEST_DIRNAME/.." -o volley install DESTDIR="$dest" PREFIX=/opt/v
	assert_success
	[ -x "$dest/opt/v/bin/volley" ]
	[ -f "$dest/opt/v/share/man/man1/volley.1" ]
	[ ! -e "$dest/usr" ]
}
