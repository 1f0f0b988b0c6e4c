#!/bin/sh
# Import speed and memory against `trace-cmd report > /dev/null` on the
# same >= 1M-event trace.dat, measured in the same run.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/oomlens-bench}
mkdir -p "$work"
dat=$work/big.dat
if [ ! -s "$dat" ]; then
	echo "bench-import: recording a large trace (sched churn) into $dat ..."
	sh "$top/tests/bench/make-big-trace.sh" "$dat" "${BENCH_SECS:-10}"
fi
PYTHONPATH="$top/tests/bench" python3 - "${OOMLENS:-$top/oomlens}" "$dat" "$work" <<'PY'
import os, resource, subprocess, sys, time
oomlens, dat, work = sys.argv[1:4]

from benchrun import run	# tests/bench/benchrun.py (PYTHONPATH)

total = int(subprocess.run("trace-cmd report %s 2>/dev/null | grep -c ': '" % dat,
                           shell=True, capture_output=True, text=True).stdout.strip() or 0)
best = {}
for name, argv in (("trace-cmd report", ["trace-cmd", "report", dat]),
                   ("oomlens import", [oomlens, "import", "-q", dat, "-o", work + "/big.db"])):
    runs = []
    for i in range(3):
        if os.path.exists(work + "/big.db"):
            os.unlink(work + "/big.db")
        runs.append(run(argv)[:2])
    best[name] = min(runs)
size = os.path.getsize(dat)
print("trace.dat: %s, %.1f MB, %d events" % (dat, size / 1e6, total))
for name, (wall, rss) in best.items():
    print("  %-17s %7.3f s  %9.0f events/s  peak RSS %6.1f MB"
          % (name, wall, total / wall, rss / 1024))
ratio = best["oomlens import"][0] / best["trace-cmd report"][0]
print("  import peak RSS - report peak RSS: %+.1f MB (trace-cmd's libtracecmd 3.1.6 keeps every decompressed chunk; oomlens reads version 7 event data itself)"
      % ((best["oomlens import"][1] - best["trace-cmd report"][1]) / 1024))
print("  import / report wall time: %.2f (target <= 0.30): %s"
      % (ratio, "met" if ratio <= 0.30 else "NOT met"))
PY
