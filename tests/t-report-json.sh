#!/bin/sh
# The JSON report parses with python3's json module and follows the schema
# documented in README.md ("JSON report"): required keys with their types,
# for a hand-built analysis with hostile names (no analyzer needed) and for
# every committed sample.
. "$(dirname "$0")/lib.sh"
T_OUT=$(cd "$T_OUT" && pwd)	# absolute: file:// URLs, cd
command -v python3 >/dev/null || skip "python3 is not installed"
DUMP=$TOP/build/tests/test-report-text
[ -x "$DUMP" ] || skip "build/tests/test-report-text missing (make check builds it)"

cat >"$T_OUT/schema.py" <<'PY'
import json, sys

I, S, B, F = int, str, bool, (int, float)
N = type(None)
def opt(*t): return t + (N,)

TOP = {"schema_version": I, "generator": dict, "header": dict,
       "selection": dict, "summary": dict, "episodes": list, "victims": list}
HEADER = {"db_path": opt(S), "kernel": opt(S), "hostname": opt(S),
          "clock": opt(S), "sources": opt(S), "rules": opt(S),
          "cpus": opt(I), "events_lost": opt(I), "first_ns": opt(I),
          "last_ns": opt(I)}
SUMMARY = {"victims": I, "kills": I, "bypasses": I, "with_ttf": I,
           "ttf_p50_ns": opt(I), "ttf_p90_ns": opt(I), "ttf_max_ns": opt(I),
           "ttf_p50_s": opt(*F), "ttf_p90_s": opt(*F), "ttf_max_s": opt(*F),
           "reaped": I, "self_exited": I, "gave_up": I, "unknown_free": I,
           "verdicts": dict}
EPISODE = {"id": I, "domain": S, "start_ns": opt(I), "end_ns": opt(I),
           "duration_s": opt(*F), "unnecessary": I, "victims": list}
VICTIM = {"id": I, "episode": I, "pid": I, "tgid": I, "comm": opt(S),
          "domain": opt(S), "uid": opt(I), "oom_score_adj": opt(I),
          "bypass": B, "sharers": list, "trigger": dict,
          "memory_kb": dict, "kill_ns": opt(I), "time_to_skip_s": opt(*F),
          "time_to_free_s": opt(*F), "skip": dict, "freed": dict,
          "exit_ns": opt(I), "exit_since_kill_s": opt(*F),
          "process_free_ns": opt(I), "reaper": opt(dict),
          "events_lost_in_window": B, "verdict": dict, "verdicts": list,
          "timeline": list, "curve": list}
MEM = {k: opt(I) for k in ("rss", "anon", "file", "shmem", "total_vm", "pgtables")}
SKIP = {"ns": opt(I), "lo_ns": opt(I), "hi_ns": opt(I), "by": S, "confidence": S}
FREED = {"ns": opt(I), "last_ns": opt(I), "last_since_kill_s": opt(*F),
         "by": S, "confidence": S}
REAPER = {"wake_ns": opt(I), "start_ns": opt(I), "end_ns": opt(I),
          "attempts": I, "failures": I, "gave_up": B, "reaped_kb": opt(I),
          "left_kb": opt(I)}
VERDICT = {"kind": S, "confidence": S, "meaning": S, "evidence": opt(S),
           "related_victim": opt(I)}
POINT = {"ts_ns": I, "since_kill_ms": opt(*F), "what": opt(S),
         "detail": opt(S), "event_id": opt(I)}
SAMPLE = {"ts_ns": I, "since_kill_ms": opt(*F), "held_kb": I}
KINDS = {"ok", "unnecessary", "ineffective", "reaper-raced-exit", "bypass",
         "shared-mm", "premature", "unknown"}
CONF = {"unknown", "inferred", "observed"}
errors = []

