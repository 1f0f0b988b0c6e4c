#!/bin/sh
# oomlens record: sustained events/s stored without loss and CPU cost per
# 1,000 events, driven by unfiltered kmem:rss_stat (--rss) under a
# memory-touching load (samples/oomstorm in a memcg: children fault pages
# in until the memcg OOM-kills them); then the --watch soak: a long run
# of churn with an OOM episode every few minutes, printing the database
# size against its bound.  Needs root, tracefs and a memory cgroup.
# BENCH_SECS (20) per load level, BENCH_SOAK_SECS (600; 0 skips the soak).
top=$(cd "$(dirname "$0")/../.." && pwd)
OOMLENS=${OOMLENS:-$top/oomlens}
STORM=$top/build/samples/oomstorm
SECS=${BENCH_SECS:-20}
SOAK=${BENCH_SOAK_SECS:-600}
work=${BENCH_DIR:-/tmp/oomlens-bench}
mkdir -p "$work"
[ "$(id -u)" = 0 ] || { echo "bench-record: needs root"; exit 77; }
[ -x "$STORM" ] && [ -x "$OOMLENS" ] || { echo "bench-record: run make first"; exit 77; }

TAG=oomlens-bench-$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG=/sys/fs/cgroup/$TAG; LIMITF=memory.max
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		echo +memory > /sys/fs/cgroup/cgroup.subtree_control
else
	CG=/sys/fs/cgroup/memory/$TAG; LIMITF=memory.limit_in_bytes
fi
mkdir "$CG" || { echo "bench-record: cannot create $CG"; exit 77; }
[ -f "$CG/memory.swap.max" ] && echo 0 > "$CG/memory.swap.max"
churn=
cleanup() {
	[ -n "$churn" ] && kill $churn 2>/dev/null
	for _ in $(seq 1 100); do
		p=$(cat "$CG/cgroup.procs" 2>/dev/null)
		[ -z "$p" ] && break
		kill -KILL $p 2>/dev/null; sleep 0.1
	done
	rmdir "$CG" 2>/dev/null || echo "bench-record: WARNING: could not remove $CG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

q() { sqlite3 -batch -noheader "$1" "$2"; }

# level LIMIT_MB PARALLEL: one recording of SECS seconds of load
level() {
	db=$work/record-$1-$2.db
	rm -f "$db"
	echo $(($1 << 20)) > "$CG/$LIMITF"
	"$OOMLENS" record --rss -q -o "$db" -- sh -c \
		"echo \$\$ > '$CG/cgroup.procs' && exec '$STORM' 1000000 $2 $SECS >/dev/null" \
		>"$work/record.out" 2>&1
	line=$(grep 'recorded' "$work/record.out" | head -n 1)
	n=$(echo "$line" | sed -n 's/.*: \([0-9]*\) events read.*/\1/p')
	lost=$(echo "$line" | sed -n 's/.* \([0-9]*\) lost.*/\1/p')
	cpu=$(echo "$line" | sed -n 's/.*recorder CPU \([0-9.]*\) s.*/\1/p')
	wall=$(echo "$line" | sed -n 's/.*recorded \([0-9.]*\) s.*/\1/p')
	rss=$(q "$db" "SELECT count(*) FROM events WHERE name = 'kmem:rss_stat'")
	awk -v n="${n:-0}" -v l="${lost:-?}" -v c="${cpu:-0}" -v w="${wall:-1}" -v r="$rss" \
	    -v lim="$1" -v p="$2" 'BEGIN {
		printf "  memcg %4d MB x%d: %8d events (%d rss_stat) in %5.1f s = %7.0f events/s stored, lost %s, recorder CPU %.2f s = %.3f ms per 1000 events (%.0f%% of a CPU)\n",
		lim, p, n, r, w, n / w, l, c, n ? c * 1e6 / n : 0, 100 * c / w }'
}

echo "bench-record: --rss under a page-faulting load ($SECS s each)"
level 256 1
level 256 2
level 1024 2

[ "$SOAK" -gt 0 ] || exit 0
every=${BENCH_SOAK_EVERY:-0}	# 0: one OOM episode, 30 s in (the issue's soak)
echo "bench-record: --watch soak, $SOAK s of churn, $([ "$every" -gt 0 ] && echo "an OOM episode every $every s" || echo "one OOM episode at 30 s")"
db=$work/watch.db
rm -f "$db"
echo $((64 << 20)) > "$CG/$LIMITF"
( while :; do /bin/true; sleep 0.005; done ) &
churn=$!
"$OOMLENS" record --watch -q -o "$db" >"$work/watch.out" 2>&1 &
rec=$!
t=0
while [ $t -lt "$SOAK" ]; do
	if { [ "$every" -gt 0 ] && [ $((t % every)) -eq 30 ]; } || [ $t -eq 30 ]; then
		sh -c "echo \$\$ > '$CG/cgroup.procs' && exec '$STORM' 3 1 20" >/dev/null 2>&1
	fi
	sleep 10; t=$((t + 10))
	printf '  %4d s: database %s bytes\n' $t "$(stat -c %s "$db" 2>/dev/null || echo 0)"
done
kill -INT $rec; wait $rec
kill $churn; wait $churn 2>/dev/null; churn=
cat "$work/watch.out"
echo "  episodes: $(q "$db" "SELECT count(*) FROM sources WHERE events > 0") sources with events," \
     "$(q "$db" "SELECT count(*) FROM events") events, $(stat -c %s "$db") bytes," \
     "kills $(q "$db" "SELECT count(*) FROM events WHERE name = 'oom:mark_victim'")"
echo "  kept $(q "$db" "SELECT count(*) FROM events") of the events read (see the recorder's line above);" \
     "bound: the episodes' windows (--watch-before 30 s + --watch-after 60 s after the last OOM event)"
