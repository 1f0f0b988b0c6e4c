#!/bin/sh
# Import every committed sample and check the store against trace-cmd's
# own reading of the same file (the reference: libtracecmd's report).
# --keep-all: every event of the oomlens set, as trace-cmd prints them
# (t-import-flood checks what the default import leaves out).
. "$(dirname "$0")/lib.sh"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed (make deps installs it)"
ls "$SAMPLES"/*.dat >/dev/null 2>&1 || { bad "no samples in $SAMPLES"; t_done; }

for dat in "$SAMPLES"/*.dat; do
	s=$(basename "$dat" .dat)
	db="$T_OUT/$s.db"
	check "$s: import exits 0" "$OOMLENS" import -q --keep-all "$dat" -o "$db"

	# One row per mark_victim, with trace-cmd's pid and nanosecond time.
	trace-cmd report -t "$dat" 2>/dev/null |
		sed -n 's/.*\[[0-9]*\] *\([0-9]*\)\.\([0-9]*\): mark_victim: *pid=\([0-9]*\) comm=\([^ ]*\).*/\1\2 \3 \4/p' \
		> "$T_OUT/$s.ref-victims"
	sql "$db" "select ts_ns || ' ' || victim_pid || ' ' || victim_comm from mark_victim order by ts_ns" \
		> "$T_OUT/$s.victims"
	check "$s: mark_victim rows equal trace-cmd's ($(wc -l < "$T_OUT/$s.ref-victims"))" \
		cmp -s "$T_OUT/$s.ref-victims" "$T_OUT/$s.victims"
	check "$s: at least one victim" test -s "$T_OUT/$s.victims"

	# Event counts per kind equal trace-cmd's (signal_generate: SIGKILL only).
	trace-cmd report "$dat" 2>/dev/null | awk '
		{ for (i = 2; i <= NF; i++) if ($(i-1) ~ /^[0-9]+\.[0-9]+:$/ && $i ~ /:$/) {
			n = substr($i, 1, length($i) - 1)
			if (n == "signal_generate" && $0 !~ / sig=9 /) break
			c[n]++; break } }
		END { for (n in c) print n, c[n] }' | sort > "$T_OUT/$s.ref-counts"
	sql "$db" "select substr(name, instr(name, ':') + 1), count(*) from events group by name" |
		tr '|' ' ' | sort > "$T_OUT/$s.counts"
	check "$s: per-event counts equal trace-cmd's" cmp -s "$T_OUT/$s.ref-counts" "$T_OUT/$s.counts"

	check "$s: every event has a tgid" test "$(sql "$db" "select count(*) from events where tgid is null")" = 0
	check "$s: victims map to a process" \
		test "$(sql "$db" "select count(*) from mark_victim where victim_tgid is null")" = 0
	cpus=$(sql "$db" "select value from meta where key = 'cpus'")
	check "$s: lost-event count for each of $cpus CPUs" \
		test "$(sql "$db" "select count(*) from meta where key glob 'lost.cpu[0-9]*'")" = "$cpus"
	check "$s: nothing lost" test "$(sql "$db" "select value from meta where key = 'lost.total'")" = 0
	check "$s: kernel release and clock recorded" \
		test "$(sql "$db" "select count(*) from meta where key in ('kernel_release', 'hostname', 'clock', 'schema_version') and value != ''")" = 4
	check "$s: mark_victim format stored with its fields" \
		sh -c "sqlite3 '$db' \"select format from formats where event = 'mark_victim'\" | grep -q 'field:int pid;'"
	check "$s: source recorded" \
		test "$(sql "$db" "select kind || ' ' || events from sources")" = "trace.dat $(sql "$db" "select count(*) from events")"
done

# Thread -> process: the samples' threads (the D-state reader) belong to
# their victim, from task_newtask's CLONE_THREAD.
db="$T_OUT/unreapable.db"
check "unreapable: the D-state thread maps to the victim process" \
	test "$(sql "$db" "select count(*) from tasks t join mark_victim m on t.tgid = m.victim_pid where t.pid != t.tgid and t.how = 'newtask'")" -ge 1

# Several files into one database: events add up, sources are two.
db="$T_OUT/two.db"
"$OOMLENS" import -q --keep-all "$SAMPLES/selfexit.dat" "$SAMPLES/reaped.dat" -o "$db"
check "two files into one database" test "$(sql "$db" "select count(*) from sources")" = 2
check "two files: events add up" test "$(sql "$db" "select count(*) from events")" = \
	"$(( $(sql "$T_OUT/selfexit.db" "select count(*) from events") + $(sql "$T_OUT/reaped.db" "select count(*) from events") ))"
t_done
