#!/bin/sh
# The memory picture of a log-only kill, as OOMAnalyser explains it, on
# real reports of 3.x, 4.x, 5.x and 6.x kernels: oom_memory keeps what
# show_mem() and the memcg printed; oom_memory_where, oom_watermarks and
# oom_badness are computed from it, oom_picture summarises them for the
# reports (where the memory was, each zone against its
# watermarks, the task table ranked by the kernel's badness).
. "$(dirname "$0")/lib.sh"
FIX="$TOP/tests/fixtures/kmsg-real"
imp() { "$OOMLENS" import -q "$1" -o "$2" >/dev/null 2>&1 || bad "import $1"; }

# 3.10 (RHEL 7, OOMAnalyser's example): a global OOM on two nodes
db="$T_OUT/rhel7.db"; imp "$FIX/001-oomanalyser-rhel7-bare.log" "$db"
check "3.10: four zones with their watermarks" test "$(sql "$db" "select count(*) from oom_watermarks")" = 4
check "3.10: node 0 Normal below min" \
	test "$(sql "$db" "select level from oom_watermarks where node = 0 and zone = 'Normal'")" = "below min"
check "3.10: anon held most of the memory" \
	test "$(sql "$db" "select anon_kb > 30000000 and file_kb < 20000 from oom_memory_where where scope = 'global'")" = 1
check "3.10: totalpages is RAM + swap" \
	test "$(sql "$db" "select distinct totalpages from oom_badness")" = "$(sql "$db" \
	"select (select value from oom_memory where key = 'pages RAM') + (select value from oom_memory where key = 'Total swap') / 4")"
check "3.10: the chosen task ranks first by badness" \
	test "$(sql "$db" "select name || ' ' || rank || ' ' || why from oom_badness where chosen")" = "mysqld 1 the highest badness"
check "3.10: Mem-Info page counts kept" \
	test "$(sql "$db" "select unit from oom_memory where scope = 'global' and key = 'active_anon'")" = pages

"$OOMLENS" report --detail "$db" > "$T_OUT/rhel7.txt" 2>&1
check "3.10: the report shows where the memory was" grep -q 'memory then: system: anon 32066452 kB' "$T_OUT/rhel7.txt"
check "3.10: ... the zones near their watermarks" grep -q 'watermarks: node 0 Normal below min' "$T_OUT/rhel7.txt"
check "3.10: ... and the chosen task's rank" grep -q 'chosen: rank 1 of 85 by badness' "$T_OUT/rhel7.txt"

# 4.8 memcg v1 (/dev/kmsg records): the memcg's stats, badness by the limit
db="$T_OUT/memcg48.db"; imp "$FIX/032-cadvisor-devkmsg-memcg-v1-4.8.log" "$db"
check "4.8 memcg: anon from the memcg's stats" \
	test "$(sql "$db" "select anon_kb from oom_memory_where where scope = 'memcg'")" = 10104
check "4.8 memcg: totalpages is the limit" test "$(sql "$db" "select totalpages from oom_badness")" = 2560
check "4.8 memcg: chosen, first" test "$(sql "$db" "select rank from oom_badness where chosen")" = 1

# 5.8: a movable zone on node 4 (cpuset)
db="$T_OUT/58.db"; imp "$FIX/024-fengtang-cpuset-movable-indented-5.8.log" "$db"
check "5.8: the Movable zone and its watermarks" \
	test "$(sql "$db" "select zone || ' ' || node || ' ' || (min_kb > 0) from oom_watermarks")" = "Movable 4 1"

# 6.18 (the samples): memcg v1 stats one counter a line (bytes)
db="$T_OUT/618.db"; imp "$SAMPLES/unreapable.dmesg" "$db"
check "6.18: a memory picture for each victim" \
	test "$(sql "$db" "select count(distinct victim) from oom_memory_where")" = "$(sql "$db" "select count(*) from victims")"
check "6.18: shmem from the memcg's stats" \
	test "$(sql "$db" "select min(shmem_kb) > 0 from oom_memory_where where scope = 'memcg'")" = 1
check "6.18: the first kill's task is the highest badness" \
	test "$(sql "$db" "select rank from oom_badness where victim = (select min(id) from victims) and chosen")" = 1
check "6.18: later kills say why they were not the highest" \
	test "$(sql "$db" "select count(*) from oom_badness where chosen and rank > 1 and why like 'not the highest badness%'")" -ge 1

# dmesg prints the lines after a record's first indented, without a stamp
printf '%s\n' '[    1.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0' \
	'[    1.000001] Mem-Info:' \
	'[    1.000002] active_anon:218 inactive_anon:202527 isolated_anon:0' \
	'                active_file:5979 inactive_file:5231 isolated_file:0' \
	'                free:100 free_pcp:0' \
	'[    1.100000] Out of memory: Killed process 5 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB' \
	> "$T_OUT/multi.log"
db="$T_OUT/multi.db"; imp "$T_OUT/multi.log" "$db"
check "a multi-line Mem-Info record: every counter" \
	test "$(sql "$db" "select count(*) from oom_memory where scope = 'global'")" = 8
check "... and where the memory was" \
	test "$(sql "$db" "select anon_kb || ' ' || file_kb from oom_memory_where")" = "$((202745 * 4)) $((11210 * 4))"
t_done
