#!/bin/sh
# ftrace text of the committed samples (`trace-cmd report X.dat`, made at
# test time, and the same text as the tracefs `trace` file prints it)
# gives the same events as the trace.dat: the mark_victim rows, the
# per-event counts, every event's fields (exit_mmap's mm from the unlock
# that follows it) and the victims table.  The trace.dat is imported
# with --keep-all (text imports keep every mmap_lock event).
. "$(dirname "$0")/lib.sh"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed (make deps installs it)"
ls "$SAMPLES"/*.dat >/dev/null 2>&1 || { bad "no samples in $SAMPLES"; t_done; }

q_events="select name, pid, coalesce(comm, ''), coalesce(target, ''), cpu,
	  fields
	  from events order by 1, 2, 3, 4, 5, 6"
q_victims="select victim_pid || ' ' || victim_comm || ' ' || anon_rss_kb || ' ' || victim_tgid from mark_victim order by ts_ns"
for dat in "$SAMPLES"/*.dat; do
	s=$(basename "$dat" .dat)
	trace-cmd report "$dat" > "$T_OUT/$s.txt" 2>/dev/null
	# tracefs `trace` layout: no instance column, flags, one space after "event:"
	sed -e 's/^[^ ]*: *\(.*-[0-9]* *\[[0-9]*\]\)/  \1 ...1./' \
	    -e 's/^\(.*[0-9]: [a-z_]*:\) */\1 /' "$T_OUT/$s.txt" | grep -v ' console: ' > "$T_OUT/$s.trace"
	"$OOMLENS" import -q --keep-all "$dat" -o "$T_OUT/$s-dat.db" 2>/dev/null
	for kind in txt trace; do
		db="$T_OUT/$s-$kind.db"
		if ! "$OOMLENS" import -q "$T_OUT/$s.$kind" -o "$db" 2> "$T_OUT/$s-$kind.err"; then
			bad "$s $kind: import failed: $(cat "$T_OUT/$s-$kind.err")"; continue
		fi
		check "$s $kind: source kind ftrace-text" \
			test "$(sql "$db" "select group_concat(kind) from sources")" = ftrace-text
		sql "$db" "$q_victims" > "$T_OUT/$s-$kind.victims"
		sql "$T_OUT/$s-dat.db" "$q_victims" > "$T_OUT/$s.ref-victims"
		check "$s $kind: mark_victim rows equal the trace.dat's ($(wc -l < "$T_OUT/$s.ref-victims"))" \
			cmp -s "$T_OUT/$s.ref-victims" "$T_OUT/$s-$kind.victims"
		sql "$T_OUT/$s-dat.db" "select pid || ' ' || comm || ' ' || verdict from victims order by pid" > "$T_OUT/$s.ref-vt"
		sql "$db" "select pid || ' ' || comm || ' ' || verdict from victims order by pid" > "$T_OUT/$s-$kind.vt"
		check "$s $kind: victims table equals the trace.dat's" cmp -s "$T_OUT/$s.ref-vt" "$T_OUT/$s-$kind.vt"
	done
	sql "$T_OUT/$s-dat.db" "$q_events" > "$T_OUT/$s.ref-events"
	sql "$T_OUT/$s-txt.db" "$q_events" > "$T_OUT/$s-txt.events"
	check "$s: every event and field equal the trace.dat's ($(wc -l < "$T_OUT/$s.ref-events"))" \
		cmp -s "$T_OUT/$s.ref-events" "$T_OUT/$s-txt.events"
	check "$s: times equal to the microsecond" test "$(sql "$T_OUT/$s-txt.db" \
		"select count(*) from mark_victim")" = "$(sql "$T_OUT/$s-dat.db" \
		"select count(*) from mark_victim m where exists (select 1 from events e where e.name = 'oom:mark_victim' and abs(e.ts_ns - m.ts_ns) < 1000)")"
	# thread -> process: both sources go through collect/tasks.c
	q_tasks="select pid, tgid, comm, how from tasks order by pid"
	sql "$T_OUT/$s-dat.db" "$q_tasks" > "$T_OUT/$s.ref-tasks"
	sql "$T_OUT/$s-txt.db" "$q_tasks" > "$T_OUT/$s-txt.tasks"
	check "$s: tasks (thread -> process) equal the trace.dat's ($(wc -l < "$T_OUT/$s.ref-tasks"))" \
		cmp -s "$T_OUT/$s.ref-tasks" "$T_OUT/$s-txt.tasks"
done
t_done
