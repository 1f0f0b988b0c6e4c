#!/bin/sh
# The seed-behaviour scenarios live on this machine's kernel, through
# `make scenarios`' script (oomlens record -- samples/run-scenario.sh
# NAME, one folder of databases, the summary): each behaviour happened
# (the script's own kernel-log checks) and the analysis names it.
# Needs root, tracefs and a memory cgroup; skipped with the reason
# otherwise.  samples/scenarios.sh takes the live lock itself.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (tracefs instances, memory cgroups)"
[ -d /sys/kernel/tracing/instances ] || skip "tracefs is not mounted at /sys/kernel/tracing"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory cgroup controller (v2)"
else
	[ -d /sys/fs/cgroup/memory ] || skip "no memory cgroup controller (v1)"
	# the scenarios run on v2 where it has the memory controller; here it has not
	if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] &&
	   ! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers; then
		echo "note: cgroup v2 (/sys/fs/cgroup/unified) has no memory controller here: v1 only"
	fi
fi
[ -x "$TOP/build/samples/oomhog" ] || skip "no build/samples/oomhog (run make)"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"

R=$T_OUT/run
# racedexit's race (the reaper and exit_mmap on one mm at once) is narrow:
# a clean-clone CI run on 2026-11-30 missed it on all 3 default tries while
# the test alone passed just after; six tries (each a fresh recording) make
# a miss rare, and the verdict is still required
OOMLENS=$OOMLENS SCEN_TRIES=${SCEN_TRIES:-6} "$TOP/samples/scenarios.sh" -o "$R" lockheld racedexit exitedvictim memfd \
	vforkmm bypass mlocked >"$T_OUT/summary.txt" 2>"$T_OUT/scenarios.err"
rc=$?
check "every scenario's behaviour happened (exit 0)" [ $rc = 0 ] || { cat "$T_OUT/scenarios.err"; cat "$T_OUT/summary.txt"; }
q() { sql "$R/$1.db" "$2"; }
check "summary lists the seven" [ "$(grep -cE '^(lockheld|racedexit|exitedvictim|memfd|vforkmm|bypass|mlocked) ' "$T_OUT/summary.txt")" = 7 ]
check "lockheld: the reaper gave up" [ "$(q lockheld 'select max(gave_up) from reaper_runs')" = 1 ]
check "racedexit: reaper-raced-exit" [ "$(q racedexit "select count(*) from verdicts where kind='reaper-raced-exit'")" -ge 1 ]
check "exitedvictim: a kill before the first victim's MMF_OOM_SKIP" [ "$(q exitedvictim 'select count(*) from victims b, victims a where a.id=0 and b.id>0 and b.kill_ns < a.skip_ns')" -ge 1 ]
check "memfd: the reaper left the shmem" [ "$(q memfd 'select left_kb >= 65536 from reaper_runs where victim=0')" = 1 ]
check "vforkmm: one victim, two sharers (vfork, clone)" [ "$(q vforkmm 'select count(*) from victims')" = 1 ] &&
	[ "$(q vforkmm "select group_concat(created, ',') from (select created from sharers order by created)")" = "clone(CLONE_VM),vfork" ]
check "bypass: marked without a kill" [ "$(q bypass 'select bypass from victims')" = 1 ]
check "mlocked: freed by the reaper" [ "$(q mlocked 'select freed_by from victims')" = reaper ]
check "the run against itself: no change" sh -c "'$OOMLENS' diff '$R' '$R' | grep -qx 'no change'"
t_done
