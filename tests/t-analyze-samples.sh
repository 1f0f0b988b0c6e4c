#!/bin/sh
# analyze/ on the committed real recordings (samples/data, 6.18 kernel):
# the verdicts must match what each scenario did.  Expected values are
# derived from the raw events in the same database, with tolerances.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
for s in selfexit reaped unreapable sharedmm pinned; do
	[ -f "$SAMPLES/$s.dat" ] || skip "missing sample $s.dat"
	"$OOMLENS" import "$SAMPLES/$s.dat" -o "$T_OUT/$s.db" >"$T_OUT/$s.log" 2>&1 ||
		{ bad "import $s"; cat "$T_OUT/$s.log"; }
done
# between A and B (floats)
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }

# ---- selfexit: MMF_OOM_SKIP by the exit path, freed by exit, no reaper
D=$T_OUT/selfexit.db
check "selfexit: one victim" [ "$(sql $D 'select count(*) from victims')" = 1 ]
check "selfexit: victim pid = mark_victim target" \
	[ "$(sql $D 'select pid from victims')" = "$(sql $D "select target from events where name='oom:mark_victim'")" ]
check "selfexit: skip by exit, observed" [ "$(sql $D 'select skip_by, skip_confidence from victims')" = "exit|observed" ]
check "selfexit: skip bracket before the exit_mmap event" [ "$(sql $D "select skip_hi_ns <= (select min(ts_ns) from events where name='mmap:exit_mmap' and ts_ns > v.kill_ns and pid = v.pid) and skip_lo_ns >= kill_ns from victims v")" = 1 ]
check "selfexit: freed_by exit" [ "$(sql $D 'select freed_by from victims')" = exit ]
check "selfexit: no reaper run" [ "$(sql $D 'select count(*) from reaper_runs')" = 0 ]
check "selfexit: verdict ok" [ "$(sql $D 'select verdict from victims')" = ok ]
check "selfexit: last_freed = exit_mmap of its own thread" [ "$(sql $D "select last_freed_ns = (select min(ts_ns) from events where name='mmap:exit_mmap' and ts_ns > v.kill_ns and pid = v.pid) from victims v")" = 1 ]
check "selfexit: memory from the event" [ "$(sql $D "select rss_kb = (select (fields->>'anon_rss') + (fields->>'file_rss') + (fields->>'shmem_rss') from events where name='oom:mark_victim') from victims")" = 1 ]
check "selfexit: era 6.1+" sh -c "sqlite3 $D \"select value from analysis_meta where key='era'\" | grep -q '^6.1+'"

# ---- reaped: the reaper reaped ~all of it ~2 s after the kill, skip by reaper
D=$T_OUT/reaped.db
check "reaped: skip by reaper, observed" [ "$(sql $D 'select skip_by, skip_confidence from victims')" = "reaper|observed" ]
fin=$(sql $D "select ts_ns from events where name='oom:finish_task_reaping'")
check "reaped: skip bracket starts at/after finish_task_reaping" [ "$(sql $D "select skip_lo_ns >= $fin and skip_ns >= $fin from victims")" = 1 ]
d=$(sql $D "select (skip_ns - kill_ns) / 1e9 from victims")
check "reaped: MMF_OOM_SKIP about 2 s after the kill ($d)" within "$d" 1.9 2.3
now=$(sql $D "select msg from console where msg like 'oom_reaper: reaped process%'" | sed 's/.*anon-rss:\([0-9]*\)kB, file-rss:\([0-9]*\)kB, shmem-rss:\([0-9]*\)kB.*/\1 \2 \3/')
left=$(echo $now | awk '{print $1+$2+$3}')
check "reaped: left_kb from the reaper line ($left)" [ "$(sql $D 'select left_kb from reaper_runs')" = "$left" ]
check "reaped: reaped_kb = rss - left" [ "$(sql $D 'select r.reaped_kb = v.rss_kb - r.left_kb from reaper_runs r join victims v on v.id = r.victim')" = 1 ]
check "reaped: reaped most of it" [ "$(sql $D 'select r.reaped_kb * 10 >= v.rss_kb * 9 from reaper_runs r join victims v on v.id = r.victim')" = 1 ]
check "reaped: freed_by reaper" [ "$(sql $D 'select freed_by from victims')" = reaper ]
check "reaped: freed between reaper start and finish" [ "$(sql $D "select freed_ns between (select ts_ns from events where name='oom:start_task_reaping') and $fin from victims")" = 1 ]
check "reaped: wake_reaper on the timeline with its event" [ "$(sql $D "select count(*) from timeline t join events e on e.id = t.event_id where t.what='wake_reaper' and e.name='oom:wake_reaper'")" = 1 ]
check "reaped: rss curve falls to 0" [ "$(sql $D 'select min(held_kb) from rss_curve')" = 0 ]
check "reaped: last_freed at exit_mmap (D thread exit)" [ "$(sql $D "select (last_freed_ns - kill_ns) > 5e9 from victims")" = 1 ]
check "reaped: reaper delay inferred as 2s" [ "$(sql $D "select value from analysis_meta where key='reaper_delay'")" = 2s ]

