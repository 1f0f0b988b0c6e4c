#!/bin/sh
# oomlens diff / summary on committed samples: a database against itself
# says "no change" in every format; a pair of different samples shows the
# changes (who set MMF_OOM_SKIP, the reaper, time-to-free); folders are
# matched by scenario name and scenarios on one side only are stated;
# text stays within 72 printable ASCII columns; bad input is one line
# naming the file, exit 1.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
for s in selfexit reaped unreapable; do
	[ -f "$SAMPLES/$s.dat" ] || skip "missing sample $s.dat"
done
A=$T_OUT/a B=$T_OUT/b
mkdir -p "$A" "$B"
for s in selfexit reaped unreapable; do
	"$OOMLENS" import "$SAMPLES/$s.dat" -o "$A/$s.db" >/dev/null 2>&1 || bad "import $s"
done
for s in lockheld vforkmm; do
	"$OOMLENS" import "$SAMPLES/seeds/$s.dat" "$SAMPLES/seeds/$s.dmesg" -o "$B/$s.db" >/dev/null 2>&1 || bad "import seeds/$s"
done
cp "$A/reaped.db" "$B/reaped.db"
D=$OOMLENS

narrow() { awk 'length > 72 || /[^ -~]/ || / $/ { bad = 1 } END { exit bad }' "$1"; }

# a database against itself, a folder against itself
"$D" diff "$A/reaped.db" "$A/reaped.db" >"$T_OUT/self.txt"; rc=$?
check "self: exit 0" [ $rc = 0 ]
check "self: 'no change'" grep -qx "no change" "$T_OUT/self.txt"
check "self: no change column other than '='" [ -z "$(awk '/^  [a-z]/ && NF > 3 && $NF != "=" && $NF ~ /^[-+]/' "$T_OUT/self.txt")" ]
check "self: text within 72 ASCII columns, no trailing blanks" narrow "$T_OUT/self.txt"
"$D" diff "$A" "$A" >"$T_OUT/selfdir.txt"
check "folder against itself: 'no change'" grep -qx "no change" "$T_OUT/selfdir.txt"
check "folder: three scenarios" grep -q "^total (3 scenarios)" "$T_OUT/selfdir.txt"
"$D" diff -f json "$A" "$A" >"$T_OUT/self.json"
check "self json: no_change true, nothing marked changed" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
assert d["no_change"] is True
assert not any(v["changed"] for s in d["scenarios"] for v in s["figures"].values())
assert len(d["scenarios"]) == 3' "$T_OUT/self.json"
"$D" diff -f markdown "$A" "$A" >"$T_OUT/self.md"
check "self markdown: 'No change.' and a table per scenario" [ "$(grep -c '^### ' "$T_OUT/self.md")" = 4 ] && grep -qx "No change." "$T_OUT/self.md"

# two different samples: selfexit (exit path) -> reaped (the reaper, 2 s)
"$D" diff "$A/selfexit.db" "$A/reaped.db" >"$T_OUT/pair.txt"
check "pair: both names in the section title" grep -qx "selfexit -> reaped" "$T_OUT/pair.txt"
check "pair: MMF_OOM_SKIP moves from the exit path to the reaper" \
	[ "$(awk '/^total/ { t = 1 } t && /set by the reaper  / { print $NF; exit }' "$T_OUT/pair.txt")" = "+1" ] &&
	[ "$(awk '/^total/ { t = 1 } t && /set by the exit path/ { print $NF; exit }' "$T_OUT/pair.txt")" = "-1" ]
tb=$(sql "$A/selfexit.db" "select printf('%.3f', (freed_ns - kill_ns) / 1e9) from victims")
ta=$(sql "$A/reaped.db" "select printf('%.3f', (freed_ns - kill_ns) / 1e9) from victims")
check "pair: time-to-free p50 ${tb}s -> ${ta}s" grep -qE "time-to-free p50 +${tb}s +${ta}s +\+" "$T_OUT/pair.txt"
check "pair: not 'no change'" [ -z "$(grep -x 'no change' "$T_OUT/pair.txt")" ]
check "pair: within 72 columns" narrow "$T_OUT/pair.txt"
"$D" diff -f json "$A/selfexit.db" "$A/reaped.db" >"$T_OUT/pair.json"
check "pair json: changed skip_by_reaper 0 -> 1, reaper_reaped 0 -> 1" python3 -c '
import json,sys
t = json.load(open(sys.argv[1]))["total"]
assert t["skip_by_reaper"] == {"before": 0, "after": 1, "changed": True}, t["skip_by_reaper"]
assert t["reaper_reaped"]["after"] == 1 and t["reaper_not_needed"]["before"] == 1' "$T_OUT/pair.json"

# folders matched by name: reaped on both sides, the others on one side
"$D" diff "$A" "$B" >"$T_OUT/dirs.txt"
check "folders: five scenarios in the union" grep -q "^total (5 scenarios)" "$T_OUT/dirs.txt"
check "folders: one-sided scenarios are stated" grep -q "selfexit: recorded before only" "$T_OUT/dirs.txt" &&
	grep -q "vforkmm: recorded after only" "$T_OUT/dirs.txt"
check "folders: sharers counted (vforkmm's two)" [ "$(awk '/^vforkmm$/ { s = 1 } s && /sharers killed/ { print $NF; exit }' "$T_OUT/dirs.txt")" = 2 ]
check "folders: within 72 columns" narrow "$T_OUT/dirs.txt"

# summary
"$D" summary "$B" >"$T_OUT/summary.txt"
check "summary: a line per scenario" [ "$(grep -cE '^(lockheld|reaped|vforkmm) ' "$T_OUT/summary.txt")" = 3 ]
check "summary: lockheld's reaper gave up" grep -qE "^lockheld .*reaper-gave-up 1" "$T_OUT/summary.txt"
check "summary: within 72 columns" narrow "$T_OUT/summary.txt"

# bad input
"$D" diff "$A/reaped.db" "$T_OUT/nonexistent" >/dev/null 2>"$T_OUT/err"; rc=$?
check "missing path: exit 1, one line naming it" [ $rc = 1 ] && [ "$(wc -l <"$T_OUT/err")" = 1 ] && grep -q nonexistent "$T_OUT/err"
mkdir -p "$T_OUT/empty"
"$D" diff "$T_OUT/empty" "$A" >/dev/null 2>"$T_OUT/err"; rc=$?
check "folder without databases: exit 1" [ $rc = 1 ] && grep -q "no \*.db" "$T_OUT/err"
"$D" diff "$A" >/dev/null 2>&1; rc=$?
check "one argument: usage, exit 2" [ $rc = 2 ]
"$D" diff -f csv "$A" "$A" >/dev/null 2>"$T_OUT/err"; rc=$?
check "csv: not supported, exit 1" [ $rc = 1 ] && grep -q "not supported" "$T_OUT/err"
t_done
