#!/bin/sh
# oomlens record on real memcg OOM kills: the scenarios' kills are recorded
# with nothing lost, the private instance is removed on every exit path
# (end of command, SIGINT, SIGTERM, error) and the top-level tracing
# settings are exactly as before; a SIGKILLed recorder's instance is
# removed by the next run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/record-lib.sh"
record_need_live

before=$(tracing_snapshot)
same_tracing() { [ "$(tracing_snapshot)" = "$before" ]; }
no_instance() { [ -z "$(our_instances)" ]; }

# scenario NAME MIN_KILLS
scenario() {
	db=$T_OUT/$1.db
	"$OOMLENS" record -q -o "$db" -- "$TOP/samples/run-scenario.sh" "$1" \
		>"$T_OUT/$1.out" 2>&1
	rc=$?
	check "$1: record exits with the scenario's status (0)" [ $rc -eq 0 ]
	kills=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'oom:mark_victim'")
	check "$1: $kills mark_victim recorded (>= $2)" [ "${kills:-0}" -ge "$2" ]
	sigs=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'signal:signal_generate'
		AND target IN (SELECT target FROM events WHERE name = 'oom:mark_victim')")
	check "$1: a SIGKILL for every victim ($sigs)" [ "${sigs:-0}" -ge "$kills" ]
	cons=$(sql "$db" "SELECT count(*) FROM events WHERE name = 'printk:console'
		AND fields->>'msg' LIKE '%Killed process%'")
	check "$1: kernel log 'Killed process' lines recorded ($cons)" [ "${cons:-0}" -ge "$2" ]
	check "$1: zero events lost" [ "$(sql "$db" "SELECT value FROM meta WHERE key = 'lost.total'")" = 0 ]
	check "$1: meta clock/kernel_release/cpus" [ -n "$(sql "$db" "SELECT 1 FROM meta
		WHERE key = 'clock'")" ] && [ "$(sql "$db" "SELECT value FROM meta
		WHERE key = 'kernel_release'")" = "$(uname -r)" ]
	check "$1: mark_victim format stored" [ -n "$(sql "$db" "SELECT 1 FROM formats
		WHERE system = 'oom' AND event = 'mark_victim'")" ]
	comm=$(sql "$db" "SELECT count(*) FROM events e WHERE name = 'oom:mark_victim'
		AND (SELECT comm FROM tasks t WHERE t.pid = e.target) LIKE 'oomhog%'")
	check "$1: every victim's comm is known in tasks ($comm/$kills)" [ "$comm" = "$kills" ]
	if [ -n "$(sql "$db" "SELECT 1 FROM sqlite_master WHERE name = 'victims'")" ]; then
		v=$(sql "$db" "SELECT count(*) FROM victims")
		check "$1: analysis found $v victims (>= $2)" [ "${v:-0}" -ge "$2" ]
		nv=$(sql "$db" "SELECT count(*) FROM victims WHERE verdict IS NULL OR verdict = ''")
		check "$1: every victim has a verdict" [ "${nv:-1}" = 0 ]
		if [ "$1" = unreapable ]; then
			un=$(sql "$db" "SELECT count(*) FROM victims WHERE verdict = 'unnecessary'")
			check "$1: the bystanders' kills judged unnecessary ($un)" [ "${un:-0}" -ge 1 ]
		fi
	fi
	check "$1: instance removed" no_instance
	check "$1: top-level tracing settings unchanged" same_tracing
}

scenario unreapable 2
scenario selfexit 1

# signals: without a command, SIGINT/SIGTERM end the recording normally
for sig in INT TERM; do
	db=$T_OUT/sig$sig.db
	"$OOMLENS" record -q -o "$db" >"$T_OUT/sig$sig.out" 2>&1 &
	pid=$!
	sleep 1.5
	check "SIG$sig: instance exists while recording" [ -d "$TRACEFS/instances/oomlens-$pid" ]
	kill -$sig $pid
	wait $pid
	rc=$?
	check "SIG$sig: recorder exits 0 (rc $rc)" [ $rc -eq 0 ]
	check "SIG$sig: recording committed" [ "$(sql "$db" "SELECT count(*) FROM sources")" = 1 ]
	check "SIG$sig: instance removed" no_instance
	check "SIG$sig: top-level tracing settings unchanged" same_tracing
done

# SIGTERM with a command: passed on, the command's status is returned
"$OOMLENS" record -q -o "$T_OUT/cmdterm.db" -- sleep 30 >"$T_OUT/cmdterm.out" 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM with a command: the command's status 143 (rc $rc)" [ $rc -eq 143 ]
check "SIGTERM with a command: instance removed" no_instance

# an error after the instance exists (command not found)
"$OOMLENS" record -q -o "$T_OUT/err.db" -- /nonexistent/cmd >"$T_OUT/err.out" 2>&1
rc=$?
check "missing command: fails (rc $rc)" [ $rc -ne 0 ]
check "missing command: message names it" grep -q "'/nonexistent/cmd': cannot run" "$T_OUT/err.out"
check "missing command: instance removed" no_instance
check "missing command: no database left" [ ! -e "$T_OUT/err.db" ]

# SIGKILL leaves the instance; the next run removes it (owner is dead)
"$OOMLENS" record -q -o "$T_OUT/killed.db" >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILL: instance left behind" [ -d "$TRACEFS/instances/oomlens-$pid" ]
"$OOMLENS" record -q -o "$T_OUT/next.db" -- true >"$T_OUT/next.out" 2>&1
check "next run reports the stale instance" grep -q "oomlens-$pid" "$T_OUT/next.out"
check "next run removed the stale instance" no_instance
check "SIGKILL + next run: top-level tracing settings unchanged" same_tracing

# a live owner's instance is not stale: left alone
sleep 30 &
live=$!
mkdir "$TRACEFS/instances/oomlens-$live"
"$OOMLENS" record -q -o "$T_OUT/next2.db" -- true >/dev/null 2>&1
check "an instance whose owner lives is kept" [ -d "$TRACEFS/instances/oomlens-$live" ]
rmdir "$TRACEFS/instances/oomlens-$live"
kill $live 2>/dev/null
wait $live 2>/dev/null

# clear errors
check "not root: clear error" sh -c "command -v setpriv >/dev/null || exit 0;
	setpriv --reuid=65534 --regid=65534 --clear-groups '$OOMLENS' record -o /tmp/oomlens-nonroot-$$.db -- true 2>&1 |
	grep -q 'needs root'"
printf 'not a database' > "$T_OUT/bad.db"
"$OOMLENS" record -q -o "$T_OUT/bad.db" -- true >"$T_OUT/bad.out" 2>&1
check "a non-database output is refused before tracing" [ $? -ne 0 ] && no_instance
check "top-level tracing settings unchanged at the end" same_tracing
t_done
