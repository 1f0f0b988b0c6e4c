#!/bin/sh
# One numbering: every victim and episode number shown in the text report
# (table, summary, explanations, --detail sections and chart lanes), the
# JSON, the CSV and the TUI (list, timeline lanes, event detail) is its id
# in the database (victims.id, episodes.id), and --victim/--episode take
# those ids.  Checked against the database on a sample whose pids are not
# in id order (pinned: ids 2 and 3 are pids 6719 and 6718), so that any
# other numbering pairs a number with the wrong pid.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed (make deps installs it)"
SAMPLE=pinned
[ -f "$SAMPLES/$SAMPLE.dat" ] || skip "sample $SAMPLE.dat missing"
db=$T_OUT/$SAMPLE.db
"$OOMLENS" import "$SAMPLES/$SAMPLE.dat" -o "$db" >"$T_OUT/import.log" 2>&1 ||
	{ cat "$T_OUT/import.log"; bad "import $SAMPLE.dat"; t_done; }
# id|pid|episode|related (the headline verdict's other victim, or -1)
sql "$db" "SELECT v.id, v.pid, v.episode, coalesce(d.other, -1) FROM victims v
	LEFT JOIN verdicts d ON d.victim = v.id AND d.seq = 0 ORDER BY v.id" >"$T_OUT/ids"
sql "$db" "SELECT id FROM episodes ORDER BY id" >"$T_OUT/episodes"
[ -s "$T_OUT/ids" ] || { bad "no victims in $SAMPLE"; t_done; }
"$OOMLENS" report "$db" >"$T_OUT/text"
"$OOMLENS" report "$db" --detail >"$T_OUT/detail"
"$OOMLENS" report "$db" --format json >"$T_OUT/json"
"$OOMLENS" report "$db" --format csv >"$T_OUT/csv"

# numbers.py KIND FILE: every victim/episode number in FILE against the ids
cat >"$T_OUT/numbers.py" <<'PY'
import csv, json, re, sys
kind, path, ids_path, eps_path = sys.argv[1:5]
ids = {}
for line in open(ids_path):
    i, pid, ep, rel = (int(x) for x in line.strip().split("|"))
    ids[i] = (pid, ep, rel)
eps = {int(x) for x in open(eps_path) if x.strip()}
bad, seen = [], 0
def victim(i, pid=None, where=""):
    global seen
    seen += 1
    if i not in ids: bad.append("%s: victim %d is no id" % (where, i))
    elif pid is not None and ids[i][0] != pid:
        bad.append("%s: victim %d shown with pid %d, its pid is %d" % (where, i, pid, ids[i][0]))
def episode(e, where=""):
    global seen
    seen += 1
    if e not in eps: bad.append("%s: episode %d is no id" % (where, e))
text = open(path, encoding="utf-8").read()
if kind == "json":
    d = json.loads(text)
    for e in d["episodes"]:
        episode(e["id"], "episodes[]")
        for i in e["victims"]: victim(i, None, "episodes[].victims")
    for v in d["victims"]:
        victim(v["id"], v["pid"], "victims[]")
        episode(v["episode"], "victims[].episode")
        if v["episode"] != ids[v["id"]][1]: bad.append("victim %d: wrong episode" % v["id"])
        for vd in v["verdicts"][:1]:
            if (vd["related_victim"] if vd["related_victim"] is not None else -1) != ids[v["id"]][2]:
                bad.append("victim %d: related_victim is not verdicts.other" % v["id"])
elif kind == "csv":
    for r in csv.DictReader(text.splitlines()):
        victim(int(r["victim"]), int(r["pid"]), "csv")
        episode(int(r["episode"]), "csv")
        rel = int(r["related_victim"]) if r["related_victim"] else -1
        if rel != ids[int(r["victim"])][2]: bad.append("csv: related_victim of %s" % r["victim"])