# ---- unreapable: every bystander kill unnecessary, pointing at the first victim
D=$T_OUT/unreapable.db
first=$(sql $D "select target from events where name='oom:mark_victim' order by ts_ns limit 1")
nkill=$(sql $D "select count(*) from events where name='oom:mark_victim'")
check "unreapable: one victim per mark_victim ($nkill)" [ "$(sql $D 'select count(*) from victims')" = "$nkill" ]
check "unreapable: first victim is $first" [ "$(sql $D 'select pid from victims where id=0')" = "$first" ]
check "unreapable: first victim skip by reaper" [ "$(sql $D 'select skip_by from victims where id=0')" = reaper ]
check "unreapable: every later kill unnecessary" [ "$(sql $D "select count(*) from victims where id > 0 and verdict='unnecessary'")" = $((nkill - 1)) ]
check "unreapable: all point at victim 0" [ "$(sql $D "select count(*) from verdicts where kind='unnecessary' and other=0")" = $((nkill - 1)) ]
shm=$(sql $D "select fields->>'shmem_rss' from events where name='oom:mark_victim' and target=$first")
check "unreapable: evidence names the held memory (shmem $shm kB)" [ "$(sql $D "select count(*) from verdicts where kind='unnecessary' and evidence like '%pid $first (%' and evidence like '%shmem $shm kB%'")" = $((nkill - 1)) ]
# the first victim's memory came back when its last (D-state) thread tore it down
rel=$(sql $D "select ts_ns from events where name='mmap:exit_mmap' and fields->>'mm' = (select fields->>'mm' from events where name like 'mmap_lock%' and pid=(select pid from events where name='oom:start_task_reaping') and ts_ns >= (select ts_ns from events where name='oom:start_task_reaping') limit 1) and ts_ns > (select ts_ns from events where name='oom:start_task_reaping') order by ts_ns limit 1")
check "unreapable: first victim's last_freed = exit_mmap of its mm" [ "$(sql $D "select last_freed_ns from victims where id=0")" = "$rel" ]
check "unreapable: freed after every bystander kill" [ "$(sql $D "select freed_ns > (select max(kill_ns) from victims) from victims where id=0")" = 1 ]
relsec=$(sql $D "select printf('%.3f', (last_freed_ns - kill_ns)/1e9) from victims where id=0")
check "unreapable: evidence gives the release time (+${relsec}s)" [ "$(sql $D "select count(*) from verdicts where kind='unnecessary' and evidence like '%+${relsec}s%'")" = $((nkill - 1)) ]
check "unreapable: first victim ineffective" [ "$(sql $D "select count(*) from verdicts where victim=0 and kind='ineffective'")" = 1 ]
check "unreapable: reaper left the shmem" [ "$(sql $D 'select left_kb >= '"$shm"' from reaper_runs where victim=0')" = 1 ]
check "unreapable: one episode" [ "$(sql $D 'select count(*) from episodes')" = 1 ]

