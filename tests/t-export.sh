#!/bin/sh
# oomlens export: JSON lines parse line by line and agree with the
# database; the Chrome trace has the Trace Event Format's documented
# fields (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU:
# ph, name, pid, tid, ts in microseconds, dur for "X", s for "i", numeric
# args for "C", process_name/thread_name metadata) with nested slices.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing (make deps)"
db=$T_OUT/u.db
"$OOMLENS" import -q "$SAMPLES/unreapable.dat" -o "$db" 2>/dev/null || { bad "import"; t_done; }

check "jsonl to a file" "$OOMLENS" export "$db" -o "$T_OUT/u.jsonl"
check "jsonl check" python3 - "$T_OUT/u.jsonl" "$db" <<'PY'
import json, sqlite3, sys
lines = open(sys.argv[1]).read().splitlines()
db = sqlite3.connect(sys.argv[2])
objs = [json.loads(l) for l in lines]           # each line alone
vic = [o for o in objs if o["type"] == "victim"]
eps = [o for o in objs if o["type"] == "episode"]
assert len(vic) == db.execute("select count(*) from victims").fetchone()[0], len(vic)
assert len(eps) == db.execute("select count(*) from episodes").fetchone()[0]
host = db.execute("select value from meta where key='hostname'").fetchone()[0]
kern = db.execute("select value from meta where key='kernel_release'").fetchone()[0]
for o in objs:
    assert o["schema"] == 1 and o["host"] == host and o["kernel"] == kern, o
for v in vic:
    # numbers as every report shows them: the database ids
    row = db.execute("select pid, comm, domain, kill_ns, freed_ns, skip_ns, verdict, episode "
                     "from victims where id = ?", (v["victim"],)).fetchone()
    assert (v["pid"], v["comm"], v["domain"], v["kill_ns"], v["verdict"], v["episode"]) == \
        (row[0], row[1], row[2], row[3], row[6], row[7]), (v, row)
    if row[4] is not None:
        assert abs(v["time_to_free_s"] - (row[4] - row[3]) / 1e9) < 1e-9
    else:
        assert v["time_to_free_s"] is None
    assert isinstance(v["verdicts"], list) and v["verdict"] in v["verdicts"]
unn = db.execute("select sum(unnecessary) from episodes").fetchone()[0]
assert sum(e["unnecessary"] for e in eps) == unn and unn > 0
print("jsonl: %d victims, %d episodes" % (len(vic), len(eps)))
PY

check "chrome-trace to a file" "$OOMLENS" export "$db" --format chrome-trace -o "$T_OUT/u.json"
check "chrome-trace check" python3 - "$T_OUT/u.json" "$db" <<'PY'
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
ev = d["traceEvents"]
assert isinstance(ev, list) and d["displayTimeUnit"] in ("ms", "ns")
phases = set("BEXiIbneCMsftPOND()")
num = (int, float)
threads, procs, slices = {}, {}, {}
for e in ev:
    assert e["ph"] in phases and isinstance(e["name"], str), e
    assert isinstance(e["pid"], int) and isinstance(e["tid"], int), e
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name", "process_sort_index",
                             "thread_sort_index"), e
        if e["name"] == "thread_name":
            threads[(e["pid"], e["tid"])] = e["args"]["name"]
        if e["name"] == "process_name":
            procs[e["pid"]] = e["args"]["name"]
        continue
    assert isinstance(e["ts"], num) and e["ts"] >= 0, e
    if e["ph"] == "X":
        assert isinstance(e["dur"], num) and e["dur"] >= 0, e
        slices.setdefault((e["pid"], e["tid"]), []).append(e)
    if e["ph"] == "i":
        assert e["s"] in ("g", "p", "t"), e
    if e["ph"] == "C":
        assert e["args"] and all(isinstance(x, num) for x in e["args"].values()), e
# one track per victim, named with its comm, in its episode's process
rows = db.execute("select id, episode, comm, kill_ns, skip_ns from victims").fetchall()
assert len(threads) == len(rows), (len(threads), len(rows))
for vid, ep, comm, kill, skip in rows:
    # pid/tid are the ids + 1 (0 is the idle task to the viewers)
    assert threads[(ep + 1, vid + 1)] == "victim %d: %s" % (vid, comm)
    assert ep + 1 in procs
    if skip is not None:
        s = [e for e in slices[(ep + 1, vid + 1)] if e["name"] == "kill -> MMF_OOM_SKIP"]
        assert len(s) == 1 and abs(s[0]["dur"] - (skip - kill) / 1e3) < 1e-3, s
# slices on one track nest (what the viewers require)
for k, ss in slices.items():
    ss.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []
    for e in ss:
        while stack and stack[-1] <= e["ts"]:
            stack.pop()
        assert not stack or e["ts"] + e["dur"] <= stack[-1] + 1e-6, (k, e)
        stack.append(e["ts"] + e["dur"])
assert any(e["name"] == "oom_reaper" for ss in slices.values() for e in ss)
assert any(e["ph"] == "C" for e in ev)
print("chrome-trace: %d events, %d tracks" % (len(ev), len(threads)))
PY

# bad input: one line naming the file, exit 1, nothing written
"$OOMLENS" export "$T_OUT/missing.db" -o "$T_OUT/x.json" 2>"$T_OUT/err"; rc=$?
check "missing database: exit 1" [ $rc = 1 ]
check "missing database: one line naming it" sh -c "[ \$(wc -l <'$T_OUT/err') = 1 ] && grep -q missing.db '$T_OUT/err'"
check "missing database: no output file" [ ! -e "$T_OUT/x.json" ]
"$OOMLENS" export "$db" -f xml 2>/dev/null; check "unknown format: exit 2" [ $? = 2 ]
t_done
