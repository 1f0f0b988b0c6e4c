#!/bin/sh
# The flood rule (collect/flood.c): a trace.dat import stores the
# mmap_lock events of victims' tasks, of the oom_reaper and of victims'
# mm (and the next event on a CPU after those), counts the rest, and
# `import --keep-all` stores them all.  On every committed sample
# (recorded with mmap_lock:* on this machine's kernel): the analysis
# tables are identical with and without the rule, event ids included;
# stored + not stored = what --keep-all stores; the JSON report is the
# same but for events_not_stored; the text report says how many were
# left out; and the rule leaves some out.
. "$(dirname "$0")/lib.sh"
"$OOMLENS" version >/dev/null 2>&1 || skip "no working oomlens binary"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (make deps installs it)"
set -- "$SAMPLES"/*.dat
[ -e "$1" ] || skip "no samples in $SAMPLES"
for dat in "$@"; do
	s=$(basename "$dat" .dat)
	rule=$T_OUT/$s-rule.db all=$T_OUT/$s-all.db
	rm -f "$rule" "$all"
	"$OOMLENS" import -q "$dat" -o "$rule" >/dev/null 2>&1 || { bad "$s: import failed"; continue; }
	"$OOMLENS" import -q --keep-all "$dat" -o "$all" >/dev/null 2>&1 ||
		{ bad "$s: import --keep-all failed"; continue; }
	tables=$(sql "$all" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN
		('meta','sources','formats','names','strings','ev','tasks','gaps') ORDER BY name")
	differ=""
	for t in $tables; do
		[ "$(sql "$rule" "SELECT * FROM $t")" = "$(sql "$all" "SELECT * FROM $t")" ] ||
			differ="$differ $t"
	done
	check "$s: analysis tables identical with and without --keep-all ($(echo $tables | wc -w) tables)" \
		test -z "$differ"
	[ -z "$differ" ] || echo "    differ:$differ"
	stored=$(sql "$rule" "SELECT count(*) FROM ev")
	left=$(sql "$rule" "SELECT value FROM meta WHERE key = 'not_stored.mmap_lock'")
	total=$(sql "$all" "SELECT count(*) FROM ev")
	check "$s: left some out ($stored stored, ${left:-0} not, of $total)" test "${left:-0}" -gt 0
	check "$s: stored + not stored = every event" test $((stored + ${left:-0})) -eq "$total"
	check "$s: every stored event has its --keep-all id and content" test \
		"$(sql "$all" "ATTACH '$rule' AS r; SELECT count(*) FROM r.ev x JOIN main.ev y USING(id)
		  WHERE x.ts_ns = y.ts_ns AND x.pid = y.pid AND x.cpu = y.cpu")" -eq "$stored"
	"$OOMLENS" report --format json "$rule" | grep -v '"events_not_stored"' |
		sed 's/"db_path": .*/"db_path":/' >"$T_OUT/$s-rule.json"
	"$OOMLENS" report --format json "$all" | sed 's/"db_path": .*/"db_path":/' >"$T_OUT/$s-all.json"
	check "$s: JSON report the same but for events_not_stored" \
		cmp -s "$T_OUT/$s-rule.json" "$T_OUT/$s-all.json"
	check "$s: the report says what was not stored" \
		grep -q "\"events_not_stored\": $left" <<EOT
$("$OOMLENS" report --format json "$rule")
EOT
	"$OOMLENS" report "$rule" | tr '\n' ' ' | tr -s ' ' >"$T_OUT/$s-rule.txt"
	check "$s: the text report says it" grep -q "not stored $left mmap_lock events" "$T_OUT/$s-rule.txt"
done
t_done
