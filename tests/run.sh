#!/bin/sh
# Runs every test: unit binaries build/tests/* and scripts tests/t-*.sh.
# A test exits 0 (pass), 77 (skipped: it prints why) or anything else (fail).
# Closing line: "N passed, N failed, N skipped".
cd "$(dirname "$0")/.." || exit 1
export TZ=UTC LANG=C LC_ALL=C TERM=xterm-256color NO_COLOR=1
export OOMLENS="${OOMLENS:-$PWD/oomlens}" TOP="$PWD"
# each test clears its own $T_OUT; the folder is shared by concurrent runs
out=${TEST_OUT:-tests/out}; mkdir -p "$out"
pass=0 fail=0 skip=0 failed=""
only="${1:-}"
for t in build/tests/* tests/t-*.sh; do
	[ -e "$t" ] || continue
	case "$t" in *.d|*.o) continue;; esac
	[ -n "$only" ] && case "$t" in *"$only"*) ;; *) continue;; esac
	name=$(basename "$t" .sh)
	log="$out/$name.log"
	start=$(date +%s)
	case "$t" in
	*.sh) T_OUT="$out/$name" sh "$t" >"$log" 2>&1 ;;
	*)    T_OUT="$out/$name" "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)  pass=$((pass + 1)); echo "ok     $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "skip   $name: $(tail -n 1 "$log")" ;;
	*)  fail=$((fail + 1)); failed="$failed $name"
	    echo "FAIL   $name (exit $rc, ${secs}s); last lines of $log:"
	    tail -n 15 "$log" | sed 's/^/       | /' ;;
	esac
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
