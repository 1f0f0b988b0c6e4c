#!/bin/sh
# Nothing lost silently: every kill of a kernel log becomes a victim or
# the import says why; what is not understood is counted and quoted.
#  - a log of another time merged with a trace: its own source, its kills
#    log-only victims, "no time in common" said;
#  - a cut constraint line and a kill line with an impossible number: the
#    kills are kept, the lines counted and quoted;
#  - memory.oom.group printing the report's victim again: one kill;
#  - a trace whose printk:console lines carry printk's "[ts] " (Debian's
#    5.10): the report's facts kept, each reaper line once, and its dmesg
#    merged without duplicates.
. "$(dirname "$0")/lib.sh"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed (make deps installs it)"
q="select pid || ' ' || comm || ' ' || domain from victims order by pid"

# a trace and a log of another run (no line in common)
"$OOMLENS" import -q "$SAMPLES/reaped.dat" -o "$T_OUT/apart.db" 2>/dev/null
"$OOMLENS" import -q "$SAMPLES/pinned.dmesg" -o "$T_OUT/log.db" 2>/dev/null
"$OOMLENS" import -q "$SAMPLES/pinned.dmesg" -o "$T_OUT/apart.db" 2> "$T_OUT/apart.err"
check "apart: import exit 0 with every kill kept" test $? -eq 0
{ sql "$T_OUT/log.db" "$q"; "$OOMLENS" import -q "$SAMPLES/reaped.dat" -o "$T_OUT/t.db" 2>/dev/null;
  sql "$T_OUT/t.db" "$q"; } | sort -n > "$T_OUT/apart.want"
sql "$T_OUT/apart.db" "$q" | sort -n > "$T_OUT/apart.got"
check "apart: the trace's victims and the log's ($(wc -l < "$T_OUT/apart.want"))" \
	cmp -s "$T_OUT/apart.want" "$T_OUT/apart.got"
check "apart: 'no time in common' said" grep -q 'no time in common with the trace' "$T_OUT/apart.err"
check "apart: meta kmsg.aligned = no" \
	test "$(sql "$T_OUT/apart.db" "select value from meta where key = 'kmsg.aligned'")" = no
check "apart: two sources" test "$(sql "$T_OUT/apart.db" "select count(*) from sources")" = 2

# a cut constraint line, then a kill with an impossible size, then a whole one
cat > "$T_OUT/cut.log" <<'LOG'
[  100.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[  100.000100] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=
[  100.000200] Memory cgroup out of memory: Killed process 11 (a) total-vm:1kB, anon-rss:9223372036854775807kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0
[  200.000000] b invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[  200.000200] Out of memory: Killed process 22 (b) total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0
LOG
"$OOMLENS" import -q "$T_OUT/cut.log" -o "$T_OUT/cut.db" 2> "$T_OUT/cut.err"
check "cut: exit 0" test $? -eq 0
check "cut: both kills are victims" test "$(sql "$T_OUT/cut.db" "$q" | tr '\n' '|')" = "11 a memcg|22 b global|"
check "cut: 2 kills announced" grep -q ', 2 kills' "$T_OUT/cut.err"
check "cut: 2 lines not understood, quoted" grep -q '2 lines not understood (oom-kill:constraint=CONSTRAINT_MEMCG' "$T_OUT/cut.err"
check "cut: meta keeps them" test "$(sql "$T_OUT/cut.db" "select count(*) from meta where key = 'kmsg.not_understood_lines' and value like '%9223372036854775807%'")" = 1
check "cut: no size from the impossible line" test "$(sql "$T_OUT/cut.db" "select coalesce(anon_kb, 'none') from victims where pid = 11")" = none

# memory.oom.group: the report's victim printed again among the group
cat > "$T_OUT/group.log" <<'LOG'
[   37.123371] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test1,task_memcg=/test1,task=a.out,pid=9188,uid=0
[   37.128158] Memory cgroup out of memory: Killed process 9188 (a.out) total-vm:14456kB, anon-rss:10324kB, file-rss:504kB, shmem-rss:0kB
[   37.132710] Tasks in /test1 are going to be killed due to memory.oom.group set
[   37.135498] Memory cgroup out of memory: Killed process 9182 (a.out) total-vm:14456kB, anon-rss:76kB, file-rss:588kB, shmem-rss:0kB
[   37.143434] Memory cgroup out of memory: Killed process 9188 (a.out) total-vm:14456kB, anon-rss:10324kB, file-rss:504kB, shmem-rss:0kB
LOG
"$OOMLENS" import -q "$T_OUT/group.log" -o "$T_OUT/group.db" 2> "$T_OUT/group.err"
check "oom.group: two victims, one domain" \
	test "$(sql "$T_OUT/group.db" "$q" | tr '\n' '|')" = "9182 a.out /test1|9188 a.out /test1|"
check "oom.group: one episode" test "$(sql "$T_OUT/group.db" "select count(distinct episode) from victims")" = 1
check "oom.group: 2 kills announced" grep -q ', 2 kills' "$T_OUT/group.err"

# Debian 5.10: console lines with printk's own stamp
trace-cmd report "$SAMPLES/reaped.dat" > "$T_OUT/plain.trace" 2>/dev/null
awk '{ if (match($0, / console: +/)) { pre = substr($0, 1, RSTART + RLENGTH - 1)
	rest = substr($0, RSTART + RLENGTH); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) t = $i
	sub(/:$/, "", t); printf "%s[%12.6f] %s\n", pre, t - 0.018, rest } else print }' \
	"$T_OUT/plain.trace" > "$T_OUT/deb.trace"
