#!/bin/sh
# `oomlens tui` on a 10,000-victim database: time to the first screen
# (reference: 200 ms) and the cost of a key afterwards.
#  1. bench-tui.c, linked with the oomlens objects: ol_analysis_load +
#     first draw, then scrolling/sorting in memory (no database reads);
#  2. the real binary in tmux: from exec to the first screen shown.
# The database: samples/data/selfexit.dat imported, then its one kill
# (its events within 60 ms of it) copied BENCH_TUI_VICTIMS times, one
# second apart with the victim's pid renumbered, and analyzed again
# (about 300 MB and half a minute; kept in BENCH_DIR for the next run).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/oomlens-bench}
n=${BENCH_TUI_VICTIMS:-10000}
oomlens=${OOMLENS:-$top/oomlens}
mkdir -p "$work"
db=$work/tui-$n.db

if [ ! -s "$db" ]; then
	echo "bench-tui: building $db ($n victims) ..."
	rm -f "$db.tmp"
	"$oomlens" import "$top/samples/data/selfexit.dat" -o "$db.tmp" >/dev/null 2>&1
	sqlite3 "$db.tmp" <<SQL
CREATE TEMP TABLE v AS SELECT pid, kill_ns FROM victims LIMIT 1;
-- the kill's events, without the bulky ones the analysis does not need
-- for a self-exiting victim (mmap_lock, other tasks' rss_stat, stack dumps)
CREATE TEMP TABLE tmpl AS SELECT e.* FROM events e, v
	WHERE e.ts_ns BETWEEN v.kill_ns - 1000000 AND v.kill_ns + 60000000
	AND e.name NOT LIKE 'mmap_lock:%'
	AND (e.name <> 'printk:console' OR e.fields LIKE '%oom%' OR
	     e.fields LIKE '%Killed%' OR e.fields LIKE '%memory%')
	AND (e.name <> 'kmem:rss_stat' OR e.pid = v.pid OR e.comm LIKE 'oom_reaper%');
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n - 1)
INSERT INTO events(source_id, ts_ns, cpu, pid, tgid, comm, name, target, fields)
SELECT t.source_id, t.ts_ns + k.i * 1000000000, t.cpu,
	CASE WHEN t.pid = v.pid THEN 100000 + k.i ELSE t.pid END,
	CASE WHEN t.tgid = v.pid THEN 100000 + k.i ELSE t.tgid END,
	t.comm, t.name,
	CASE WHEN t.target = v.pid THEN 100000 + k.i ELSE t.target END,
	replace(t.fields, v.pid, 100000 + k.i)
FROM k, tmpl t, v ORDER BY k.i, t.ts_ns;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n - 1)
INSERT OR REPLACE INTO tasks(pid, tgid, comm, how)
SELECT 100000 + k.i, 100000 + k.i, t.comm, t.how FROM k, tasks t, v WHERE t.pid = v.pid;
SQL
	"$oomlens" analyze "$db.tmp" >/dev/null
	mv "$db.tmp" "$db"
fi
# a database kept from an older oomlens: analyze it again (the events stay)
if ! "$oomlens" report "$db" -f csv >/dev/null 2>&1; then
	echo "bench-tui: re-analyzing $db (analysis of another version) ..."
	"$oomlens" analyze "$db" >/dev/null 2>&1
fi
echo "bench-tui: $(sqlite3 "$db" "SELECT count(*) FROM victims") victims in $db"

# 1. in-process
cc=${CC:-cc}
objs=$(ls "$top"/build/collect/*.o "$top"/build/analyze/*.o "$top"/build/reports/*.o \
	"$top"/build/tui/*.o 2>/dev/null)
pk="libtracecmd libtracefs libtraceevent sqlite3 ncursesw"
# shellcheck disable=SC2086
$cc -std=gnu11 -O2 -I"$top" $(pkg-config --cflags $pk) -D_GNU_SOURCE \
	-o "$work/bench-tui" "$top/tests/bench/bench-tui.c" $objs $(pkg-config --libs $pk) -lm
rc=0
"$work/bench-tui" "$db" || rc=1
"$work/bench-tui" || rc=1

# 2. the real binary, first screen in an 80x24 tmux pane
if command -v tmux >/dev/null 2>&1; then
	sock=oomlens-bench-$$
	trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT
	python3 - "$oomlens" "$db" "$sock" <<'PY' || rc=1
import subprocess, sys, time
oomlens, db, sock = sys.argv[1:4]
tm = ["tmux", "-L", sock]
best = None
for run in range(5):
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    t = time.monotonic()
    subprocess.run(tm + ["new-session", "-d", "-x", "80", "-y", "24",
                         "env TERM=xterm-256color NO_COLOR=1 %s tui %s; sleep 30" % (oomlens, db)])
    while time.monotonic() - t < 10:
        out = subprocess.run(tm + ["capture-pane", "-p"], capture_output=True, text=True).stdout
        if "Victims 1/" in out and "?:help" in out:
            break
        time.sleep(0.005)
    ms = (time.monotonic() - t) * 1000
    best = ms if best is None else min(best, ms)
subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
print("  oomlens tui in tmux: first screen after %.0f ms (best of 5, including tmux start"
      " and polling; limit 200 ms)" % best)
sys.exit(0 if best < 200 else 1)
PY
fi
exit $rc
