#!/bin/sh
# Build the libFuzzer harnesses and run each for N seconds.
#
#   sh tests/fuzz/run-fuzz.sh [SECONDS] [HARNESS...]      (make fuzz FUZZ_SECONDS=N)
#
# SECONDS defaults to 60 (0: build only); HARNESS defaults to every
# tests/fuzz/fuzz-*.c.  The log is $FUZZ_LOG, default $FUZZ_BUILD/<harness>.log.
# Builds with clang -fsanitize=fuzzer,address,undefined into
# $FUZZ_BUILD (default /tmp/oomlens-fuzz, never the shared build/), the
# project's collect/ and analyze/ sources compiled with the same flags.
# Each harness starts from its seeds in tests/fuzz/corpus/ (the in-process
# parser harnesses share those of the importer harnesses) and keeps what
# it learns in $FUZZ_BUILD/work/<harness>/.  It runs in libFuzzer's fork
# mode and goes on past crashes, timeouts and out-of-memory inputs: each
# finding is $FUZZ_BUILD/<harness>-crash-* (or -oom-, -timeout-); at the end
# the script lists them and exits 1 if there is any.  Minimize one with
#   $FUZZ_BUILD/<harness> -minimize_crash=1 -runs=10000 CRASH
# and save it under tests/fuzz/corpus/<harness>/ once the bug is fixed
# (make check replays the corpus).  Per harness it prints executions,
# exec/s and coverage.  Extra libFuzzer options: FUZZ_OPTS.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
SECS=${1:-60}
[ $# -gt 0 ] && shift
B=${FUZZ_BUILD:-/tmp/oomlens-fuzz}
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "run-fuzz: $CC not found (apt-get install clang)" >&2; exit 1; }

PKGS="libtracecmd libtracefs libtraceevent sqlite3 zlib liblzma libzstd jansson"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=gnu11 -g -O1 -I$TOP -D_GNU_SOURCE $(pkg-config --cflags $PKGS) $SAN"
LIBS="$(pkg-config --libs $PKGS) -lbz2 -lm"

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
	[ "$SECS" = 0 ] && continue	# build only
	log=${FUZZ_LOG:-$B/$h.log}
	case $h in
	fuzz-kmsg-line) seeds=tests/fuzz/corpus/fuzz-kmsg ;;
	fuzz-ftrace-line) seeds=tests/fuzz/corpus/fuzz-ftrace-text ;;
	*) seeds=tests/fuzz/corpus/$h ;;
	esac
	mkdir -p "$B/work/$h" "$seeds"
	# the largest seed sets the input size limit (trace.dat seeds are big)
	max=$(ls -l "$seeds" 2>/dev/null | awk 'NR > 1 && $5 > m { m = $5 } END { print m + 0 }')
	[ "$max" -lt 65536 ] && max=65536
	# the line parsers: short inputs are many lines already; the in-memory
	# trace.dat: a seed of a few pages and room to grow
	case $h in fuzz-*-line|fuzz-analyze) max=4096 ;; fuzz-tracedat-mem) max=32768 ;; esac
	mkdir -p "$B/libcrash/$h"
	echo "  FUZZ    $h for ${SECS}s"
	# Speed: no allocation stacks (rerun a finding without ASAN_OPTIONS for
	# them), a small quarantine, and no libFuzzer leak pass (libtracecmd
	# leaks on its error paths, which made every such input run twice).
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:malloc_context_size=0:quarantine_size_mb=16} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	FUZZ_LIBCRASH_DIR="$B/libcrash/$h" \
	"$B/$h" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -detect_leaks=0 \
		-max_total_time="$SECS" -max_len="$max" -timeout=30 -rss_limit_mb=2048 \
		-artifact_prefix="$B/$h-" -print_final_stats=1 ${FUZZ_OPTS:-} \
		"$B/work/$h" "$seeds" >"$log" 2>&1
	# fork mode: "#N: cov: C ft: F corp: ... exec/s: E oom/timeout/crash: o/t/c time: S"
	last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
	echo "  STATS   $h: ${last:-no progress line (see $log)}"
	lib=$(cat "$B/libcrash/$h/counts" 2>/dev/null | wc -l)
	[ "$lib" -gt 0 ] && echo "  LIBRARY $h: $lib input(s) faulted inside libtraceevent/libtracecmd, contained, at $(sort -u "$B/libcrash/$h/counts" | wc -l) distinct places (counts and examples in $B/libcrash/$h)"
done
[ "$SECS" = 0 ] && exit 0	# a build says nothing of earlier findings
found=$(ls "$B" 2>/dev/null | grep -cE '^fuzz-.*-(crash|oom|timeout|leak)-')
if [ "$found" -gt 0 ]; then
	echo "  FOUND   $found input(s) in $B: $(ls "$B" | grep -E '^fuzz-.*-(crash|oom|timeout|leak)-' | head -n 20 | tr '\n' ' ')"
	status=1
fi
exit $status