"$OOMLENS" import -q "$T_OUT/plain.trace" -o "$T_OUT/plain.db" 2>/dev/null
"$OOMLENS" import -q "$T_OUT/deb.trace" -o "$T_OUT/deb.db" 2>/dev/null
qf="select pid, comm, domain, trigger_comm, gfp_mask, oom_constraint from victims order by pid"
check "debian console: the report's facts as without the stamp" \
	test "$(sql "$T_OUT/deb.db" "$qf")" = "$(sql "$T_OUT/plain.db" "$qf")"
check "debian console: a domain, not unknown" \
	test "$(sql "$T_OUT/deb.db" "select count(*) from victims where domain = 'unknown'")" = 0
check "debian console: each reaper line once in the report" \
	test "$("$OOMLENS" report "$T_OUT/deb.db" 2>/dev/null | grep -c 'oom_reaper: reaped')" = \
	     "$("$OOMLENS" report "$T_OUT/plain.db" 2>/dev/null | grep -c 'oom_reaper: reaped')"
"$OOMLENS" import -q "$T_OUT/deb.trace" "$SAMPLES/reaped.dmesg" -o "$T_OUT/debm.db" 2> "$T_OUT/debm.err"
check "debian console + dmesg: aligned" grep -q 'lines matched' "$T_OUT/debm.err"
check "debian console + dmesg: the same victims" \
	test "$(sql "$T_OUT/debm.db" "$q")" = "$(sql "$T_OUT/plain.db" "$q")"

# a trace that lost one kill (its mark_victim and its "Killed process"
# console line), and the dmesg of the same run: that kill is the log's
trace-cmd report "$SAMPLES/pinned.dat" > "$T_OUT/pinned.trace" 2>/dev/null
"$OOMLENS" import -q "$T_OUT/pinned.trace" -o "$T_OUT/pinned.db" 2>/dev/null
k=$(sql "$T_OUT/pinned.db" "select max(pid) from victims")
grep -v -e "mark_victim.*pid=$k" -e "console: .*Killed process $k " "$T_OUT/pinned.trace" > "$T_OUT/lost.trace"
"$OOMLENS" import -q "$T_OUT/lost.trace" "$SAMPLES/pinned.dmesg" -o "$T_OUT/lost.db" 2> "$T_OUT/lost.err"
check "trace without one kill + dmesg: every kill a victim" \
	test "$(sql "$T_OUT/lost.db" "$q")" = "$(sql "$T_OUT/pinned.db" "$q")"
check "trace without one kill + dmesg: said" grep -q '1 kills the trace did not record (0 outside' "$T_OUT/lost.err"
t_done
