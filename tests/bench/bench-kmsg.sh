#!/bin/sh
# Kernel log import speed: a large dmesg-format log with no OOM in it
# (default 1024 MB, BENCH_KMSG_MB) is generated in /tmp, imported, and the
# rate printed next to `grep -c oom` on the same file.  Removes its files.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OOMLENS=${OOMLENS:-$TOP/oomlens}
MB=${BENCH_KMSG_MB:-1024}
DIR=$(mktemp -d /tmp/oomlens-bench-kmsg.XXXXXX)
trap 'rm -rf "$DIR"' EXIT INT TERM

# 1 MB of ordinary kernel chatter, repeated.
awk 'BEGIN { n = 0; while (n < 1048576) {
	i++; k = i % 4
	if (k == 0) m = sprintf("usb 1-%d: new high-speed USB device number %d using xhci_hcd", i % 8, i)
	else if (k == 1) m = sprintf("EXT4-fs (sda%d): mounted filesystem with ordered data mode. Quota mode: none.", i % 9)
	else if (k == 2) m = sprintf("audit: type=1400 audit(%d.%03d:%d): apparmor=\"STATUS\" operation=\"profile_load\"", 1700000000 + i, i % 1000, i)
	else m = "e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx"
	l = sprintf("[%6d.%06d] %s\n", i / 100, (i * 7919) % 1000000, m)
	printf "%s", l; n += length(l) } }' > "$DIR/chunk"
i=0
while [ $i -lt "$MB" ]; do cat "$DIR/chunk"; i=$((i + 1)); done > "$DIR/big.dmesg"
bytes=$(stat -c %s "$DIR/big.dmesg")
cat "$DIR/big.dmesg" > /dev/null	# same page-cache state for both

now() { date +%s.%N; }
t0=$(now)
"$OOMLENS" import -q "$DIR/big.dmesg" -o "$DIR/big.db" 2> "$DIR/err" || { cat "$DIR/err"; exit 1; }
t1=$(now)
n=$(grep -c oom "$DIR/big.dmesg" || true)
t2=$(now)
awk -v b="$bytes" -v a="$t0" -v m="$t1" -v z="$t2" -v n="$n" 'BEGIN {
	printf "log: %.0f MB, no OOM lines (grep -c oom: %d)\n", b / 1048576, n
	printf "oomlens import: %6.2f s  %7.1f MB/s\n", m - a, b / 1048576 / (m - a)
	printf "grep -c oom:    %6.2f s  %7.1f MB/s\n", z - m, b / 1048576 / (z - m) }'
sed 's/^/  /' "$DIR/err"

# 320,000 lines without a stamp inside one report (a record's indented
# continuation lines, a paste): joined in linear time.
{ echo "[    1.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
  echo "[    1.000001] Mem-Info:"
  awk 'BEGIN { for (i = 0; i < 320000; i++) printf "  active_anon:%d inactive_anon:1\n", i }'
  echo "[    2.000000] Out of memory: Killed process 5 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB"
} > "$DIR/cont.log"
t0=$(now)
"$OOMLENS" import -q "$DIR/cont.log" -o "$DIR/cont.db" 2> "$DIR/err" || { cat "$DIR/err"; exit 1; }
t1=$(now)
n=$(grep -c active_anon "$DIR/cont.log" || true)
t2=$(now)
awk -v a="$t0" -v m="$t1" -v z="$t2" -v n="$n" 'BEGIN {
	printf "320,000 unstamped lines in one report: oomlens import %.2f s, grep -c %.2f s (%d)\n", m - a, z - m, n }'
