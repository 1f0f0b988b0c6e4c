#!/bin/bash
# run-scenario.sh NAME - run one oomhog scenario inside its own memory cgroup
# (plus a blkio/io cgroup and a throttled loop device when needed), wait for
# it to finish, clean up everything, exit 0 when the expected OOM kill(s)
# happened.  Never touches tracing: usable as
#     oomlens record -- samples/run-scenario.sh reaped
# NAME: selfexit | reaped | unreapable | sharedmm | pinned
# Environment: OOMLENS_SAMPLES_BIN (directory holding oomhog; default
# build/samples next to this script), SCEN_LIMIT_MB, SCEN_READ_MB,
# SCEN_READ_BPS, SCEN_TIMEOUT (seconds), SCEN_CGROOT (cgroup mount root).
set -u

NAME=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${OOMLENS_SAMPLES_BIN:-$HERE/../build/samples}
HOG=$BIN/oomhog
CGROOT=${SCEN_CGROOT:-/sys/fs/cgroup}
TAG=oomlens-sample-$$
TIMEOUT=${SCEN_TIMEOUT:-40}

log() { echo "run-scenario[$NAME]: $*" >&2; }

case "$NAME" in
selfexit)   LIMIT=64;  NEEDDEV=0; WANTKILLS=1 ;;
reaped)     LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
unreapable) LIMIT=160; NEEDDEV=1; WANTKILLS=2 ;;
sharedmm)   LIMIT=64;  NEEDDEV=0; WANTKILLS=1 ;;
pinned)     LIMIT=128; NEEDDEV=1; WANTKILLS=1 ;;
*) echo "usage: $0 selfexit|reaped|unreapable|sharedmm|pinned" >&2; exit 2 ;;
esac
LIMIT=${SCEN_LIMIT_MB:-$LIMIT}
READ_MB=${SCEN_READ_MB:-4}
READ_BPS=${SCEN_READ_BPS:-524288}	# 4 MB at 512 KiB/s: ~8 s in D state

[ "$(id -u)" = 0 ] || { log "must run as root"; exit 2; }
[ -x "$HOG" ] || { log "no $HOG (build it: make, or gcc -O2 -pthread -o $HOG samples/oomhog.c)"; exit 2; }

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
	IMG=$(mktemp /var/tmp/$TAG.XXXXXX.img) || exit 2
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
(
	echo $BASHPID > "$MEMCG/cgroup.procs" || exit 2
	[ -n "$IOCG" ] && [ "$IOCG" != "$MEMCG" ] && { echo $BASHPID > "$IOCG/cgroup.procs" || exit 2; }
	exec "$HOG" "$NAME" "${ARGS[@]}"
) &
MAINPID=$!
wait "$MAINPID"
RC=$?
MAINPID=
log "main process exited with status $RC"
# wait for every process of the scenario (bystanders, D-state threads)
for _ in $(seq 1 $((TIMEOUT * 10))); do
	[ -z "$(cg_procs)" ] && break
	sleep 0.1
done
[ -n "$(cg_procs)" ] && log "WARNING: processes still in memcg after ${TIMEOUT}s: $(cg_procs | tr '\n' ' ')"
KILLS=$(oom_kills)
log "oom_kill count: ${KILLS:-?} (want >= $WANTKILLS)"
if [ "$RC" = 137 ] && [ "${KILLS:-0}" -ge "$WANTKILLS" ]; then
	log "OK"
	exit 0
fi
# pinned: the main process is the pinner and exits normally
if [ "$NAME" = pinned ] && [ "${KILLS:-0}" -ge "$WANTKILLS" ]; then
	log "OK"
	exit 0
fi
log "FAILED"
exit 1
