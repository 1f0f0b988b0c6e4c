#!/bin/sh
# Outputs (cmd/outfile.c): report -o onto a symlink, a FIFO, a device and
# "-" writes in place / to stdout and never replaces them; temporaries are
# removed on a signal, and those of a killed run by the next run on the
# same target; two imports into one new database at once lose nothing.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
for s in selfexit reaped pinned; do
	[ -f "$SAMPLES/$s.dat" ] || skip "sample $s.dat missing"
done
cd "$T_OUT" || exit 1
"$OOMLENS" import "$SAMPLES/selfexit.dat" -o db >import.log 2>&1 ||
	{ cat import.log; bad "import"; t_done; }
"$OOMLENS" report db -o expect.txt

# a symlink: the target is written, the link stays a link
echo old > target; ln -s target link
"$OOMLENS" report db -o link
check "symlink: still a symlink" test -L link
check "symlink: its target holds the report" cmp -s target expect.txt

# a FIFO: written into, not replaced
mkfifo fifo
cat fifo > fifo.out & reader=$!
"$OOMLENS" report db -o fifo
wait $reader
check "FIFO: still a FIFO" test -p fifo
check "FIFO: the reader got the report" cmp -s fifo.out expect.txt

# "-" is standard output, no file named "-"
"$OOMLENS" report db -o - > stdout.txt
check "-o -: the report on stdout" cmp -s stdout.txt expect.txt
check "-o -: no file named -" test ! -e ./-

# a character device (/dev/null): written, not replaced
"$OOMLENS" report db -o /dev/null
check "/dev/null is still a character device" test -c /dev/null

# a regular file: replaced atomically, no temporary left
echo old > regular
"$OOMLENS" report db -o regular
check "regular: replaced by the report" cmp -s regular expect.txt
check "regular: no temporary left" test -z "$(ls | grep '\.tmp-')"

# stale temporaries of a killed run (dead pid) go away on the next run
sh -c 'exit 0' & dead=$!; wait $dead
echo junk > "regular.tmp-$dead"
echo junk > "new.db.tmp-$dead"
echo junk > "new.db.tmp-$$"	# a live pid: not ours to remove
"$OOMLENS" report db -o regular
check "report removed the dead run's temporary" test ! -e "regular.tmp-$dead"
"$OOMLENS" import "$SAMPLES/reaped.dat" -o new.db >/dev/null 2>&1
check "import removed the dead run's temporary" test ! -e "new.db.tmp-$dead"
check "a live process's temporary is kept" test -e "new.db.tmp-$$"
rm -f "new.db.tmp-$$"

# SIGTERM during an import into a new database: no temporary, no database
i=0; gone=0
while [ $i -lt 5 ]; do
	rm -f sig.db
	"$OOMLENS" import "$SAMPLES"/*.dat -o sig.db >/dev/null 2>&1 & p=$!
	# wait until its temporary exists, then stop it
	n=0; while [ $n -lt 100 ] && ! ls | grep -q '^sig\.db\.tmp-'; do sleep 0.02; n=$((n + 1)); done
	kill -TERM $p 2>/dev/null; wait $p; rc=$?
	[ $rc -gt 128 ] && gone=$((gone + 1))
	i=$((i + 1))
done
check "SIGTERM stopped imports ($gone of 5 caught while running)" test $gone -gt 0
left=$(ls | grep "^sig\.db\.tmp-")
check "SIGTERM: no temporary left ($left)" test -z "$left"

# SIGKILL: the temporary stays (no handler runs); the next run removes it
rm -f kill.db
"$OOMLENS" import "$SAMPLES"/*.dat -o kill.db >/dev/null 2>&1 & p=$!
n=0; while [ $n -lt 100 ] && ! ls | grep -q '^kill\.db\.tmp-'; do sleep 0.02; n=$((n + 1)); done
kill -KILL $p 2>/dev/null; wait $p 2>/dev/null
"$OOMLENS" import "$SAMPLES/selfexit.dat" -o kill.db >/dev/null 2>&1
check "after SIGKILL: the next import removed the temporary" \
	test -z "$(ls | grep '^kill\.db\.tmp-')"

# two imports into one new database at once: both sources kept
for round in 1 2 3; do
	rm -f both.db
	"$OOMLENS" import "$SAMPLES/reaped.dat" -o both.db > a.log 2>&1 & a=$!
	"$OOMLENS" import "$SAMPLES/pinned.dat" -o both.db > b.log 2>&1 & b=$!
	wait $a; ra=$?; wait $b; rb=$?
	n=$(sql both.db "select count(*) from sources")
	check "concurrent imports, round $round: both exit 0 ($ra $rb), both sources ($n)" \
		test "$ra $rb $n" = "0 0 2"
done

# a reader during an import waits instead of misreporting the file
"$OOMLENS" import "$SAMPLES"/*.dat -o busy.db >/dev/null 2>&1
"$OOMLENS" import "$SAMPLES/selfexit.dat" -o busy.db >/dev/null 2>&1 & p=$!
"$OOMLENS" report busy.db > busy.txt 2> busy.err; rc=$?
wait $p
check "report during an import: exit 0 (was $rc: $(cat busy.err))" test $rc = 0
t_done
