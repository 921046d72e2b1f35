#!/bin/sh
# Install the Debian packages named as arguments, or with none those of
# tests/deps.txt (what the README's first command installs); only those
# missing.  Idempotent; uses sudo only when not already root.  Needs
# nothing but sh and apt: on a minimal Debian it is what installs make.
set -eu
if [ $# -eq 0 ]; then
	set -- $(sed 's/#.*//' "$(dirname "$0")/deps.txt")
fi
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
