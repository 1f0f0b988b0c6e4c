#!/bin/sh
# oomlens record --watch (short version of the soak in tests/bench/): ~40 s
# of fork/exit churn with one OOM episode in the middle.  The database
# must hold the whole episode and nothing outside its window (first OOM
# event - before .. last OOM event + after).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/record-lib.sh"
record_need_live

BEFORE=5 AFTER=5
db=$T_OUT/watch.db
before=$(tracing_snapshot)

"$OOMLENS" record --watch --watch-before $BEFORE --watch-after $AFTER --max-db-mb 64 \
	--metrics "$T_OUT/oomlens.prom" -q -o "$db" >"$T_OUT/watch.out" 2>&1 &
rec=$!
sleep 1
# churn: short-lived processes all along (about 50 a second)
cp /bin/true "$T_OUT/olchurn"
end=$(( $(date +%s) + 34 ))
( n=0; while [ "$(date +%s)" -lt $end ]; do "$T_OUT/olchurn"; n=$((n + 1)); sleep 0.02; done
  echo $n > "$T_OUT/churn.count" ) &
churn=$!
sleep 12
"$TOP/samples/run-scenario.sh" selfexit >"$T_OUT/scenario.out" 2>&1
check "scenario selfexit ran" [ $? -eq 0 ]
wait $churn
sleep 3		# the episode (5 s after the last OOM event) is over by now
# --metrics: rewritten after the episode, while the recorder still runs
check "metrics written after the episode" grep -q '^oomlens_kills_total{host=.*} 1$' "$T_OUT/oomlens.prom"
if command -v promtool >/dev/null; then
	check "metrics pass promtool" sh -c "promtool check metrics <'$T_OUT/oomlens.prom'"
fi
kill -INT $rec
wait $rec
rc=$?
check "recorder exits 0 on SIGINT (rc $rc)" [ $rc -eq 0 ]
check "instance removed" [ -z "$(our_instances)" ]
check "top-level tracing settings unchanged" [ "$(tracing_snapshot)" = "$before" ]
check "zero events lost" [ "$(sql "$db" "SELECT value FROM meta WHERE key = 'lost.total'")" = 0 ]

TRIG="('oom:mark_victim','oom:wake_reaper','oom:start_task_reaping','oom:finish_task_reaping','oom:skip_task_reaping')"
victim=$(sql "$db" "SELECT target FROM events WHERE name = 'oom:mark_victim' LIMIT 1")
check "the kill is recorded (victim ${victim:-none})" [ -n "$victim" ]
victim=${victim:-0}
has() { [ "$(sql "$db" "$1")" -ge 1 ]; }
check "episode: the victim's fork" has "SELECT count(*) FROM events WHERE name = 'sched:sched_process_fork' AND target = $victim"
check "episode: the SIGKILL" has "SELECT count(*) FROM events WHERE name = 'signal:signal_generate' AND target = $victim"
check "episode: the victim's exit" has "SELECT count(*) FROM events WHERE name = 'sched:sched_process_exit' AND target = $victim"
check "episode: 'invoked oom-killer' log line" has "SELECT count(*) FROM events WHERE name = 'printk:console' AND fields->>'msg' LIKE '%invoked oom-killer%'"
check "episode: 'Killed process' log line" has "SELECT count(*) FROM events WHERE name = 'printk:console' AND fields->>'msg' LIKE '%Killed process $victim %'"
check "episode: the victim's memory freed (rss_stat)" has "SELECT count(*) FROM events WHERE name = 'kmem:rss_stat' AND pid = $victim"

lo=$(sql "$db" "SELECT min(ts_ns) - $BEFORE * 1000000000 - 200000000 FROM events WHERE name IN $TRIG")
hi=$(sql "$db" "SELECT max(ts_ns) + $AFTER * 1000000000 + 200000000 FROM events WHERE name IN $TRIG")
out=$(sql "$db" "SELECT count(*) FROM events WHERE ts_ns < $lo OR ts_ns > $hi")
check "nothing stored outside the episode window ($out events)" [ "$out" = 0 ]
# each churn run is one exec, i.e. one task_rename to "olchurn"
runs=$(cat "$T_OUT/churn.count")
kept=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'task:task_rename' AND fields->>'newcomm' = 'olchurn'")
check "churn outside the window dropped ($kept of $runs runs stored)" [ "$kept" -lt $((runs * 6 / 10)) ]
size=$(stat -c %s "$db")
check "database under the --max-db-mb bound (${size} bytes)" [ "$size" -lt $((64 << 20)) ]
check "summary counts one episode" grep -q "1 OOM episode" "$T_OUT/watch.out"
t_done
