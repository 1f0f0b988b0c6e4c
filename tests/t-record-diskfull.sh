#!/bin/sh
# A full disk during a recording: the recorder stops with a message, the
# database stays consistent and keeps what was recorded up to the last
# checkpoint (every 10 s or 4 MB) or, when the recorder stops first because
# the disk is nearly full, everything up to then; the tracefs instance is
# removed.
# The churn fills the 64 MB file system by itself within seconds on a fast
# machine: the size checkpoints are what keeps events there.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/record-lib.sh"
record_need_live
mnt=$(mktemp -d /tmp/oomlens-full.XXXXXX)
pid= churn=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	[ -n "$churn" ] && kill "$churn" 2>/dev/null
	umount "$mnt" 2>/dev/null
	rmdir "$mnt" 2>/dev/null
}
trap cleanup EXIT INT TERM
mount -t tmpfs -o size=64m oomlens-full "$mnt" 2>/dev/null ||
	skip "cannot mount a tmpfs to fill (not permitted here)"
before=$(tracing_snapshot)

# fork/exec churn: a steady stream of fork, exit and rss_stat events
sh -c 'while :; do /bin/true; done' &
churn=$!
"$OOMLENS" record -q -o "$mnt/r.db" --duration 60 > "$T_OUT/rec.out" 2> "$T_OUT/rec.err" &
pid=$!
sleep 13		# past the first checkpoint
# take the rest of the space, then some more as the recorder writes
dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
wait_gone "$pid" 50; gone=$?
check "recorder stopped by itself on the full disk" test $gone = 0
wait "$pid" 2>/dev/null; rc=$?
pid=
sed 's/^/    /' "$T_OUT/rec.err" | tail -3
check "it says why (disk / full / space)" grep -qiE 'disk|full|space' "$T_OUT/rec.err"
check "it says what the database keeps" grep -qE 'up to its last checkpoint|holds everything up to then' "$T_OUT/rec.err"
rm -f "$mnt/fill"
check "the database passes integrity_check" test "$(sql "$mnt/r.db" 'PRAGMA integrity_check')" = ok
n=$(sql "$mnt/r.db" "select count(*) from events" 2>/dev/null)
check "the recording so far is kept ($n events)" test "${n:-0}" -gt 0
check "its source is there" test "$(sql "$mnt/r.db" "select count(*) from sources where kind = 'live'")" = 1
# exit 1 when a write failed, 0 when the low-disk check stopped it first
check "exit status 0 or 1 (was $rc), not a crash" test "$rc" -le 1
check "no oomlens instance left" test -z "$(our_instances)"
check "top-level tracing settings unchanged" test "$(tracing_snapshot)" = "$before"
t_done
