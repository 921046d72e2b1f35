#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR and are symmetric.

load helper

@test "install: install then uninstall into a DESTDIR leaves nothing" {
	run sh "$BATS_TEST_DIRNAME/check-install.sh"
	assert_success
	assert_output --partial "round trip: ok"
}

@test "install: PREFIX moves everything" {
	dest=$BATS_TEST_TMPDIR/d
	run make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$dest" PREFIX=/opt/v
	assert_success
	[ -x "$dest/opt/v/bin/volley" ]
	[ -f "$dest/opt/v/share/man/man1/volley.1" ]
	[ ! -e "$dest/usr" ]
}
