#!/bin/sh
# Build the libFuzzer harnesses and run each for N seconds.
#
#   sh tests/fuzz/run-fuzz.sh [SECONDS] [HARNESS...]
#
# SECONDS defaults to 60; HARNESS defaults to every tests/fuzz/fuzz-*.c.
# Builds with clang -fsanitize=fuzzer,address,undefined into
# $FUZZ_BUILD (default /tmp/oomlens-fuzz, never the shared build/), the
# project's collect/ and analyze/ sources compiled with the same flags.
# Each harness starts from tests/fuzz/corpus/<harness>/ (seeds and every
# old crash, which `make check` replays) and keeps what it learns in
# $FUZZ_BUILD/work/<harness>/.  A crash stops that harness; its input is
# $FUZZ_BUILD/crash-<harness>-*: minimize it with
#   $FUZZ_BUILD/<harness> -minimize_crash=1 -runs=10000 CRASH
# and save it under tests/fuzz/corpus/<harness>/ once the bug is fixed.
# Extra libFuzzer options: FUZZ_OPTS="-jobs=2 -workers=2".
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
SECS=${1:-60}
[ $# -gt 0 ] && shift
B=${FUZZ_BUILD:-/tmp/oomlens-fuzz}
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "run-fuzz: $CC not found (apt-get install clang)" >&2; exit 1; }

PKGS="libtracecmd libtracefs libtraceevent sqlite3"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=gnu11 -g -O1 -I$TOP -D_GNU_SOURCE $(pkg-config --cflags $PKGS) $SAN"
LIBS="$(pkg-config --libs $PKGS) -lm"

mkdir -p "$B/obj" || exit 1
objs=""
for src in collect/*.c analyze/*.c; do
	o="$B/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -e "$o" ] || [ "$src" -nt "$o" ] || [ collect/collect.h -nt "$o" ] ||
	   [ analyze/analyze.h -nt "$o" ] || [ collect/collect-local.h -nt "$o" ] ||
	   [ analyze/analyze-local.h -nt "$o" ]; then
		echo "  CC      $src"
		$CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$o" "$src" || exit 1
	fi
	objs="$objs $o"
done

if [ $# -eq 0 ]; then
	set -- $(for f in tests/fuzz/fuzz-*.c; do basename "$f" .c; done)
fi
status=0
for h in "$@"; do
	echo "  LINK    $h"
	$CC $CFLAGS -fsanitize=fuzzer -o "$B/$h" "tests/fuzz/$h.c" $objs $LIBS || exit 1
	seeds="tests/fuzz/corpus/$h"
	mkdir -p "$B/work/$h" "$seeds"
	# the largest seed sets the input size limit (trace.dat seeds are big)
	max=$(ls -l "$seeds" 2>/dev/null | awk 'NR > 1 && $5 > m { m = $5 } END { print m + 0 }')
	[ "$max" -lt 65536 ] && max=65536
	echo "  FUZZ    $h for ${SECS}s"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$TOP/tests/fuzz/lsan-fuzz.supp:print_suppressions=0} \
	"$B/$h" -max_total_time="$SECS" -max_len="$max" -timeout=30 -rss_limit_mb=3072 \
		-artifact_prefix="$B/crash-$h-" -print_final_stats=1 ${FUZZ_OPTS:-} \
		"$B/work/$h" "$seeds" >"$B/$h.log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$B/$h.log" | tail -n 2
	if [ $rc -ne 0 ]; then
		status=1
		echo "  CRASH   $h (exit $rc): see $B/$h.log and $B/crash-$h-*"
		grep -m1 -E 'ERROR: |runtime error|SUMMARY' "$B/$h.log"
	fi
done
exit $status
