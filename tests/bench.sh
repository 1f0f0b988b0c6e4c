#!/bin/sh
# make bench: every benchmark prints its figures next to a reference.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
rc=0
for b in build/bench/bench-*; do
	case "$b" in *.d|*.o) continue;; esac
	# a program with a script of its own is driven by that script
	[ -e "tests/bench/$(basename "$b").sh" ] && continue
	echo "== $(basename "$b")"
	"$b" || { echo "$(basename "$b"): failed (exit $?)"; rc=1; }
	echo
done
for b in tests/bench/bench-*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b" || { echo "$(basename "$b"): failed or skipped (exit $?)"; rc=1; }
	echo
done
exit $rc
