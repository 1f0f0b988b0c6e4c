#!/bin/sh
# Byte-flipped copies of every committed trace.dat sample (deterministic:
# tests/fuzz/flip.py, FLIPS copies each, default 300: about 3 min on an
# idle 2-core machine) through `oomlens import`: each ends with exit 0,
# or exit 1 and one `oomlens:` line; never a signal, never past 30 s, and
# no database or temporary left by a failed import.  FLIPS_JOBS imports
# run at once (default 2).
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
command -v python3 >/dev/null || skip "python3 is not installed (make deps installs it)"
command -v timeout >/dev/null || skip "no timeout(1)"
FLIPS=${FLIPS:-300}
JOBS=${FLIPS_JOBS:-2}
ls "$SAMPLES"/*.dat >/dev/null 2>&1 || skip "no samples/data/*.dat"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed (make deps installs it)"
# The samples are zstd-compressed version 7 files: a flipped byte there
# mostly breaks the decompression.  Two thirds of the copies are of the
# same trace converted by trace-cmd to an uncompressed version 6 file
# (tests/fuzz/shrink-tracedat.py keeps the formats oomlens reads), where
# flips land in page headers, record lengths and field data as they are.
mkdir -p "$T_OUT/v6" "$T_OUT/run"
: > "$T_OUT/jobs"
for s in "$SAMPLES"/*.dat; do
	b=$(basename "$s" .dat)
	# uncompressed v6, then only the event systems oomlens reads (no
	# kallsyms): ~240 KB, the ring-buffer pages as recorded
	trace-cmd convert -i "$s" -o "$T_OUT/v6/$b-big.dat" --file-version 6 --compression none \
		>/dev/null 2>&1 &&
	python3 "$TOP/tests/fuzz/shrink-tracedat.py" "$T_OUT/v6/$b-big.dat" "$T_OUT/v6/$b-v6.dat" >/dev/null ||
		{ bad "trace-cmd convert / shrink $b"; t_done; }
	rm -f "$T_OUT/v6/$b-big.dat"
	k=0
	while [ $k -lt "$FLIPS" ]; do
		# a third of the copies of the file as committed, the rest of its v6 form
		if [ $((k % 3)) = 2 ]; then echo "$s $k"; else echo "$T_OUT/v6/$b-v6.dat $k"; fi
		k=$((k + 1))
	done >> "$T_OUT/jobs"
done

# one import per copy, in its own directory (tests/fuzz/flip-one.sh)
export OOMLENS T_OUT
xargs -P "$JOBS" -L 1 sh "$TOP/tests/fuzz/flip-one.sh" < "$T_OUT/jobs"

total=0 ok0=0 ok1=0 sigs=0 hung=0 other=0 left=0 lines=0
for d in "$T_OUT"/run/*; do
	total=$((total + 1))
	rc=$(cat "$d/rc")
	case $rc in
	0) ok0=$((ok0 + 1)) ;;
	1) if [ "$(wc -l < "$d/err")" -ge 1 ] && ! grep -qv '^oomlens: ' "$d/err" &&
	      [ "$(grep -vc 'imported into\|lines kept' "$d/err")" = 1 ]; then
		ok1=$((ok1 + 1))
	   else
		lines=$((lines + 1)); echo "    $(basename "$d"): exit 1 but not one line: $(head -c 200 "$d/err")"
	   fi ;;
	137) hung=$((hung + 1)); echo "    $(basename "$d"): killed after 30 s" ;;
	*) if [ "$rc" -gt 128 ]; then sigs=$((sigs + 1)); else other=$((other + 1)); fi
	   echo "    $(basename "$d"): exit $rc: $(tail -n 2 "$d/err" | tr '\n' '|' | cut -c 1-200)" ;;
	esac
	[ -e "$d/bad" ] && { left=$((left + 1)); echo "    $(basename "$d"): $(cat "$d/bad")"; }
done
echo "    $total copies: $ok0 imported, $ok1 refused with one line, $sigs signals, $hung over 30 s, $other other exits"
grep -h "crashed" "$T_OUT"/run/*/err 2>/dev/null | sed 's/.*corrupt: //' | sort | uniq -c | sed 's/^/    contained: /'
check "every copy ran ($total)" test "$total" -gt 0
check "no copy ended on a signal ($sigs)" test "$sigs" = 0
check "no copy ran past 30 s ($hung)" test "$hung" = 0
check "no other exit code ($other)" test "$other" = 0
check "every refusal is one line ($lines)" test "$lines" = 0
check "nothing half-written or left behind ($left)" test "$left" = 0
t_done
