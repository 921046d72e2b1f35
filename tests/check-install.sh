#!/bin/sh
# `make check-install`: install into a temporary DESTDIR, check every file
# is there, uninstall, and check nothing is left but empty directories.
set -eu
cd "$(dirname "$0")/.."
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
# From the test suite (INSTALL_AS_BUILT=1): install ./volley as it is,
# never remade.  The suite builds with WERROR=-Werror, and a make without
# it would relink ./volley while other test files run it beside this one.
old=
[ "${INSTALL_AS_BUILT:-}" != 1 ] || old="-o volley"
make -s $old install DESTDIR="$dest" PREFIX=/usr/local >/dev/null
for f in bin/volley share/man/man1/volley.1 \
    share/bash-completion/completions/volley \
    share/zsh/site-functions/_volley \
    share/fish/vendor_completions.d/volley.fish; do
	[ -f "$dest/usr/local/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
"$dest/usr/local/bin/volley" --version >/dev/null
make -s uninstall DESTDIR="$dest" PREFIX=/usr/local >/dev/null
left=$(find "$dest" ! -type d)
[ -z "$left" ] || { echo "left after uninstall: $left" >&2; exit 1; }
echo "install/uninstall round trip: ok"
