#!/bin/bash
# debian-kernel.sh 6.1|5.10 DIR - fetch Debian's own kernel of that series
# (6.1: bookworm, through the system's apt; 5.10: bullseye, through a
# sources list and state folder of our own under DIR, never touching the
# system's apt configuration), unpack it into DIR/root and print the
# make arguments: KERNEL=... MODULES=...
set -eu
SERIES=${1:?usage: debian-kernel.sh 6.1|5.10 DIR}
DIR=${2:?usage: debian-kernel.sh 6.1|5.10 DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
APTO=()
case $SERIES in
6.1)	;;
5.10)	mkdir -p "$DIR/apt/state/lists/partial" "$DIR/apt/cache/archives/partial"
	printf '%s\n' 'deb http://deb.debian.org/debian bullseye main' \
		'deb http://deb.debian.org/debian-security bullseye-security main' >"$DIR/apt/sources.list"
	APTO=(-o "Dir::Etc::sourcelist=$DIR/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	      -o "Dir::State=$DIR/apt/state" -o "Dir::Cache=$DIR/apt/cache" -o Debug::NoLocking=1)
	apt-get "${APTO[@]}" update -qq ;;
*)	echo "debian-kernel.sh: series 6.1 or 5.10" >&2; exit 2 ;;
esac
PKG=$(apt-cache "${APTO[@]}" search --names-only "^linux-image-${SERIES//./\\.}\.0-[0-9]+-amd64-unsigned\$" |
      awk '{ print $1 }' | sort -V | tail -n 1)
[ -n "$PKG" ] || { echo "debian-kernel.sh: no linux-image-$SERIES package found" >&2; exit 1; }
(cd "$DIR" && rm -f ./*.deb && apt-get "${APTO[@]}" download "$PKG" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
rm -rf "$DIR/root"
dpkg-deb -x "$DIR"/*.deb "$DIR/root"
REL=$(ls "$DIR/root/lib/modules")
echo "KERNEL=$DIR/root/boot/vmlinuz-$REL MODULES=$DIR/root/lib/modules/$REL"
