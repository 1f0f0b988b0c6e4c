#!/bin/sh
# make-lock-trace.sh OUT.dat [LOCKS]: records a lock-heavy trace.dat for
# the store benchmark: the oomlens event set with all of mmap_lock:*
# (what `oomlens record --lock-events=all` enables) while an OOM storm
# (samples/oomstorm, 12 memcg OOM kills in a 48 MB memory cgroup) runs
# next to an mmap/munmap loop of LOCKS iterations (default 200000: each
# takes the mmap write lock twice, 6 mmap_lock events).  From a tracefs
# instance of its own (the top-level one is never touched); takes the
# machine-wide live lock; removes the instance and the cgroup on every path.
set -eu
out=$1 locks=${2:-200000}
top=$(cd "$(dirname "$0")/../.." && pwd)
STORM=$top/build/samples/oomstorm
T=/sys/kernel/tracing
[ "$(id -u)" = 0 ] || { echo "make-lock-trace: needs root" >&2; exit 77; }
[ -d $T/instances ] || { echo "make-lock-trace: no tracefs at $T (mount -t tracefs nodev $T)" >&2; exit 77; }
[ -x "$STORM" ] || { echo "make-lock-trace: no $STORM (run make)" >&2; exit 77; }
exec 9>/tmp/oomlens-live.lock
flock 9
inst=oomlens-lockbench-$$
I=$T/instances/$inst
TAG=oomlens-lockbench-$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG=/sys/fs/cgroup/$TAG; LIMITF=memory.max
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		echo +memory > /sys/fs/cgroup/cgroup.subtree_control
else
	CG=/sys/fs/cgroup/memory/$TAG; LIMITF=memory.limit_in_bytes
fi
storm=
cleanup() {
	set +e
	[ -n "$storm" ] && kill "$storm" 2>/dev/null
	for _ in $(seq 1 100); do
		p=$(cat "$CG/cgroup.procs" 2>/dev/null)
		[ -z "$p" ] && break
		kill -KILL $p 2>/dev/null; sleep 0.1
	done
	[ -d "$CG" ] && rmdir "$CG" 2>/dev/null
	[ -d "$I" ] && { echo 0 > "$I/tracing_on" 2>/dev/null; rmdir "$I" 2>/dev/null; }
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$CG"
echo $((48 << 20)) > "$CG/$LIMITF"
[ -f "$CG/memory.swap.max" ] && echo 0 > "$CG/memory.swap.max"
mkdir "$I"
echo 262144 > "$I/buffer_size_kb"
for e in oom sched/sched_process_exit sched/sched_process_free sched/sched_process_fork \
	 task/task_newtask task/task_rename signal/signal_generate mmap/exit_mmap \
	 kmem/rss_stat mmap_lock printk/console; do
	[ -e "$T/events/$e/enable" ] && echo 1 > "$I/events/$e/enable"
done
echo 'sig == 9' > "$I/events/signal/signal_generate/filter"
echo 'curr == 0' > "$I/events/kmem/rss_stat/filter"
echo 1 > "$I/tracing_on"
sh -c "echo \$\$ > '$CG/cgroup.procs' && exec '$STORM' 12 2 20 >/dev/null" &
storm=$!
python3 -c '
import mmap, sys
for i in range(int(sys.argv[1])):
    m = mmap.mmap(-1, 4096)
    m[0] = 1
    m.close()
' "$locks"
wait "$storm" || true
storm=
echo 0 > "$I/tracing_on"
# trace-cmd extract may exit non-zero after writing a good file: judge the file
trace-cmd extract -B "$inst" -o "$out" >/dev/null 2>&1 || true
trace-cmd report --stat "$out" >/dev/null 2>&1 || { echo "make-lock-trace: extract failed" >&2; exit 1; }
