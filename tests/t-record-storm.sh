#!/bin/sh
# Load test: an OOM storm (>= 100 memcg OOM kills in under a minute, with
# fork/exit churn alongside) recorded with zero lost events; prints the
# recorder's own CPU time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/record-lib.sh"
record_need_live
STORM=$TOP/build/samples/oomstorm
[ -x "$STORM" ] || skip "no $STORM (run make)"
KILLS=${STORM_KILLS:-120}

TAG=oomlens-storm-$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG=/sys/fs/cgroup/$TAG
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir "$CG" || skip "cannot create $CG"
	echo $((48 << 20)) > "$CG/memory.max"
	[ -f "$CG/memory.swap.max" ] && echo 0 > "$CG/memory.swap.max"
else
	CG=/sys/fs/cgroup/memory/$TAG
	mkdir "$CG" || skip "cannot create $CG"
	echo $((48 << 20)) > "$CG/memory.limit_in_bytes"
fi
churn=
cleanup() {
	[ -n "$churn" ] && kill $churn 2>/dev/null
	for _ in $(seq 1 100); do
		p=$(cat "$CG/cgroup.procs" 2>/dev/null)
		[ -z "$p" ] && break
		kill -KILL $p 2>/dev/null
		sleep 0.1
	done
	rmdir "$CG" 2>/dev/null || echo "WARNING: could not remove $CG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

before=$(tracing_snapshot)
db=$T_OUT/storm.db
# ordinary churn alongside: short-lived processes outside the memcg
( while :; do /bin/true; sleep 0.005; done ) &
churn=$!
start=$(date +%s)
"$OOMLENS" record -q -o "$db" -- sh -c "echo \$\$ > '$CG/cgroup.procs' && exec '$STORM' $KILLS 2 55" \
	>"$T_OUT/storm.out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
kill $churn; wait $churn 2>/dev/null; churn=
cat "$T_OUT/storm.out"
check "storm ran: $KILLS kills (rc $rc)" [ $rc -eq 0 ]
kills=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'oom:mark_victim'")
span=$(sql "$db" "SELECT (max(ts_ns) - min(ts_ns)) / 1000000000.0 FROM events WHERE name = 'oom:mark_victim'")
check "$kills kills recorded (>= 100) in ${span}s (< 60)" [ "${kills:-0}" -ge 100 ] &&
	awk "BEGIN { exit !($span < 60) }"
check "zero events lost" [ "$(sql "$db" "SELECT value FROM meta WHERE key = 'lost.total'")" = 0 ]
logk=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'printk:console' AND fields->>'msg' LIKE '%Killed process%'")
check "every kill's log line recorded ($logk)" [ "$logk" -ge "$kills" ]
n=$(sql "$db" "SELECT count(*) FROM events")
forks=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'sched:sched_process_fork'")
cpu=$(sed -n 's/.*recorder CPU \([0-9.]*\) s.*/\1/p' "$T_OUT/storm.out")
echo "storm: $kills kills, $n events ($forks forks) in ${secs}s; recorder CPU ${cpu}s" \
     "($(awk "BEGIN { printf \"%.3f\", $cpu * 1000 / ($n ? $n : 1) }") s per 1000 events)"
check "instance removed" [ -z "$(our_instances)" ]
check "top-level tracing settings unchanged" [ "$(tracing_snapshot)" = "$before" ]
t_done