def check(obj, spec, where):
    if not isinstance(obj, dict):
        errors.append("%s: not an object" % where); return
    for k, t in spec.items():
        if k not in obj:
            errors.append("%s: missing %s" % (where, k))
        elif not isinstance(obj[k], t) or (t is I and isinstance(obj[k], bool)):
            errors.append("%s.%s: %r is not %s" % (where, k, obj[k], t))

doc = json.load(open(sys.argv[1], encoding="utf-8"))
check(doc, TOP, "doc")
if doc.get("schema_version") != 2:
    errors.append("schema_version is %r" % doc.get("schema_version"))
check(doc["header"], HEADER, "header")
check(doc["summary"], SUMMARY, "summary")
if set(doc["summary"]["verdicts"]) != KINDS:
    errors.append("summary.verdicts keys %s" % sorted(doc["summary"]["verdicts"]))
# victims and episodes are named by their database ids
numbers = {v.get("id") for v in doc["victims"]}
for e in doc["episodes"]:
    check(e, EPISODE, "episode")
    for n in e["victims"]:
        if n not in numbers: errors.append("episode lists unknown victim %r" % n)
for v in doc["victims"]:
    w = "victim %s" % v.get("id")
    check(v, VICTIM, w)
    check(v["memory_kb"], MEM, w + ".memory_kb")
    check(v["skip"], SKIP, w + ".skip")
    check(v["freed"], FREED, w + ".freed")
    if v["reaper"] is not None: check(v["reaper"], REAPER, w + ".reaper")
    if v["verdict"].get("kind") not in KINDS: errors.append(w + ": bad verdict kind")
    if v["verdict"].get("confidence") not in CONF: errors.append(w + ": bad confidence")
    for d in v["verdicts"]:
        check(d, VERDICT, w + ".verdicts[]")
        if d.get("related_victim") is not None and d["related_victim"] not in numbers:
            errors.append(w + ": related_victim not a victim id")
    for p in v["timeline"]: check(p, POINT, w + ".timeline[]")
    for c in v["curve"]: check(c, SAMPLE, w + ".curve[]")
    if v["kill_ns"] is not None and v["skip"]["ns"] is not None:
        rel = (v["skip"]["ns"] - v["kill_ns"]) / 1e9
        if abs(rel - v["time_to_skip_s"]) > 1e-9:
            errors.append(w + ": time_to_skip_s disagrees with skip.ns")
for e in errors[:20]:
    print("schema:", e)
print("%s: %d victims, %d errors" % (sys.argv[1], len(doc["victims"]), len(errors)))
sys.exit(1 if errors else 0)
PY

"$DUMP" --dump json 40 1 >"$T_OUT/hostile.json"
check "hand-built analysis with hostile names: JSON follows the schema" \
	python3 "$T_OUT/schema.py" "$T_OUT/hostile.json"
"$DUMP" --dump json 0 0 >"$T_OUT/empty.json"
check "empty analysis: JSON follows the schema" \
	python3 "$T_OUT/schema.py" "$T_OUT/empty.json"
check "hostile comm survives the round trip" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["victims"][5]["comm"] == "<script>alert(1)</script>", d["victims"][5]["comm"]
assert d["victims"][3]["comm"] == "tab\there\nnl\"q,"
' "$T_OUT/hostile.json"

n=0
if "$OOMLENS" version >/dev/null 2>&1; then
	for dat in "$SAMPLES"/*.dat; do
		[ -e "$dat" ] || continue
		s=$(basename "$dat" .dat)
		if ! "$OOMLENS" import "$dat" -o "$T_OUT/$s.db" >"$T_OUT/$s.import" 2>&1; then
			bad "$s: import failed: $(tail -n 1 "$T_OUT/$s.import")"
			continue
		fi
		"$OOMLENS" report "$T_OUT/$s.db" --format json >"$T_OUT/$s.json" &&
		check "$s: JSON follows the schema" python3 "$T_OUT/schema.py" "$T_OUT/$s.json"
		n=$((n + 1))
	done
fi
[ $n -gt 0 ] || echo "# no sample checked (no oomlens binary or no samples)"
t_done