elif kind == "text":
    flat = re.sub(r"\s+", " ", text)
    # the table: "id kill pid comm ..."
    for m in re.finditer(r"^ *(\d+) +[\d.]+ +(\d+) ", text, re.M): victim(int(m.group(1)), int(m.group(2)), "table")
    for m in re.finditer(r"[Ee]pisode (\d+):", text): episode(int(m.group(1)), "episode heading")
    # summary and explanations: "victim 0 (pid 6716", "victims 1, 2 and 3"
    for m in re.finditer(r"victim (\d+) \(pid (\d+)", flat): victim(int(m.group(1)), int(m.group(2)), "summary")
    for m in re.finditer(r"victims? ((?:\d+(?:, | and ))*\d+)", flat):
        for i in re.findall(r"\d+", m.group(1)): victim(int(i), None, "list")
    # --detail: sections and chart lanes
    for m in re.finditer(r"^victim (\d+): pid (\d+) ", text, re.M): victim(int(m.group(1)), int(m.group(2)), "section")
    for m in re.finditer(r"^#(\d+) (\d+) ", text, re.M): victim(int(m.group(1)), int(m.group(2)), "chart lane")
elif kind == "tui":
    for m in re.finditer(r"^[! ] +(\d+) +[\d.]+ +(\d+) ", text, re.M): victim(int(m.group(1)), int(m.group(2)), "tui list")
    for m in re.finditer(r"-- episode (\d+) ", text): episode(int(m.group(1)), "tui episode header")
    for m in re.finditer(r"Timeline  episode (\d+) ", text): episode(int(m.group(1)), "tui timeline")
    for m in re.finditer(r"^[> ][! ]#(\d+) (\d+) ", text, re.M): victim(int(m.group(1)), int(m.group(2)), "tui lane")
    for m in re.finditer(r"events of #(\d+) (\d+) ", text): victim(int(m.group(1)), int(m.group(2)), "tui events")
    for m in re.finditer(r"Victim (\d+) of episode (\d+): pid (\d+)", text):
        victim(int(m.group(1)), int(m.group(3)), "tui detail"); episode(int(m.group(2)), "tui detail")
    for m in re.finditer(r"about victim (\d+) \(pid (\d+)\)", text): victim(int(m.group(1)), int(m.group(2)), "tui verdict")
for b in bad[:10]: print(b)
print("%s: %d numbers checked, %d wrong" % (kind, seen, len(bad)))
sys.exit(1 if bad or seen < 4 else 0)
PY
num() { python3 "$T_OUT/numbers.py" "$1" "$2" "$T_OUT/ids" "$T_OUT/episodes"; }
check "text: every number is a database id" num text "$T_OUT/text"
check "text --detail: every number is a database id" num text "$T_OUT/detail"
check "json: every number is a database id" num json "$T_OUT/json"
check "csv: every number is a database id" num csv "$T_OUT/csv"

# --victim and --episode take the ids
last=$(tail -n 1 "$T_OUT/ids")
id=${last%%|*}; rest=${last#*|}; pid=${rest%%|*}
"$OOMLENS" report "$db" --victim "$id" --format csv >"$T_OUT/one.csv"
check "--victim $id selects the victim with id $id (pid $pid)" \
	sh -c "awk -F, 'NR > 1 && \$2 == $id && \$5 == $pid { f = 1 } END { exit !f }' '$T_OUT/one.csv'"
ep=$(head -n 1 "$T_OUT/episodes")
check "--episode $ep is episode id $ep" sh -c "'$OOMLENS' report '$db' --episode $ep --format json |
	grep -q '\"id\": $ep,'"

# the TUI: list, timeline lanes, the detail of the first event
if command -v tmux >/dev/null 2>&1; then
	export TERM=xterm-256color NO_COLOR=1
	sock=oomlens-num-$$
	tm() { tmux -L "$sock" "$@"; }
	trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT INT TERM
	tm new-session -d -x 100 -y 30 -s t -c "$T_OUT" \
		"env TERM=$TERM NO_COLOR=1 LANG=C LC_ALL=C '$OOMLENS' tui $SAMPLE.db; sleep 60"
	screen() { tm capture-pane -p -t t; }
	i=0; while [ $i -lt 50 ] && ! screen | grep -q "Victims 1/"; do sleep 0.1; i=$((i + 1)); done
	screen >"$T_OUT/tui"
	tm send-keys -t t End Enter; sleep 0.4; screen >>"$T_OUT/tui"
	tm send-keys -t t Enter; sleep 0.4; tm send-keys -t t End; sleep 0.3; screen >>"$T_OUT/tui"
	check "tui: every number is a database id" num tui "$T_OUT/tui"
else
	echo "tmux is not installed: the TUI part is not checked"
fi
t_done
