#!/bin/bash
# run-scenario.sh NAME - run one oomhog scenario inside its own memory cgroup
# (plus a blkio/io cgroup and a throttled loop device when needed), wait for
# it to finish, clean up everything, exit 0 when the expected OOM kill(s)
# happened.  Never touches tracing: usable as
#     oomlens record -- samples/run-scenario.sh reaped
# NAME: selfexit | reaped | unreapable | sharedmm | pinned, and the seed
# behaviours lockheld | racedexit | exitedvictim | memfd | vforkmm | bypass |
# mlocked, each checked from the kernel log of the run (samples/README.md).
# Environment: OOMLENS_SAMPLES_BIN (directory holding oomhog; default
# build/samples next to this script), SCEN_LIMIT_MB, SCEN_READ_MB,
# SCEN_READ_BPS, SCEN_TIMEOUT (seconds), SCEN_CGROOT (cgroup mount root),
# SCEN_RACE_KB (racedexit's timed read).
# Takes no lock itself: whoever runs it live (record.sh, oomlens record
# from `make scenarios`, the live tests) holds /tmp/oomlens-live.lock.
set -u

NAME=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${OOMLENS_SAMPLES_BIN:-$HERE/../build/samples}
HOG=$BIN/oomhog
CGROOT=${SCEN_CGROOT:-/sys/fs/cgroup}
TAG=oomlens-sample-$$
TIMEOUT=${SCEN_TIMEOUT:-40}

log() { echo "run-scenario[$NAME]: $*" >&2; }

SCENARIOS="selfexit reaped unreapable sharedmm pinned lockheld racedexit exitedvictim memfd vforkmm bypass mlocked"
HOGARGS=() WANTRC=137 READ_MB=4 READ_BPS=524288	# 4 MB at 512 KiB/s: ~8 s in D state
case "$NAME" in
selfexit)   LIMIT=64;  NEEDDEV=0; WANTKILLS=1 ;;
reaped)     LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
unreapable) LIMIT=160; NEEDDEV=1; WANTKILLS=2 ;;
sharedmm)   LIMIT=64;  NEEDDEV=0; WANTKILLS=1 ;;
pinned)     LIMIT=128; NEEDDEV=1; WANTKILLS=1; WANTRC=0 ;;
lockheld)   LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
racedexit)  LIMIT=2048; NEEDDEV=1; WANTKILLS=1 ;;
exitedvictim) LIMIT=900; NEEDDEV=1; WANTKILLS=2; HOGARGS=(-m 800 -b 3 -s 4 -i 1 -c 80) ;;
memfd)      LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
vforkmm)    LIMIT=128; NEEDDEV=1; WANTKILLS=1; READ_MB=2 ;;
bypass)     LIMIT=128; NEEDDEV=1; WANTKILLS=0; WANTRC=0 ;;
mlocked)    LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
globaloom)  LIMIT=0;   NEEDDEV=0; WANTKILLS=1 ;;	# the VM only (samples/vm)
list)       echo $SCENARIOS; exit 0 ;;
*) echo "usage: $0 list|$(echo $SCENARIOS | tr ' ' '|')" >&2; exit 2 ;;
esac
LIMIT=${SCEN_LIMIT_MB:-$LIMIT}
READ_MB=${SCEN_READ_MB:-$READ_MB}
READ_BPS=${SCEN_READ_BPS:-$READ_BPS}
[ "$NAME" = racedexit ] && HOGARGS=(-m "$LIMIT" -k "${SCEN_RACE_KB:-1112}")

[ "$(id -u)" = 0 ] || { log "must run as root"; exit 2; }
[ -x "$HOG" ] || { log "no $HOG (build it: make, or gcc -O2 -pthread -o $HOG samples/oomhog.c)"; exit 2; }

# A global OOM: only inside the oomlens VM (samples/vm/init), never on a
# machine anyone works on.  The hog (oom_score_adj 1000) grows until the
# global OOM killer takes it: "Out of memory: Killed process" (not memcg).
if [ "$NAME" = globaloom ]; then
	if ! grep -qw 'oomlens.vm=1' /proc/cmdline || [ "${OOMLENS_VM:-0}" != 1 ]; then
		log "refusing: a global OOM runs only inside the oomlens VM (samples/vm/run-vm.sh)"
		exit 2
	fi
	MARK="oomlens-scenario global-$$ start $NAME"
	echo "$MARK" > /dev/kmsg
	( echo 1000 > /proc/self/oom_score_adj; exec "$HOG" selfexit ) &
	VPID=$!
	wait "$VPID"
	RC=$?
	sleep 1
	if [ "$RC" = 137 ] && dmesg | awk -v m="$MARK" 'f { print } index($0, m) { f = 1 }' |
		grep -qE "(Out of memory|oom_kill_allocating_task).*Killed process $VPID "; then
		log "global OOM killed $VPID: OK"
		exit 0
	fi
	log "FAILED (exit $RC)"
	exit 1
