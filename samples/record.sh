#!/bin/bash
# record.sh NAME [OUTDIR] - record one scenario (run-scenario.sh NAME) into
# OUTDIR/NAME.dat (trace-cmd extract from a private tracefs instance) and
# OUTDIR/NAME.dmesg (the kernel log lines of the run, plain [seconds] form).
# Only touches its own instance under /sys/kernel/tracing/instances/.
# RECORD_SCOPE=tree limits the events to the scenario's processes and the
# oom_reaper (see below); RECORD_BUFFER_KB sets the buffer per CPU.
set -u
NAME=${1:?usage: record.sh NAME [OUTDIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
OUTDIR=${2:-$HERE/data}
TRACEFS=/sys/kernel/tracing
[ -d "$TRACEFS/instances" ] || TRACEFS=/sys/kernel/debug/tracing
INST=oomlens-sample-$$
IDIR=$TRACEFS/instances/$INST
BUFKB=${RECORD_BUFFER_KB:-16384}

log() { echo "record[$NAME]: $*" >&2; }

# one live recording or live test at a time on this machine (tests/record-lib.sh)
exec 9>/tmp/oomlens-live.lock
flock 9

cleanup() {
	trap - EXIT INT TERM
	if [ -d "$IDIR" ]; then
		echo 0 > "$IDIR/tracing_on" 2>/dev/null
		rmdir "$IDIR" 2>/dev/null || log "WARNING: could not remove instance $IDIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUTDIR"
mkdir "$IDIR" || { log "cannot create $IDIR"; exit 2; }
echo 0 > "$IDIR/tracing_on"
echo "$BUFKB" > "$IDIR/buffer_size_kb"
CLOCK=$(sed 's/.*\[\(.*\)\].*/\1/' "$IDIR/trace_clock")
log "instance $INST, buffer ${BUFKB} kB/cpu, trace_clock $CLOCK"
[ -f "$IDIR/options/record-tgid" ] && echo 1 > "$IDIR/options/record-tgid"

enable() {	# enable SYSTEM/EVENT [FILTER]
	local d=$IDIR/events/$1
	[ -d "$d" ] || { log "event $1 not available"; return; }
	[ -n "${2:-}" ] && { echo "$2" > "$d/filter" || log "filter '$2' rejected for $1"; }
	echo 1 > "$d/enable"
	ENABLED="$ENABLED $1${2:+ [$2]}"
}
ENABLED=
enable oom
enable sched/sched_process_exit
enable sched/sched_process_free
enable sched/sched_process_fork
enable task/task_newtask
enable task/task_rename
enable signal/signal_generate "sig == 9"
enable mmap/exit_mmap
enable kmem/rss_stat "curr == 0"
enable mmap_lock
enable printk/console
log "events:$ENABLED"

# RECORD_SCOPE=tree (the seed scenarios' samples): only events in the
# context of this script's process tree (event-fork), the oom_reaper
# kthread and the idle task, so that a busy machine's other work does not
# fill the sample.  Events that fire in interrupt context while an
# unrelated task runs (wake_reaper from its timer, sched_process_free
# from RCU) may be missing; samples/README.md says which.
if [ "${RECORD_SCOPE:-all}" = tree ]; then
	REAPER=$(pgrep -x oom_reaper | head -n 1)
	echo 1 > "$IDIR/options/event-fork" || { log "no event-fork option"; exit 2; }
	echo "$$ 0 ${REAPER:-}" > "$IDIR/set_event_pid" || { log "cannot set set_event_pid"; exit 2; }
	log "scope: pids $$ (and its children), 0, oom_reaper ${REAPER:-?}"
fi

LAST=$(dmesg | tail -n 1)
: > "$IDIR/trace"
echo 1 > "$IDIR/tracing_on"
"$HERE/run-scenario.sh" "$NAME"
RC=$?
sleep 1
echo 0 > "$IDIR/tracing_on"

dmesg | awk -v last="$LAST" 'found { print } $0 == last { found = 1; n = NR } END { }' > "$OUTDIR/$NAME.dmesg.tmp"
if [ ! -s "$OUTDIR/$NAME.dmesg.tmp" ] && [ -n "$LAST" ] && ! dmesg | grep -qxF -- "$LAST"; then
	dmesg > "$OUTDIR/$NAME.dmesg.tmp"	# ring buffer wrapped: keep all
fi
mv "$OUTDIR/$NAME.dmesg.tmp" "$OUTDIR/$NAME.dmesg"

LOST=0
for c in "$IDIR"/per_cpu/cpu*; do
	o=$(awk '/^overrun:/ { print $2 }' "$c/stats")
	d=$(awk '/^dropped events:/ { print $3 }' "$c/stats")
	if [ "${o:-0}" != 0 ] || [ "${d:-0}" != 0 ]; then
		log "WARNING: $(basename "$c") overrun ${o:-?} dropped ${d:-?} (lost events)"
		LOST=1
	fi
done
rm -f "$OUTDIR/$NAME.dat"
trace-cmd extract -B "$INST" -o "$OUTDIR/$NAME.dat" >/dev/null 2>"$OUTDIR/.extract.err" || {
	log "trace-cmd extract failed:"; cat "$OUTDIR/.extract.err" >&2; rm -f "$OUTDIR/.extract.err"; exit 2; }
rm -f "$OUTDIR/.extract.err"
# trace-cmd extract -B writes NAME.dat.<instance> for the instance buffer
# on some versions; normalise to NAME.dat
if [ ! -s "$OUTDIR/$NAME.dat" ] && [ -s "$OUTDIR/$NAME.dat.$INST" ]; then
	mv "$OUTDIR/$NAME.dat.$INST" "$OUTDIR/$NAME.dat"
fi
log "scenario exit $RC; wrote $OUTDIR/$NAME.dat ($(stat -c %s "$OUTDIR/$NAME.dat") bytes) and $NAME.dmesg ($(wc -l < "$OUTDIR/$NAME.dmesg") lines)"
[ "$LOST" = 0 ] || log "WARNING: events were lost; raise RECORD_BUFFER_KB"
exit $RC
