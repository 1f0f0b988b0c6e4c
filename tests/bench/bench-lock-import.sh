#!/bin/sh
# The store on a lock-heavy trace (make-lock-trace.sh: an OOM storm with
# all of mmap_lock:*, >= 1M kept events): `oomlens import` against
# `trace-cmd report > /dev/null` and a bare libtracecmd iteration
# (build/bench/trace-iterate) of the same file, in the same run; database
# bytes per stored event; peak RSS on a trace ten times smaller.
# Recording the traces needs root and tracefs (exit 77 otherwise); they
# are kept in BENCH_DIR (/tmp/oomlens-bench) for the next run.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/oomlens-bench}
mkdir -p "$work"
for n in lock:200000 lock-small:20000; do
	f=$work/${n%%:*}.dat
	if [ ! -s "$f" ]; then
		echo "bench-lock-import: recording $f (OOM storm + ${n#*:} mmap/munmap) ..."
		sh "$top/tests/bench/make-lock-trace.sh" "$f.tmp" "${n#*:}" && mv "$f.tmp" "$f"
	fi
done
python3 - "${OOMLENS:-$top/oomlens}" "$top/build/bench/trace-iterate" "$work" <<'PY'
import os, sqlite3, subprocess, sys, time
oomlens, iterate, work = sys.argv[1:4]

def run(argv):
    """wall seconds, peak RSS (kB) and CPU seconds (user + sys, all
    threads) of one child, output discarded"""
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1); os.dup2(fd, 2)
        os.execvp(argv[0], argv)
    t = time.monotonic()
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench-lock-import: %s failed" % " ".join(argv))
    return wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime

def imp(dat, db):
    if os.path.exists(db):
        os.unlink(db)
    return run([oomlens, "import", "-q", dat, "-o", db])

res = {}
for tag in ("lock", "lock-small"):
    dat, db = "%s/%s.dat" % (work, tag), "%s/%s.db" % (work, tag)
    records = int(subprocess.run([iterate, dat], capture_output=True, text=True)
                  .stdout.split()[0])
    best = {}
    for name, argv in (("trace-cmd report", ["trace-cmd", "report", dat]),
                       ("bare iteration", [iterate, dat]),
                       ("oomlens import", None)):
        runs = [imp(dat, db) if argv is None else run(argv) for _ in range(3)]
        # best wall, and the least CPU of the runs (a busy machine
        # stretches wall time, not CPU time)
        best[name] = (min(r[0] for r in runs), max(r[1] for r in runs), min(r[2] for r in runs))
    con = sqlite3.connect(db)
    kept = con.execute("SELECT sum(events) FROM sources").fetchone()[0]
    con.close()
    res[tag] = (records, kept, os.path.getsize(db), best)

records, kept, size, best = res["lock"]
print("trace.dat: %s/lock.dat, %d records, %d kept by oomlens" % (work, records, kept))
for name, (wall, rss, cpu) in best.items():
    print("  %-17s %7.3f s wall  %6.3f s CPU  %9.0f records/s  peak RSS %6.1f MB"
          % (name, wall, cpu, records / wall, rss / 1024))
imp = best["oomlens import"]
for ref, target in (("trace-cmd report", 0.5), ("bare iteration", 1.5)):
    r = imp[0] / best[ref][0]
    c = imp[2] / best[ref][2]
    print("  import / %s: %.2f wall, %.2f CPU (target <= %.2f): %s"
          % (ref, r, c, target, "met" if r <= target else "NOT met"))
bpe = size / max(kept, 1)
print("  database: %.1f MB, %.1f bytes per stored event (target <= 40): %s"
      % (size / 1e6, bpe, "met" if bpe <= 40 else "NOT met"))
srec, skept, _, sbest = res["lock-small"]
big_rss, small_rss = best["oomlens import"][1], sbest["oomlens import"][1]
print("  peak RSS: %.1f MB for %d records, %.1f MB for %d (%.1fx the records)"
      % (small_rss / 1024, srec, big_rss / 1024, records, records / srec))
# libtracecmd's own memory grows with the file (bare iteration): ours is the rest
ours_small = (small_rss - sbest["bare iteration"][1]) / 1024
ours_big = (big_rss - best["bare iteration"][1]) / 1024
print("  import peak RSS - bare iteration peak RSS: %+.1f MB (small), %+.1f MB (%.1fx): %s"
      % (ours_small, ours_big, records / srec,
         "flat" if ours_big - ours_small < 8 else "NOT flat"))
PY