fi

# cgroup layout
if [ -f "$CGROOT/cgroup.controllers" ]; then
	CGV=2
	MEMCG=$CGROOT/$TAG
	IOCG=$MEMCG
	grep -qw memory "$CGROOT/cgroup.controllers" || { log "memory controller not available in $CGROOT (bound to v1?)"; exit 2; }
	if [ "$NEEDDEV" = 1 ] && ! grep -qw io "$CGROOT/cgroup.controllers"; then
		log "io controller not available in $CGROOT"; exit 2
	fi
elif [ -d "$CGROOT/memory" ]; then
	CGV=1
	MEMCG=$CGROOT/memory/$TAG
	IOCG=
	[ "$NEEDDEV" = 1 ] && IOCG=$CGROOT/blkio/$TAG
else
	log "no memory cgroup controller under $CGROOT"; exit 2
fi

LOOPDEV='' IMG='' MAINPID=''
cg_procs() { cat "$MEMCG/cgroup.procs" 2>/dev/null; }

cleanup() {
	local p
	trap - EXIT INT TERM
	[ -n "$MAINPID" ] && kill -KILL "$MAINPID" 2>/dev/null
	if [ -d "$MEMCG" ]; then
		for _ in $(seq 1 300); do	# D-state readers die when their read ends
			p=$(cg_procs)
			[ -z "$p" ] && break
			kill -KILL $p 2>/dev/null
			sleep 0.1
		done
		rmdir "$MEMCG" 2>/dev/null || log "WARNING: could not rmdir $MEMCG"
	fi
	if [ -n "$IOCG" ] && [ "$IOCG" != "$MEMCG" ] && [ -d "$IOCG" ]; then
		rmdir "$IOCG" 2>/dev/null || log "WARNING: could not rmdir $IOCG"
	fi
	[ -n "$LOOPDEV" ] && { losetup -d "$LOOPDEV" 2>/dev/null || log "WARNING: losetup -d $LOOPDEV failed"; }
	[ -n "$IMG" ] && rm -f "$IMG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$MEMCG" || exit 2
if [ "$CGV" = 1 ]; then
	echo $((LIMIT * 1024 * 1024)) > "$MEMCG/memory.limit_in_bytes" || exit 2
	[ -n "$IOCG" ] && { mkdir "$IOCG" || exit 2; }
else
	grep -qw memory "$CGROOT/cgroup.subtree_control" || echo +memory > "$CGROOT/cgroup.subtree_control"
	echo $((LIMIT * 1024 * 1024)) > "$MEMCG/memory.max" || exit 2
	[ -f "$MEMCG/memory.swap.max" ] && echo 0 > "$MEMCG/memory.swap.max"
	if [ "$NEEDDEV" = 1 ]; then
		grep -qw io "$CGROOT/cgroup.subtree_control" || echo +io > "$CGROOT/cgroup.subtree_control"
	fi
fi

ARGS=()
if [ "$NEEDDEV" = 1 ]; then
	IMG=$(mktemp /var/tmp/$TAG.img.XXXXXX) || exit 2	# busybox: XXXXXX last
	truncate -s 64M "$IMG"
	LOOPDEV=$(losetup -f --show "$IMG") || { log "losetup failed"; exit 2; }
	MAJMIN=$(lsblk -dno MAJ:MIN "$LOOPDEV" | tr -d ' ')
	[ -n "$MAJMIN" ] || MAJMIN=$(printf '%d:%d' "0x$(stat -c %t "$LOOPDEV")" "0x$(stat -c %T "$LOOPDEV")")
	if [ "$CGV" = 1 ]; then
		echo "$MAJMIN $READ_BPS" > "$IOCG/blkio.throttle.read_bps_device" || exit 2
	else
		echo "$MAJMIN rbps=$READ_BPS" > "$IOCG/io.max" || exit 2
	fi
	ARGS=(-d "$LOOPDEV" -r "$READ_MB")
	log "loop $LOOPDEV ($MAJMIN) read-throttled to $READ_BPS B/s"
fi

oom_kills() {
	if [ "$CGV" = 1 ]; then
		awk '$1 == "oom_kill" { print $2 }' "$MEMCG/memory.oom_control"
	else
		awk '$1 == "oom_kill" { print $2 }' "$MEMCG/memory.events"
	fi
}

log "memcg $MEMCG limit ${LIMIT} MB (cgroup v$CGV)"
# the kernel log of this run starts after this line (checks below)
MARK="oomlens-scenario $TAG start $NAME"
echo "$MARK" > /dev/kmsg 2>/dev/null || log "cannot write /dev/kmsg: kernel-log checks see the whole log"
(
	echo $BASHPID > "$MEMCG/cgroup.procs" || exit 2
	[ -n "$IOCG" ] && [ "$IOCG" != "$MEMCG" ] && { echo $BASHPID > "$IOCG/cgroup.procs" || exit 2; }
	exec "$HOG" "$NAME" "${ARGS[@]}" "${HOGARGS[@]}"
) &
MAINPID=$!
wait "$MAINPID"
RC=$?
# when the victim's last thread was gone (racedexit), on the log's clock
echo "oomlens-scenario $TAG main $MAINPID exited" > /dev/kmsg 2>/dev/null
VPID=$MAINPID
MAINPID=
log "main process $VPID exited with status $RC"
# wait for every process of the scenario (bystanders, D-state threads)
for _ in $(seq 1 $((TIMEOUT * 10))); do
	[ -z "$(cg_procs)" ] && break
	sleep 0.1
done
[ -n "$(cg_procs)" ] && log "WARNING: processes still in memcg after ${TIMEOUT}s: $(cg_procs | tr '\n' ' ')"
KILLS=$(oom_kills)
log "oom_kill count: ${KILLS:-?} (want >= $WANTKILLS), exit status $RC (want $WANTRC)"

# ---- what the kernel log of this run says (dmesg: [seconds] on local_clock) ----
klog() { dmesg 2>/dev/null | awk -v m="$MARK" 'f { print } index($0, m) { f = 1 }'; }
KLOG=$(klog)
# the time of the first line matching ERE $1 (empty if none)
kt() { printf '%s\n' "$KLOG" | grep -E -m1 -- "$1" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
has() { printf '%s\n' "$KLOG" | grep -qE -- "$1"; }
# awk arithmetic on the times: cmp EXPR -> exit 0 if true
cmp_t() { awk "BEGIN { exit !($1) }"; }
kver() { uname -r | awk -F. '{ print $1 * 1000 + $2 }'; }

check_generic() { [ "$RC" = "$WANTRC" ] && [ "${KILLS:-0}" -ge "$WANTKILLS" ]; }

# seed 000: the reaper gave up (10 failed mmap_read_trylock, "unable to reap")
check_lockheld() {
	check_generic || return 1
	has "oom_reaper: unable to reap pid:$VPID " || { log "no 'unable to reap pid:$VPID' line"; return 1; }
	log "the oom_reaper gave up on $VPID (mmap_lock held by the reader, writer waiting)"
}
# seed 001: the victim's last thread left D state while the reaper ran:
# kill +2.0 s (OOM_REAPER_DELAY, 5.18+) <= its exit <= the reaper's line + 50 ms
check_racedexit() {
	local tk tr te
	check_generic || return 1
	tk=$(kt "Killed process $VPID ")
	tr=$(kt "oom_reaper: reaped process $VPID ")
	te=$(kt "oomlens-scenario $TAG main $VPID exited")
	log "kill $tk, reaper done ${tr:-never}, victim gone $te (kernel log seconds)"
	[ -n "$tk" ] && [ -n "$tr" ] && [ -n "$te" ] || { log "the reaper did not reap $VPID (the exit came first?)"; return 1; }
	cmp_t "$te - $tk >= 1.95 && $te <= $tr + 0.05" ||
		{ log "no overlap: victim gone +$(awk "BEGIN { print $te - $tk }") s after the kill; tune SCEN_RACE_KB"; return 1; }
	log "overlap: the victim exited +$(awk "BEGIN { print $te - $tk }") s after the kill, the reaper finished +$(awk "BEGIN { print $tr - $tk }") s"
}
# seed 003: a second kill while the first victim's exit_mmap ran, before
# the reaper could have set MMF_OOM_SKIP (2 s delay, 5.18+)
check_exitedvictim() {
	local t1 t2
	check_generic || return 1
	t1=$(kt "Killed process $VPID ")
	t2=$(printf '%s\n' "$KLOG" | grep -E "Killed process [0-9]+ " | grep -v "Killed process $VPID " | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
	[ -n "$t1" ] && [ -n "$t2" ] || { log "no second kill"; return 1; }
	has "oom_reaper: .*$VPID" && { log "the reaper worked on $VPID: not this behaviour"; return 1; }
	cmp_t "$t2 - $t1 < 1.0" || { log "second kill +$(awk "BEGIN { print $t2 - $t1 }") s: too late"; return 1; }
	log "second kill +$(awk "BEGIN { print ($t2 - $t1) * 1000 }") ms after the first, no reaper involved"
}
# seed 000: the reaper left the memfd's shmem ("now ... shmem-rss:" >= half the limit)
check_memfd() {
	local sh
	check_generic || return 1
	sh=$(printf '%s\n' "$KLOG" | grep -E "oom_reaper: reaped process $VPID " | sed -n 's/.*shmem-rss:\([0-9]*\)kB.*/\1/p' | head -n 1)
	[ -n "$sh" ] || { log "no reaper line for $VPID"; return 1; }
	[ "$sh" -ge $((LIMIT * 512)) ] || { log "reaper left only ${sh} kB shmem"; return 1; }
	log "the reaper left ${sh} kB of memfd shmem"
}
# seed 002: one kill (one "Killed process" line) for three processes on one mm
check_vforkmm() {
	local n
	check_generic || return 1
	n=$(printf '%s\n' "$KLOG" | grep -cE "Killed process [0-9]+ ")
	[ "$n" = 1 ] && [ "${KILLS:-0}" = 1 ] || { log "$n kill lines, oom_kill $KILLS: want exactly 1"; return 1; }
	has "oom_reaper: reaped process " || { log "the reaper did not run (the clone child's read ended first?)"; return 1; }
	log "one kill, three processes gone, mm reaped"
}
# seed 002: the chosen victim was already SIGKILLed by userspace:
# oom_kill_process() -> task_will_free_mem() marks it and queues the reaper
# without a kill and, on 6.x, without any log line of the OOM killer; the
# reaper's "reaped process" line for a process never "Killed" shows it
check_bypass() {
	local p
	check_generic || return 1
	[ "${KILLS:-0}" = 0 ] || { log "oom_kill $KILLS: a real kill happened"; return 1; }
	if has "is already exiting. Skip killing the task"; then
		log "bypass: 'already exiting' line"
		return 0
	fi
	p=$(printf '%s\n' "$KLOG" | sed -n 's/.*oom_reaper: reaped process \([0-9]*\) .*/\1/p' | head -n 1)
	[ -n "$p" ] || { log "no reaper line: the SIGKILLed process was not marked"; return 1; }
	has "Killed process $p " && { log "$p was killed by the OOM killer"; return 1; }
	log "bypass: $p marked and reaped with no kill (no OOM report: 6.x prints none)"
}
# mlock: 5.18+ the reaper unmaps VM_LOCKED areas, <= 5.17 it skips them
check_mlocked() {
	local k n
	check_generic || return 1
	k=$(printf '%s\n' "$KLOG" | grep -E "Killed process $VPID " | sed -n 's/.*anon-rss:\([0-9]*\)kB.*/\1/p' | head -n 1)
	n=$(printf '%s\n' "$KLOG" | grep -E "oom_reaper: reaped process $VPID " | sed -n 's/.*now anon-rss:\([0-9]*\)kB.*/\1/p' | head -n 1)
	[ -n "$k" ] && [ -n "$n" ] || { log "no kill or reaper line for $VPID"; return 1; }
	if [ "$(kver)" -ge 5018 ]; then
		[ $((n * 10)) -le "$k" ] || { log "5.18+: the reaper left ${n} of ${k} kB mlocked anon"; return 1; }
		log "5.18+: the reaper freed mlocked memory (anon ${k} -> ${n} kB)"
	else
		[ $((n * 10)) -ge $((k * 9)) ] || { log "<= 5.17: the reaper freed mlocked memory?"; return 1; }
		log "<= 5.17: the reaper skipped VM_LOCKED (anon ${k} -> ${n} kB)"
	fi
}

if declare -F "check_$NAME" >/dev/null; then
	"check_$NAME" && { log "OK"; exit 0; }
elif check_generic; then
	log "OK"
	exit 0
fi
log "FAILED"
exit 1