# ---- sharedmm: one victim per mark_victim, the SIGKILLed sharer in sharers
D=$T_OUT/sharedmm.db
mv=$(sql $D "select target from events where name='oom:mark_victim'")
other=$(sql $D "select target from events where name='signal:signal_generate' and target != $mv and ts_ns > (select ts_ns from events where name='oom:mark_victim') order by ts_ns limit 1")
check "sharedmm: one victim (one mark_victim)" [ "$(sql $D 'select count(*) from victims')" = 1 ]
check "sharedmm: the victim is the marked one" [ "$(sql $D 'select pid from victims')" = "$mv" ]
check "sharedmm: the SIGKILLed sharer is in sharers, of victim 0" [ "$(sql $D 'select victim || ":" || pid from sharers')" = "0:$other" ]
check "sharedmm: the sharer created the victim by clone(CLONE_VM)" [ "$(sql $D "select created || ',' || parent from sharers")" = "clone(CLONE_VM),1" ]
check "sharedmm: the sharer's exit is recorded" [ "$(sql $D "select exit_ns = (select max(ts_ns) from events where name='sched:sched_process_exit' and target=$other) from sharers")" = 1 ]
check "sharedmm: shared-mm verdict" [ "$(sql $D "select count(*) from verdicts where kind='shared-mm'")" = 1 ]
check "sharedmm: shared-mm headline" [ "$(sql $D "select verdict from victims")" = shared-mm ]
check "sharedmm: not unnecessary" [ "$(sql $D "select count(*) from verdicts where kind='unnecessary'")" = 0 ]
check "sharedmm: freed at the shared mm's exit_mmap, in the sharer" [ "$(sql $D "select count(*) from victims where last_freed_ns = (select ts_ns from events where name='mmap:exit_mmap' and pid=$other and ts_ns > kill_ns order by ts_ns limit 1)")" = 1 ]

# ---- pinned: victim gone from the task list, mm pinned: bystanders unnecessary
D=$T_OUT/pinned.db
first=$(sql $D "select target from events where name='oom:mark_victim' order by ts_ns limit 1")
nkill=$(sql $D "select count(*) from events where name='oom:mark_victim'")
check "pinned: one victim per mark_victim" [ "$(sql $D 'select count(*) from victims')" = "$nkill" ]
check "pinned: first victim exited before the second kill" [ "$(sql $D "select v0.exit_ns < v1.kill_ns from victims v0, victims v1 where v0.id=0 and v1.id=1")" = 1 ]
check "pinned: every later kill unnecessary, pointing at $first" [ "$(sql $D "select count(*) from verdicts where kind='unnecessary' and other=0 and evidence like '%pid $first (%' and evidence like '%threads had exited%'")" = $((nkill - 1)) ]
check "pinned: first victim freed by the reaper" [ "$(sql $D 'select freed_by from victims where id=0')" = reaper ]
check "pinned: final exit_mmap not in a victim thread" [ "$(sql $D "select count(*) from timeline where victim=0 and what='exit_mmap' and detail like '%pinned%'")" = 1 ]

# ---- timelines cite real events; loader round trip through analyze
check "every timeline event_id exists" [ "$(for s in selfexit reaped unreapable sharedmm pinned; do sql $T_OUT/$s.db 'select count(*) from timeline t where event_id is not null and not exists (select 1 from events e where e.id = t.event_id)'; done | sort -u)" = 0 ]
cp "$T_OUT/unreapable.db" "$T_OUT/again.db"
check "analyze is repeatable" sh -c "'$OOMLENS' analyze '$T_OUT/again.db' > '$T_OUT/again.out' && grep -q '4 victims' '$T_OUT/again.out'"
check "same victims after re-analysis" [ "$(sql $T_OUT/again.db 'select count(*) from victims')" = "$(sql $T_OUT/unreapable.db 'select count(*) from victims')" ]
check "analyze of a missing file fails" sh -c "! '$OOMLENS' analyze '$T_OUT/nope.db' 2>/dev/null"
t_done
