#!/bin/sh
# oomlens merge: two sample databases of two hosts in one; victims keep
# their host, boot id, kernel release and clock; reports group by host;
# the same recording twice, a merged input, an existing output and new
# events into a merged database are refused, leaving nothing behind.
. "$(dirname "$0")/lib.sh"
a=$T_OUT/web1.db b=$T_OUT/web2.db f=$T_OUT/fleet.db
"$OOMLENS" import -q "$SAMPLES/reaped.dat" -o "$a" 2>/dev/null &&
"$OOMLENS" import -q "$SAMPLES/unreapable.dat" "$SAMPLES/unreapable.dmesg" -o "$b" 2>/dev/null ||
	{ bad "import the samples"; t_done; }
# two hosts: the samples were recorded on one machine, so name them apart
sql "$a" "update meta set value = 'web1' where key = 'hostname'; insert or replace into meta values ('boot_id', 'b00t-1')"
sql "$b" "update meta set value = 'web2' where key = 'hostname'; update meta set value = '6.1.0-test' where key = 'kernel_release'"
va=$(sql "$a" "select count(*) from victims") vb=$(sql "$b" "select count(*) from victims")

"$OOMLENS" merge "$a" "$b" -o "$f" 2>"$T_OUT/merge.err"
check "merge exits 0" [ $? = 0 ]
check "victims of both: $va + $vb" [ "$(sql "$f" "select count(*) from victims")" = $((va + vb)) ]
check "victim ids stay 0..n-1 in input order" [ "$(sql "$f" "select count(*) = max(id) - min(id) + 1 from victims")" = 1 ]
check "two origins with host, boot id, kernel, clock" [ "$(sql "$f" "select group_concat(host || '/' || coalesce(boot_id, '-') || '/' || kernel_release || '/' || clock, ' ') from origins")" = "web1/b00t-1/6.18.44-fc-v769/local web2/-/6.1.0-test/local" ]
check "each victim keeps its host" [ "$(sql "$f" "select group_concat(n, ',') from (select o.host || ':' || count(*) as n from victims v join origins o on v.id between o.first_victim and o.first_victim + o.victims - 1 group by o.host order by o.host)")" = "web1:$va,web2:$vb" ]
check "verdict references stay within their origin" [ "$(sql "$f" "select count(*) from verdicts d join origins o on d.victim between o.first_victim and o.first_victim + o.victims - 1 where d.other >= 0 and d.other not between o.first_victim and o.first_victim + o.victims - 1")" = 0 ]
check "verdict references follow the shift" [ "$(sql "$f" "select count(*) from verdicts where other >= 0")" = "$(sql "$b" "select count(*) from verdicts where other >= 0")" ]
check "unnecessary kills kept" [ "$(sql "$f" "select count(*) from victims where verdict = 'unnecessary'")" = "$(sql "$b" "select count(*) from victims where verdict = 'unnecessary'")" ]
check "every source in one origin's range" [ "$(sql "$f" "select count(*) from sources m where (select count(*) from origins o where m.id between o.first_source and o.first_source + o.sources - 1) != 1")" = 0 ]
check "episodes' first victims shifted with them" [ "$(sql "$f" "select count(*) from episodes e join origins o on e.id between o.first_episode and o.first_episode + o.episodes - 1 where e.first_victim not between o.first_victim and o.first_victim + o.victims - 1")" = 0 ]

# the kills' memory pictures (oom_memory, from kernel logs) follow their victims
c=$T_OUT/web3.db
"$OOMLENS" import -q "$SAMPLES/pinned.dmesg" -o "$c" 2>/dev/null
sql "$c" "insert or replace into meta values ('hostname', 'web3')"
"$OOMLENS" merge "$a" "$c" -o "$T_OUT/mem.db" 2>/dev/null
mc=$(sql "$c" "select count(*) from oom_memory")
check "memory pictures kept ($mc rows)" [ "$mc" -gt 0 ] && [ "$(sql "$T_OUT/mem.db" "select count(*) from oom_memory")" = "$(($(sql "$a" "select count(*) from oom_memory") + mc))" ]
check "memory pictures follow their victims" [ "$(sql "$T_OUT/mem.db" "select group_concat(v.pid || ':' || n, ',') from (select victim, count(*) as n from oom_memory group by victim) m join victims v on v.id = m.victim join origins o on v.id between o.first_victim and o.first_victim + o.victims - 1 where o.host = 'web3' order by v.id")" = "$(sql "$c" "select group_concat(v.pid || ':' || n, ',') from (select victim, count(*) as n from oom_memory group by victim) m join victims v on v.id = m.victim order by v.id")" ]

