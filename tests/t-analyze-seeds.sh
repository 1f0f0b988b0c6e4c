#!/bin/sh
# The seed-behaviour recordings (samples/data/seeds, this machine's 6.18
# kernel, samples/README.md): each scenario's expected verdicts.  Values
# are compared with the raw events and kernel log of the same database.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
S=$SAMPLES/seeds
for s in lockheld racedexit exitedvictim memfd vforkmm bypass mlocked; do
	[ -f "$S/$s.dat" ] || skip "missing sample seeds/$s.dat"
	"$OOMLENS" import "$S/$s.dat" "$S/$s.dmesg" -o "$T_OUT/$s.db" >"$T_OUT/$s.log" 2>&1 ||
		{ bad "import $s"; cat "$T_OUT/$s.log"; }
done
q() { sql "$T_OUT/$1.db" "$2"; }

# lockheld (seed 000): ten failed trylocks, the reaper gives up, a later kill is unnecessary
check "lockheld: the reaper gave up on victim 0" [ "$(q lockheld 'select gave_up from reaper_runs where victim=0')" = 1 ]
check "lockheld: ten failed tries (skip_task_reaping)" [ "$(q lockheld "select count(*) from events where name='oom:skip_task_reaping'")" = 10 ]
check "lockheld: MMF_OOM_SKIP by reaper-gave-up, observed" [ "$(q lockheld 'select skip_by || "," || skip_confidence from victims where id=0')" = "reaper-gave-up,observed" ]
check "lockheld: its memory came back by its exit, after the skip" [ "$(q lockheld 'select freed_by = "exit" and freed_ns > skip_ns from victims where id=0')" = 1 ]
check "lockheld: a later victim is unnecessary" [ "$(q lockheld "select count(*) from verdicts where kind='unnecessary' and other=0")" -ge 1 ]

# racedexit (seed 001): reaper and exit_mmap on the same mm at once
check "racedexit: one victim" [ "$(q racedexit 'select count(*) from victims')" = 1 ]
check "racedexit: reaper-raced-exit, observed" [ "$(q racedexit "select count(*) from verdicts where kind='reaper-raced-exit' and confidence='observed'")" = 1 ]
# 6.16+: the last exit (group_dead) comes before exit_mm(); exit_mmap ends the teardown
check "racedexit: the exit path (last exit .. exit_mmap) overlaps the reaper's run" [ "$(q racedexit "select exit_ns < r.end_ns and last_freed_ns > r.start_ns from victims v join reaper_runs r on r.victim = v.id")" = 1 ]
check "racedexit: rss_stat of both oom_reaper and the victim after the reaper's start" [ "$(q racedexit "select count(distinct comm = 'oom_reaper') from events where name='kmem:rss_stat' and ts_ns >= (select start_ns from reaper_runs) and ts_ns <= (select end_ns from reaper_runs) and (comm = 'oom_reaper' or tgid = (select tgid from victims))")" = 2 ]

# exitedvictim (seed 003): new victims while the first one's exit_mmap runs
check "exitedvictim: at least two victims" [ "$(q exitedvictim 'select count(*) >= 2 from victims')" = 1 ]
check "exitedvictim: victim 1 chosen after victim 0's threads exited, before its MMF_OOM_SKIP" [ "$(q exitedvictim 'select b.kill_ns >= a.exit_ns and b.kill_ns < a.skip_ns from victims a, victims b where a.id=0 and b.id=1')" = 1 ]
check "exitedvictim: MMF_OOM_SKIP by the exit path, observed" [ "$(q exitedvictim 'select skip_by || "," || skip_confidence from victims where id=0')" = "exit,observed" ]
check "exitedvictim: victim 1 unnecessary, observed, naming exit_mmap" [ "$(q exitedvictim "select count(*) from verdicts where victim=1 and kind='unnecessary' and confidence='observed' and evidence like '%exit_mmap was still unmapping%'")" = 1 ]
check "exitedvictim: no reaper run" [ "$(q exitedvictim 'select count(*) from reaper_runs')" = 0 ]

# memfd (seed 000): the reaper frees nothing of a MAP_SHARED memfd
check "memfd: one victim" [ "$(q memfd 'select count(*) from victims')" = 1 ]
check "memfd: MMF_OOM_SKIP by the reaper" [ "$(q memfd 'select skip_by from victims')" = reaper ]
check "memfd: the reaper left >= 100 MB (shmem)" [ "$(q memfd 'select left_kb >= 100000 from reaper_runs')" = 1 ]
check "memfd: freed by exit, seconds after the skip" [ "$(q memfd 'select freed_by = "exit" and freed_ns - skip_ns > 1000000000 from victims')" = 1 ]

# vforkmm (seed 002): one victim, a clone(CLONE_VM) and a vfork sharer, the mm's times
check "vforkmm: one victim (one mark_victim)" [ "$(q vforkmm 'select count(*) from victims')" = "$(q vforkmm "select count(*) from events where name='oom:mark_victim'")" ]
check "vforkmm: two sharers" [ "$(q vforkmm 'select count(*) from sharers where victim=0')" = 2 ]
check "vforkmm: one vfork sharer, the vfork child" [ "$(q vforkmm "select comm || ',' || parent from sharers where created='vfork'")" = "oomhog-vfchild,0" ]
check "vforkmm: one clone(CLONE_VM) sharer" [ "$(q vforkmm "select count(*) from sharers where created='clone(CLONE_VM)'")" = 1 ]
check "vforkmm: every sharer got the OOM killer's SIGKILL" [ "$(q vforkmm "select count(*) from sharers s join events e on e.id = s.event_id where e.name='signal:signal_generate' and e.target = s.pid")" = 2 ]
check "vforkmm: freed by the reaper ~2 s after the kill (the mm's time)" [ "$(q vforkmm 'select freed_by = "reaper" and freed_ns - kill_ns between 1900000000 and 2500000000 from victims')" = 1 ]
check "vforkmm: shared-mm verdict, observed" [ "$(q vforkmm "select verdict || ',' || verdict_confidence from victims")" = "shared-mm,observed" ]
check "vforkmm: the summary counts one kill" [ "$("$OOMLENS" report "$T_OUT/vforkmm.db" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["kills"])')" = 1 ]

# bypass (seed 002): marked without a kill
check "bypass: one victim, a bypass" [ "$(q bypass 'select bypass || "," || verdict from victims')" = "1,bypass" ]
check "bypass: freed by the reaper" [ "$(q bypass 'select freed_by from victims')" = reaper ]

# mlocked: 6.18 (5.18+) reaps VM_LOCKED memory
check "mlocked: freed by the reaper" [ "$(q mlocked 'select freed_by from victims')" = reaper ]
check "mlocked: the reaper left < 10% (5.18+)" [ "$(q mlocked 'select r.left_kb * 10 <= v.rss_kb from victims v join reaper_runs r on r.victim = v.id')" = 1 ]
t_done
