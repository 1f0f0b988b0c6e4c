#!/bin/sh
# make-big-trace.sh OUT.dat [SECONDS]: records sched events (and the
# oomlens set) under fork/exit and context-switch churn into a trace.dat
# of >= 1M events, from a tracefs instance of its own (the top-level
# instance is never touched; the instance is removed on every path).
set -eu
out=$1 secs=${2:-6}
T=/sys/kernel/tracing
[ -d $T/instances ] || { echo "make-big-trace: no tracefs at $T (mount -t tracefs nodev $T)" >&2; exit 77; }
inst=oomlens-bench-$$
I=$T/instances/$inst
pids=""
cleanup() {
	set +e
	for p in $pids; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -d "$I" ] && { echo 0 > "$I/tracing_on" 2>/dev/null; rmdir "$I" 2>/dev/null || true; }
}
trap cleanup EXIT INT TERM
mkdir "$I"
echo 131072 > "$I/buffer_size_kb"
for e in sched/sched_switch sched/sched_wakeup sched/sched_waking sched/sched_process_fork \
	 sched/sched_process_exit sched/sched_process_free sched/sched_process_exec \
	 task/task_newtask oom kmem/rss_stat; do
	[ -e "$T/events/$e/enable" ] && echo 1 > "$I/events/$e/enable"
done
# as `oomlens record` does: only the rss updates of exiting/reaped mms
echo 'curr == 0' > "$I/events/kmem/rss_stat/filter"
echo 1 > "$I/tracing_on"
# Load: context switches through 1-byte pipe writes (sched_switch and
# sched_wakeup, which oomlens skips) and some fork/exit churn (kept).
for c in $(seq "$(nproc)"); do
	python3 -c '
import os
a, b = os.pipe(), os.pipe()
if os.fork() == 0:
    while os.read(a[0], 1):
        os.write(b[1], b"x")
    os._exit(0)
while True:
    os.write(a[1], b"x"); os.read(b[0], 1)
' & pids="$pids $!"
done
sh -c 'while :; do /bin/true; sleep 0.01; done' & pids="$pids $!"
sleep "$secs"
for p in $pids; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=""
echo 0 > "$I/tracing_on"
# trace-cmd extract may exit non-zero after writing a good file: judge the file
trace-cmd extract -B "$inst" -o "$out" >/dev/null 2>&1 || true
trace-cmd report --stat "$out" >/dev/null 2>&1 || { echo "make-big-trace: extract failed" >&2; exit 1; }