"$OOMLENS" report "$f" >"$T_OUT/report.txt"
check "report exits 0" [ $? = 0 ]
check "report groups by host" sh -c "grep '^== host ' '$T_OUT/report.txt' | tr '\n' ' ' | grep -qx '== host web1 == host web2 '"
check "report: web2's victims under web2" sh -c "sed -n '/^== host web2/,/^\$/p' '$T_OUT/report.txt' | grep -q 'oomhog-shmem'"
"$OOMLENS" report "$f" -f json >"$T_OUT/report.json"
check "json episodes carry their host" python3 -c "import json,sys; d=json.load(open('$T_OUT/report.json')); assert [e['host'] for e in d['episodes']] == ['web1', 'web2'], d['episodes']"
"$OOMLENS" report "$f" -f html >"$T_OUT/report.html"
check "html groups by host" sh -c "grep -o '<h2>Host [a-z0-9]*</h2>' '$T_OUT/report.html' | tr '\n' ' ' | grep -qx '<h2>Host web1</h2> <h2>Host web2</h2> '"
# the terminal browser names the host in each episode header (headless, tmux)
if command -v tmux >/dev/null; then
	sock=oomlens-merge-$$
	tmux -L $sock new-session -d -x 100 -y 30 -s t -c "$T_OUT" \
		"env TERM=xterm-256color NO_COLOR=1 LANG=C LC_ALL=C '$OOMLENS' tui fleet.db; sleep 30"
	i=0
	until tmux -L $sock capture-pane -p -t t | grep -q 'episode 1  host web2'; do
		i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
	done
	tmux -L $sock capture-pane -p -t t >"$T_OUT/tui.txt"
	tmux -L $sock kill-server 2>/dev/null
	check "tui: episode headers name their host" sh -c "grep -q -- '-- episode 0  host web1  ' '$T_OUT/tui.txt' && grep -q -- '-- episode 1  host web2  ' '$T_OUT/tui.txt'"
else
	echo "tmux missing: the tui check is not run"
fi
"$OOMLENS" export "$f" >"$T_OUT/fleet.jsonl"
check "export: each line has its own host and kernel" python3 -c "
import json
for l in open('$T_OUT/fleet.jsonl'):
    o = json.loads(l)
    want = ('web1', '6.18.44-fc-v769', 'b00t-1') if o['host'] == 'web1' else ('web2', '6.1.0-test', None)
    assert (o['host'], o['kernel'], o['boot_id']) == want, o"
"$OOMLENS" metrics "$f" >"$T_OUT/fleet.prom"
check "metrics: kills per host" sh -c "grep -q '^oomlens_kills_total{host=\"web1\",' '$T_OUT/fleet.prom' && grep -q '^oomlens_kills_total{host=\"web2\",' '$T_OUT/fleet.prom'"
if command -v promtool >/dev/null; then
	check "metrics of a fleet pass promtool" sh -c "promtool check metrics <'$T_OUT/fleet.prom'"
fi

# refusals: one line naming the file, exit 1, nothing created or changed
refused() {
	want=$1; shift
	rm -f "$T_OUT/x.db"
	"$OOMLENS" "$@" 2>"$T_OUT/err"; rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$T_OUT/err")" = 1 ] && grep -q "$want" "$T_OUT/err" &&
	   [ -z "$(ls "$T_OUT"/x.db* 2>/dev/null)" ]; then
		ok "refused: $*"
	else
		bad "refused: $* (exit $rc: $(cat "$T_OUT/err"))"
	fi
}
refused "already merged" merge "$a" "$b" "$a" -o "$T_OUT/x.db"
cp "$a" "$T_OUT/copy.db"
refused "already merged" merge "$a" "$T_OUT/copy.db" -o "$T_OUT/x.db"
refused "a merged database" merge "$f" "$b" -o "$T_OUT/x.db"
refused "not an oomlens database" merge "$a" "$T_OUT/report.txt" -o "$T_OUT/x.db"
sum=$(md5sum <"$f")
"$OOMLENS" merge "$a" -o "$f" 2>"$T_OUT/err"; rc=$?
check "an existing output is refused (exit $rc) and kept" sh -c "[ $rc = 1 ] && [ '$(md5sum <"$f")' = '$sum' ]"
"$OOMLENS" import -q "$SAMPLES/selfexit.dat" -o "$f" 2>"$T_OUT/err"
check "import into a merged database: exit 1" [ $? = 1 ]
check "import into a merged database: says why" grep -q "a merged database" "$T_OUT/err"
check "import into a merged database: unchanged" [ "$(md5sum <"$f")" = "$sum" ]
"$OOMLENS" analyze "$f" 2>/dev/null
check "analyze of a merged database is refused" [ $? = 1 ]
"$OOMLENS" merge "$a" 2>/dev/null
check "no -o: usage, exit 2" [ $? = 2 ]
t_done
