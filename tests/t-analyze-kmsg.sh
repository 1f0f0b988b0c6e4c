#!/bin/sh
# analyze/ on a kernel log alone and on a trace merged with its log, for
# every committed sample (samples/data/<s>.dat + <s>.dmesg, one 6.18 run):
# - log only: the era comes from the log's kernel release (inferred), the
#   analysis says the evidence is the kernel log only, no verdict is surer
#   than inferred, a kill is flagged unnecessary only where the trace
#   flags it too (same pid, same earlier victim), and on unreapable /
#   pinned every bystander the trace flags is flagged from the log too;
#   "ineffective" only where a reaper line showed the memory still held;
# - trace + log: the trace's victims (no duplicates), each with the gfp
#   mask, constraint, memcgs and usage of its OOM report, and the task
#   table of its kill in oom_tasks.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
ls "$SAMPLES"/*.dmesg >/dev/null 2>&1 || skip "no samples in $SAMPLES"

for dm in "$SAMPLES"/*.dmesg; do
	s=$(basename "$dm" .dmesg)
	[ -f "$SAMPLES/$s.dat" ] || continue
	T=$T_OUT/$s-trace.db K=$T_OUT/$s-log.db M=$T_OUT/$s-merged.db
	"$OOMLENS" import -q "$SAMPLES/$s.dat" -o "$T" >/dev/null 2>&1 || bad "$s: import trace"
	"$OOMLENS" import -q "$dm" -o "$K" >/dev/null 2>&1 || bad "$s: import log"
	"$OOMLENS" import -q "$SAMPLES/$s.dat" "$dm" -o "$M" >/dev/null 2>&1 || bad "$s: import both"

	# ---- the log alone
	rel=$(sql "$K" "select value from meta where key = 'kernel_release'")
	check "$s log: evidence kernel-log-only" \
		test "$(sql "$K" "select value from analysis_meta where key = 'evidence'")" = kernel-log-only
	check "$s log: era 6.1+ from the release $rel" \
		sh -c "sqlite3 '$K' \"select value from analysis_meta where key = 'era'\" | grep -q '^6\.1+.*inferred from the kernel release $rel'"
	check "$s log: era_source says inferred" \
		test "$(sql "$K" "select value from analysis_meta where key = 'era_source'")" = "inferred from the kernel release $rel"
	check "$s log: exit rule inferred" \
		test "$(sql "$K" "select value from analysis_meta where key = 'exit_rule_confidence'")" = inferred
	check "$s log: no verdict surer than inferred" \
		test "$(sql "$K" "select count(*) from verdicts where confidence = 'observed'")" = 0
	check "$s log: no headline surer than inferred" \
		test "$(sql "$K" "select count(*) from victims where verdict_confidence = 'observed'")" = 0
	# unnecessary: pid -> pid of the earlier victim, from the log and from the trace
	q="select v.pid || '>' || o.pid from verdicts d join victims v on v.id = d.victim
	   join victims o on o.id = d.other where d.kind = 'unnecessary' order by v.pid"
	sql "$K" "$q" > "$T_OUT/$s-log.unn"
	sql "$T" "$q" > "$T_OUT/$s-trace.unn"
	check "$s log: unnecessary kills ($(tr '\n' ' ' < "$T_OUT/$s-log.unn")) are the trace's too" \
		sh -c "! comm -23 '$T_OUT/$s-log.unn' '$T_OUT/$s-trace.unn' | grep -q ."
	case $s in unreapable|pinned)
		check "$s log: every unnecessary kill of the trace found ($(wc -l < "$T_OUT/$s-trace.unn"))" \
			cmp -s "$T_OUT/$s-log.unn" "$T_OUT/$s-trace.unn" ;;
	esac
	# ineffective only on a reaper line that showed half or more still held
	check "$s log: ineffective only with a reaper line showing the memory held" \
		test "$(sql "$K" "select count(*) from verdicts d join victims v on v.id = d.victim
			left join reaper_runs r on r.victim = v.id where d.kind = 'ineffective'
			and (r.left_kb is null or r.left_kb * 2 < v.rss_kb)")" = 0
	check "$s log: freed is never 'not-freed' (no line is no evidence)" \
		test "$(sql "$K" "select count(*) from victims where freed_by = 'not-freed'")" = 0
	"$OOMLENS" report "$K" > "$T_OUT/$s-log.txt" 2>&1
	check "$s log: the text report says kernel log only" \
		grep -q 'kernel log only (no trace events)' "$T_OUT/$s-log.txt"
	check "$s log: text within 72 columns, printable ASCII" sh -c "! awk 'length > 72' '$T_OUT/$s-log.txt' | grep -q . &&
		! LC_ALL=C grep -q '[^ -~]' '$T_OUT/$s-log.txt'"
	"$OOMLENS" report "$T" > "$T_OUT/$s-trace.txt" 2>&1
	check "$s trace: the text report has no data: line" sh -c "! grep -q '^data:' '$T_OUT/$s-trace.txt'"
	for d in "$K:kernel-log-only" "$T:trace" "$M:trace+kernel-log"; do
		check "$s: json evidence ${d#*:}" sh -c "'$OOMLENS' report '${d%%:*}' -f json |
			grep -q '^    \"evidence\": \"${d#*:}\",\$'"
	done

	# ---- the trace merged with its log
	check "$s merged: the trace's victims, no duplicates" \
		test "$(sql "$M" 'select group_concat(pid) from (select pid from victims order by id)')" = \
		"$(sql "$T" 'select group_concat(pid) from (select pid from victims order by id)')"
	check "$s merged: every victim has its gfp mask and memcg" \
		test "$(sql "$M" "select count(*) from victims where gfp_mask is null or oom_memcg is null
			or oom_constraint is null or gfp_order is null")" = 0
	masks=$(grep -o 'gfp_mask=[^,]*' "$dm" | sort -u | sed 's/gfp_mask=//' | tr '\n' ' ')
	check "$s merged: gfp masks as printed ($masks)" \
		test -z "$(sql "$M" 'select distinct gfp_mask from victims' | while read -r g; do
			case " $masks " in *" $g "*) ;; *) echo "$g" ;; esac; done)"
	check "$s merged: oom_memcg is the domain" \
		test "$(sql "$M" "select count(*) from victims where oom_constraint = 'CONSTRAINT_MEMCG' and oom_memcg != domain")" = 0
	check "$s merged: memcg usage/limit from a 'memory: usage' line" \
		test -z "$(sql "$M" 'select distinct memcg_usage_kb || "kB, limit " || memcg_limit_kb || "kB" from victims' |
			while read -r u; do grep -q "memory: usage $u" "$dm" || echo "$u"; done)"
	check "$s merged: oom_tasks has rows" test "$(sql "$M" 'select count(*) from oom_tasks')" -gt 0
	check "$s merged: each kill's task table lists its victim" \
		test "$(sql "$M" "select count(*) from victims v where (v.grp is null or v.grp = v.id) and not exists
			(select 1 from oom_tasks t where t.victim = v.id and t.tgid = v.tgid)")" = 0
	check "$s merged: task table rows match the log" \
		test -z "$(tr -s ' ' < "$dm" > "$T_OUT/$s.squeezed"
			sql "$M" "select printf('[ %d] %d %d %d %d %d %d %d %d %d %d %s', pid, uid, tgid,
			total_vm_pages, rss_pages, rss_anon, rss_file, rss_shmem, pgtables_bytes, swapents,
			oom_score_adj, name) from oom_tasks" | while IFS= read -r row; do
			grep -qF "] $row" "$T_OUT/$s.squeezed" || echo "$row"; done)"
done

# ---- the issue's case: a log alone of the unreapable run
K=$T_OUT/unreapable-log.db
if [ -f "$K" ]; then
	first=$(sql "$K" 'select pid from victims where id = 0')
	shm=$(grep -o "reaped process $first .*shmem-rss:[0-9]*" "$SAMPLES/unreapable.dmesg" | sed 's/.*shmem-rss://')
	n=$(sql "$K" 'select count(*) from victims where id > 0')
	check "unreapable log: every bystander unnecessary (inferred) pointing at victim 1" \
		test "$(sql "$K" "select count(*) from victims v join verdicts d on d.victim = v.id and d.seq = 0
			where v.id > 0 and d.kind = 'unnecessary' and d.confidence = 'inferred' and d.other = 0")" = "$n"
	check "unreapable log: the evidence is a candidate from the reaper line (shmem $shm kB)" \
		test "$(sql "$K" "select count(*) from verdicts where kind = 'unnecessary' and evidence like 'candidate%'
			and evidence like '%shmem $shm kB%' and evidence like '%MMF_OOM_SKIP%'
			and evidence like '%not in a kernel log%'")" = "$n"
	check "unreapable log: victim 1 ineffective (inferred), bystanders not" \
		test "$(sql "$K" "select group_concat(victim) from verdicts where kind = 'ineffective' and confidence = 'inferred'")" = 0
	check "unreapable log: the allocating task comes from the log" \
		test "$(sql "$K" 'select count(*) from victims where trigger_pid > 0 and oom_invoker = trigger_comm')" = "$((n + 1))"
fi
t_done
