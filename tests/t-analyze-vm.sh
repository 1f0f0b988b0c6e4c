#!/bin/sh
# The scenario VM's recordings of Debian's own kernels (samples/data/vm/
# <release>/NAME.db.gz, made by `make scenarios KERNEL=...`): analyzed
# again by this oomlens, each kernel's era and expected verdicts, the
# global OOM, and `oomlens diff` of the two kernels showing what differs
# between the eras (the exit path's MMF_OOM_SKIP rule, the events that
# exist).
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
V=$SAMPLES/vm
K61=6.1.0-47-amd64 K510=5.10.0-46-amd64
for k in $K61 $K510; do
	[ -d "$V/$k" ] || skip "missing samples/data/vm/$k"
	mkdir -p "$T_OUT/$k"
	for f in "$V/$k"/*.db.gz; do
		db=$T_OUT/$k/$(basename "$f" .gz)
		gzip -dc "$f" >"$db" || bad "gunzip $f"
		"$OOMLENS" analyze "$db" >/dev/null 2>"$T_OUT/err" || { bad "analyze $db"; cat "$T_OUT/err"; }
	done
done
q() { sql "$T_OUT/$1/$2.db" "$3"; }
starts() { case "$1" in "$2"*) return 0 ;; esac; return 1; }
meta() { q "$1" "$2" "select value from analysis_meta where key='$3'"; }

for k in $K61 $K510; do
	check "$k: recorded on that kernel" [ "$(q $k globaloom "select value from meta where key='kernel_release'")" = "$k" ]
	check "$k globaloom: one victim, in the global domain" [ "$(q $k globaloom "select count(*) || ',' || min(domain) from victims")" = "1,global" ]
	check "$k globaloom: a 'Killed process' of the global OOM killer" [ "$(q $k globaloom "select count(*) from events where name='printk:console' and fields->>'msg' like '%Out of memory: Killed process%'")" -ge 1 ]
	check "$k globaloom: its memory came back (time-to-free known)" [ "$(q $k globaloom 'select freed_ns is not null from victims')" = 1 ]
	check "$k selfexit: one memcg kill, freed by its exit" [ "$(q $k selfexit "select count(*) || ',' || min(freed_by) from victims where domain like '/oomlens-sample-%'")" = "1,exit" ]
done
# 6.1: exit_mmap and mmap_lock events, extended mark_victim; the exit
# path sets MMF_OOM_SKIP after unmapping (6.1+ rule)
check "6.1: exit_mmap, mmap_lock, extended mark_victim" [ "$(meta $K61 selfexit exit_mmap),$(meta $K61 selfexit mmap_lock),$(meta $K61 selfexit mark_victim)" = "yes,yes,extended" ]
check "6.1: the 6.1+ era" starts "$(meta $K61 selfexit era)" "6.1+"
check "6.1 selfexit: MMF_OOM_SKIP by the exit path" [ "$(q $K61 selfexit 'select skip_by from victims')" = exit ]
# 5.10: neither exit_mmap nor mmap_lock (5.11+); the 4.14-6.0 rule, inferred
check "5.10: no exit_mmap, no mmap_lock events" [ "$(meta $K510 selfexit exit_mmap),$(meta $K510 selfexit mmap_lock)" = "no,no" ]
check "5.10: the 4.14-6.0 era" starts "$(meta $K510 selfexit era)" "4.14-6.0"
check "5.10 selfexit: MMF_OOM_SKIP by the exit path, inferred" [ "$(q $K510 selfexit 'select skip_by || "," || skip_confidence from victims')" = "exit,inferred" ]

"$OOMLENS" diff "$T_OUT/$K510" "$T_OUT/$K61" >"$T_OUT/diff.txt"
check "diff 5.10 -> 6.1: both kernels named" grep -q "kernel $K510" "$T_OUT/diff.txt" && grep -q "kernel $K61" "$T_OUT/diff.txt"
"$OOMLENS" diff -f json "$T_OUT/$K510" "$T_OUT/$K61" >"$T_OUT/diff.json"
check "diff 5.10 -> 6.1: the recorded events differ (exit_mmap, mmap_lock)" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
r = [x for x in d["recorded_differences"] if "events recorded differ" in x]
assert r and all("before" in x and "exit_mmap=no" in x.split(";")[0] and "exit_mmap=yes" in x.split(";")[1] for x in r), r' "$T_OUT/diff.json"
check "diff 5.10 -> 6.1: within 72 columns" [ -z "$(awk 'length > 72' "$T_OUT/diff.txt")" ]
t_done
