#!/bin/sh
# A log-only database names its kernel: the release comes from the OOM
# report's dump_stack() header ("Not tainted X" / "Tainted: flags X"),
# and a trace's own uname wins over it.
. "$(dirname "$0")/lib.sh"
cd "$T_OUT" || exit 1
cat > tainted.log <<'LOG'
[   11.000000] x invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
[   11.000001] CPU: 3 PID: 1 Comm: x Tainted: G        W  O      6.1.0-13-amd64 #1 Debian 6.1.55-1
[   11.000002] Out of memory: Killed process 5 (x) total-vm:100kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0
LOG
"$OOMLENS" import -q tainted.log -o t.db 2>/dev/null
check "Tainted: flags release" test "$(sql t.db "select value from meta where key = 'kernel_release'")" = 6.1.0-13-amd64
"$OOMLENS" import -q "$SAMPLES/unreapable.dmesg" -o d.db 2>/dev/null
check "Not tainted release (sample dmesg)" \
	test "$(sql d.db "select value from meta where key = 'kernel_release'")" = "$(grep -m1 -o 'Not tainted [^ ]*' "$SAMPLES/unreapable.dmesg" | cut -d' ' -f3)"
"$OOMLENS" import -q "$SAMPLES/unreapable.dat" tainted.log -o m.db 2>/dev/null
check "a trace's uname wins" test "$(sql m.db "select value from meta where key = 'kernel_release'")" = \
	"$(trace-cmd dump --options "$SAMPLES/unreapable.dat" 2>/dev/null | grep -A1 'Option UNAME' | tail -1 | cut -d' ' -f3)"
t_done
