#!/bin/sh
# The two readers of a version 7 trace.dat's event data (collect/flyrecord.c
# and libtracecmd's iteration) give the same database: every committed
# sample (zstd, as Debian's trace-cmd 3.1.6 writes them) and the fuzz
# seeds (zstd and uncompressed version 7, version 6) are imported with
# OOMLENS_TRACEDAT_READER=flyrecord (which fails where flyrecord.c says
# no) and =libtracecmd, and the events, tasks, gaps and analysis tables
# compared row by row.  A version 6 file must be left to libtracecmd.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (make deps installs it)"

dump() {
	for t in events tasks gaps victims episodes verdicts timeline reaper_runs rss_curve sharers; do
		echo "== $t"
		sql "$1" "SELECT * FROM $t"
	done
}

n=0
for f in "$SAMPLES"/*.dat "$SAMPLES"/seeds/*.dat "$TOP"/tests/fuzz/corpus/fuzz-tracedat-mem/*v7*.dat; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=${f#"$TOP"/}
	rm -f "$T_OUT/fly.db" "$T_OUT/lib.db"
	if ! OOMLENS_TRACEDAT_READER=flyrecord "$OOMLENS" import -q --keep-all "$f" -o "$T_OUT/fly.db" \
		2>"$T_OUT/err"; then
		bad "$name: flyrecord.c did not read it: $(head -c 200 "$T_OUT/err")"
		continue
	fi
	OOMLENS_TRACEDAT_READER=libtracecmd "$OOMLENS" import -q --keep-all "$f" -o "$T_OUT/lib.db" \
		2>"$T_OUT/err" || { bad "$name: libtracecmd import failed: $(head -c 200 "$T_OUT/err")"; continue; }
	dump "$T_OUT/fly.db" >"$T_OUT/fly.txt"
	dump "$T_OUT/lib.db" >"$T_OUT/lib.txt"
	rows=$(sql "$T_OUT/fly.db" "SELECT count(*) FROM ev")
	if cmp -s "$T_OUT/fly.txt" "$T_OUT/lib.txt" && [ "$rows" -gt 0 ]; then
		ok "$name: $rows events, the same database from both readers"
	else
		bad "$name: the readers differ: $(diff "$T_OUT/lib.txt" "$T_OUT/fly.txt" | head -n 4 | tr '\n' '|')"
	fi
done
[ $n -gt 0 ] || skip "no version 7 trace.dat in samples/data"

rm -f "$T_OUT/v6.db"
if OOMLENS_TRACEDAT_READER=flyrecord "$OOMLENS" import -q \
	"$TOP"/tests/fuzz/corpus/fuzz-tracedat-mem/seed-reaped-v6-tiny.dat -o "$T_OUT/v6.db" 2>"$T_OUT/err"; then
	bad "a version 6 file went through flyrecord.c"
else
	check "a version 6 file is left to libtracecmd: $(cat "$T_OUT/err")" \
		grep -q "this file is for libtracecmd" "$T_OUT/err"
fi
t_done
