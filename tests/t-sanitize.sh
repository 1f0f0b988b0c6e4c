#!/bin/sh
# oomlens built with AddressSanitizer + UndefinedBehaviorSanitizer
# (`make O=... PROG=... SANITIZE=address,undefined`, in its own
# directory, never build/) imports every sample trace.dat and kernel log
# (alone and merged) and the fuzz corpus, analyzes, and writes every report
# format.  Any sanitizer report in our code fails; leaks inside
# libtraceevent/libtracecmd are suppressed by tests/lsan.supp.
# OOMLENS_SAN_DIR keeps the build between runs (default: a directory under
# /tmp, reused, so that a second run only relinks what changed).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (make deps installs it)"
# one build per checkout: objects of another tree must never be reused
S=${OOMLENS_SAN_DIR:-/tmp/oomlens-sanitize-$(id -u)-$(printf %s "$TOP" | cksum | cut -d" " -f1)}
mkdir -p "$S" || skip "cannot create $S"
# one build at a time in $S (concurrent test runs share it)
if ! flock "$S/.lock" make -C "$TOP" -s -j2 O="$S/obj" PROG="$S/oomlens" SANITIZE=address,undefined \
	"$S/oomlens" >"$T_OUT/build.log" 2>&1; then
	if grep -q "asan\|sanitizer" "$T_OUT/build.log"; then
		skip "the compiler cannot build with -fsanitize=address,undefined: $(grep -m1 -i 'sanitizer\|asan' "$T_OUT/build.log")"
	fi
	bad "sanitizer build failed: $(tail -n 3 "$T_OUT/build.log" | tr '\n' ' ')"
	t_done
fi
SAN="$S/oomlens"
# exitcode=99: a sanitizer report is told apart from our own exit 1
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=99:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:exitcode=99:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=99"

# san "what" EXPECT cmd... : runs under the sanitizers; EXPECT is the exit
# code we want ("01" = 0 or 1); any sanitizer report fails.
san() {
	what=$1 want=$2; shift 2
	"$@" >"$T_OUT/san.out" 2>"$T_OUT/san.err"
	rc=$?
	if grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: ' "$T_OUT/san.err" ||
	   [ $rc = 99 ] || [ $rc -gt 128 ]; then
		bad "$what: sanitizer report (exit $rc):"
		grep -m 1 -A 12 -E 'ERROR: |runtime error:' "$T_OUT/san.err" | sed 's/^/    /'
		return 1
	fi
	case "$want" in
	*$rc*) ok "$what (exit $rc)" ;;
	*) bad "$what: exit $rc, expected $want: $(tail -n 1 "$T_OUT/san.err")"; return 1 ;;
	esac
}

dbs=""
for f in "$SAMPLES"/*.dat "$SAMPLES"/*.dmesg; do
	s=$(basename "$f"); db="$T_OUT/$s.db"
	san "import $s" 0 "$SAN" import -q "$f" -o "$db" && dbs="$dbs $db"
done
# a trace and its kernel log merged
for f in "$SAMPLES"/*.dat; do
	s=$(basename "$f" .dat)
	[ -f "$SAMPLES/$s.dmesg" ] || continue
	san "import $s.dat + $s.dmesg" 0 "$SAN" import -q "$f" "$SAMPLES/$s.dmesg" -o "$T_OUT/$s-merged.db" &&
		dbs="$dbs $T_OUT/$s-merged.db"
	break
done
for f in "$TOP"/tests/fuzz/corpus/*/*; do
	[ -f "$f" ] || continue
	# large seeds are copies of the samples imported above
	[ "$(wc -c < "$f")" -gt 262144 ] && continue
	# reproducers of crashes inside libtracecmd/libtraceevent (README,
	# "Library bugs"): ASan reports them in the library; the normal build
	# contains them (t-fuzz-replay, t-import-contained)
	case $(basename "$f") in crash-libtrace*) continue ;; esac
	s="$(basename "$(dirname "$f")")/$(basename "$f")"
	rm -f "$T_OUT/corpus.db"
	# full stacks on malloc (slow): libtracecmd leaks an sscanf("%ms")
	# string when it opens a version 6 file, and the suppression must see
	# the libtracecmd frame above libc
	ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
		san "import corpus $s" 01 "$SAN" import -q "$f" -o "$T_OUT/corpus.db"
done
rm -f "$T_OUT/corpus.db"
for db in $dbs; do
	s=$(basename "$db" .db)
	san "analyze $s" 0 "$SAN" analyze "$db"
	for fmt in text markdown json csv html; do
		san "report $s --format $fmt" 0 "$SAN" report "$db" --format "$fmt" -o "$T_OUT/$s.$fmt"
	done
done
t_done
