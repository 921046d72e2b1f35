#!/bin/sh
# tests/curl8.sh [DIR] - unpack libcurl 8.14 from Debian's bookworm-backports
# into DIR (default build-curl8/root) for `make volley-curl8 test-curl8`.
#
# Nothing is installed and the system's apt configuration is not touched:
# apt-get runs with a sources list, package lists and cache of its own
# under DIR/../apt, `apt-get download` fetches the .debs and `dpkg -x`
# unpacks them.  The mirror is the one the machine's own sources use for
# the release (override with CURL8_MIRROR=http://...).  Afterwards:
#
#   DIR/lib                  the libcurl.so.4 to put in LD_LIBRARY_PATH
#   DIR/lib/pkgconfig        libcurl.pc, prefix pointing into DIR
#   DIR/bin/curl             the curl tool of the same version
#   DIR/.done                the version unpacked; its presence skips all this
#
# Every library the 8.14 libcurl4 needs is in bookworm; this checks with
# ldd that each one resolves.  Runs unattended (CI, root, no stdin).
set -eu

dir=${1:-build-curl8/root}
suite=${CURL8_SUITE:-bookworm-backports}
want=${CURL8_VERSION:-8.14.}
pkgs="libcurl4 libcurl4-openssl-dev curl"

die() {
	echo "curl8: $*" >&2
	exit 1
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -f "$dir/.done" ] && [ -e "$dir/lib/libcurl.so.4" ]; then
	exit 0
fi

apt=$(dirname "$dir")/apt
rm -rf "$dir" "$apt"
mkdir -p "$dir" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"

# The release's main mirror from /etc/apt/sources.list{,.d/*.list} (one-line
# format) or /etc/apt/sources.list.d/*.sources (deb822): the first "deb"
# entry for the release itself, not for -security or -updates.
release=${suite%%-*}
mirror=${CURL8_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    2>/dev/null | awk -v rel="$release" '
		$1 != "deb" { next }
		{
			i = 2
			if ($i ~ /^\[/) {
				while (i < NF && $i !~ /\]$/)
					i++
				i++
			}
			if ($(i + 1) == rel) { print $i; exit }
		}')
fi
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v rel="$release" '
		function flush() {
			if (!found && deb && uris != "" &&
			    (" " suites " ") ~ (" " rel " ")) {
				split(uris, u, " ")
				print u[1]
				found = 1
				exit
			}
			deb = 0; uris = ""; suites = ""
		}
		/^[ \t]*$/ { flush(); next }
		/^#/ { next }
		tolower($1) == "types:" { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
		tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); uris = $0 }
		tolower($1) == "suites:" { sub(/^[^:]*:[ \t]*/, ""); suites = $0 }
		END { flush() }')
fi
if [ -z "$mirror" ]; then
	mirror=http://deb.debian.org/debian
	echo "curl8: no $release entry in /etc/apt/sources.list*; using $mirror" >&2
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opts=""
[ -r "$keyring" ] && opts="[signed-by=$keyring] "
echo "deb $opts$mirror $suite main" >"$apt/sources.list"
echo "curl8: $(cat "$apt/sources.list")"

set -- -q -o Dir::Etc::SourceList="$apt/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
# root's apt drops to _apt, which cannot write the download directory
[ "$(id -u)" -eq 0 ] && set -- "$@" -o APT::Sandbox::User=root
apt-get "$@" update >"$apt/update.log" 2>&1 ||
	{ cat "$apt/update.log" >&2; die "apt-get update of $suite failed"; }

ver=$(apt-cache "$@" madison libcurl4 | awk -F' *[|] *' -v s="$suite" \
    -v w="$want" '$3 ~ s && index($2, w) == 1 { print $2; exit }')
[ -n "$ver" ] || die "no libcurl4 $want* in $suite at $mirror"
dl=""
for p in $pkgs; do
	dl="$dl $p=$ver"
done
# shellcheck disable=SC2086
(cd "$apt/debs" && apt-get "$@" download $dl) >"$apt/download.log" 2>&1 ||
	{ cat "$apt/download.log" >&2; die "apt-get download $dl failed"; }
for deb in "$apt"/debs/*.deb; do
	dpkg -x "$deb" "$dir"
done

# Stable names whatever the multiarch triplet is.
pc=$(find "$dir/usr/lib" -name libcurl.pc | head -n 1)
[ -n "$pc" ] || die "no libcurl.pc in the packages"
libdir=$(dirname "$(dirname "$pc")")
ln -sfn "${libdir#"$dir"/}" "$dir/lib"
ln -sfn usr/bin "$dir/bin"
# The .pc as unpacked says prefix=/usr: point it here.  Requires.private and
# Libs.private are for static linking and name -dev packages bookworm does
# not have installed (pkg-config refuses the file without them); volley
# links the shared library only.
sed -e "s|^prefix=.*|prefix=$dir/usr|" \
    -e "s|^includedir=/usr/|includedir=\${prefix}/|" \
    -e '/^Requires.private:/d' -e '/^Libs.private:/d' -e '/^Cflags.private:/d' \
    "$pc" >"$pc.new"
mv "$pc.new" "$pc"

# Every library libcurl and curl need must resolve in bookworm itself.
missing=$(LD_LIBRARY_PATH=$dir/lib ldd "$dir/lib/libcurl.so.4" "$dir/bin/curl" |
    grep 'not found' || true)
[ -z "$missing" ] || die "libraries not found: $missing"
got=$(PKG_CONFIG_PATH=$dir/lib/pkgconfig pkg-config --modversion libcurl)
case $got in
"$want"*) ;;
*) die "libcurl.pc says $got, not $want*" ;;
esac
run=$(LD_LIBRARY_PATH=$dir/lib "$dir/bin/curl" --version | head -n 1)
case $run in
*"libcurl/$want"*) ;;
*) die "$dir/bin/curl runs with another libcurl: $run" ;;
esac
echo "$ver" >"$dir/.done"
echo "curl8: libcurl $ver in $dir"
