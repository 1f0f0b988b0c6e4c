#!/bin/sh
# A crash while importing (a library fault on a hostile file; simulated
# here by SIGSEGV/SIGBUS sent to the importing child) is one line naming
# the file, exit 1, and nothing changed: no DB.tmp-PID for a new database,
# an existing one rolled back to what it held (cmd/contain.c).
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
command -v sqlite3 >/dev/null || skip "no sqlite3 shell"
command -v pgrep >/dev/null || skip "no pgrep (procps)"
ls "$SAMPLES"/*.dat >/dev/null 2>&1 || skip "no samples"
cd "$T_OUT" || exit 1

# crash NAME SIGNAL DB: import every sample into DB, signal the child
crash() {
	"$OOMLENS" import -q "$SAMPLES"/*.dat -o "$3" > "$1.out" 2> "$1.err" & p=$!
	c= n=0
	# the child, once it has started writing
	while [ $n -lt 200 ]; do
		c=$(pgrep -P $p | head -n 1)
		[ -n "$c" ] && { ls | grep -q "^$3\.tmp-$c" || [ -e "$3-journal" ]; } && break
		sleep 0.02; n=$((n + 1))
	done
	[ -n "$c" ] && kill -"$2" "$c"
	wait $p; echo $? > "$1.rc"
}

crash new SEGV new.db
check "new database: exit 1 (was $(cat new.rc))" test "$(cat new.rc)" = 1
check "new database: one line" test "$(wc -l < new.err)" = 1
check "new database: it names a file and the crash" grep -q "crashed (Segmentation fault)" new.err
check "new database: no database" test ! -e new.db
check "new database: no temporary" test -z "$(ls | grep '^new\.db\.tmp-')"

"$OOMLENS" import -q "$SAMPLES/selfexit.dat" -o old.db 2>/dev/null
before=$(sql old.db "select count(*) from events; select count(*) from sources")
crash old BUS old.db
check "existing database: exit 1 (was $(cat old.rc))" test "$(cat old.rc)" = 1
check "existing database: says what crashed" grep -q "crashed (Bus error)" old.err
check "existing database: integrity ok" test "$(sql old.db 'pragma integrity_check')" = ok
check "existing database: as it was" test "$(sql old.db "select count(*) from events; select count(*) from sources")" = "$before"
check "existing database: no journal left" test ! -e old.db-journal
# a real library crash (libtracecmd tracecmd_close() from
# tracecmd_buffer_instance_handle(), README "Library bugs") in a
# compressed file: its decompressed copy goes away too
xz=$TOP/tests/fuzz/corpus/fuzz-tracedat/crash-libtracecmd-close-instance-pinned.dat.xz
if [ -f "$xz" ]; then
	mkdir -p tmp
	TMPDIR=$PWD/tmp "$OOMLENS" import -q "$xz" -o lib.db > lib.out 2> lib.err
	echo $? > lib.rc
	check "library crash: exit 1 (was $(cat lib.rc))" test "$(cat lib.rc)" = 1
	check "library crash: one line naming the file" \
		sh -c "test \"\$(wc -l < lib.err)\" = 1 && grep -q 'crash-libtracecmd-close-instance-pinned.dat.xz.*crashed' lib.err"
	check "library crash: no decompressed copy left" test -z "$(ls tmp)"
	check "library crash: no database" test ! -e lib.db
fi
sed 's/^/    /' new.err old.err lib.err 2>/dev/null
t_done
