#!/bin/sh
# `oomlens report` front end: errors are one line and exit 1, bad options
# print the usage and exit 2, -o writes atomically (a failure leaves no
# file and no temporary behind, and keeps an older file), colour only on a
# terminal and never with NO_COLOR.
. "$(dirname "$0")/lib.sh"
T_OUT=$(cd "$T_OUT" && pwd)	# absolute: file:// URLs, cd
"$OOMLENS" version >/dev/null 2>&1 || skip "no working oomlens binary"

# expect_exit CODE DESCRIPTION CMD... : exit status, stderr in $T_OUT/err
expect_exit() {
	want=$1; d=$2; shift 2
	"$@" >"$T_OUT/out" 2>"$T_OUT/err"; rc=$?
	if [ $rc -eq "$want" ]; then ok "$d"; else bad "$d (exit $rc, want $want)"; cat "$T_OUT/err"; fi
}
one_line() { [ "$(wc -l <"$T_OUT/err")" -eq 1 ] && grep -q "^oomlens: '$1'" "$T_OUT/err"; }

expect_exit 1 "missing database: exit 1" "$OOMLENS" report "$T_OUT/nope.db"
check "missing database: one line naming it" one_line "$T_OUT/nope.db"
echo "not a database" >"$T_OUT/text.db"
expect_exit 1 "not an oomlens database: exit 1" "$OOMLENS" report "$T_OUT/text.db"
check "not an oomlens database: one line naming it" one_line "$T_OUT/text.db"
sqlite3 "$T_OUT/other.db" 'create table t(x); insert into t values (1);'
expect_exit 1 "foreign sqlite database: exit 1" "$OOMLENS" report "$T_OUT/other.db"
check "foreign sqlite database: one line naming it" one_line "$T_OUT/other.db"

expect_exit 2 "unknown option: exit 2" "$OOMLENS" report x.db --bogus
check "unknown option: usage shown" grep -q '^usage: oomlens report' "$T_OUT/err"
expect_exit 2 "unknown format: exit 2" "$OOMLENS" report x.db --format xml
check "unknown format: usage shown" grep -q '^usage: oomlens report' "$T_OUT/err"
expect_exit 2 "no database argument: exit 2" "$OOMLENS" report
expect_exit 2 "bad episode id: exit 2" "$OOMLENS" report x.db --episode -1
expect_exit 2 "bad victim id: exit 2" "$OOMLENS" report x.db --victim 12x
expect_exit 2 "bad pid: exit 2" "$OOMLENS" report x.db --pid 0
expect_exit 0 "--help: exit 0" "$OOMLENS" report --help

dat=$SAMPLES/selfexit.dat
[ -e "$dat" ] || { echo "# no sample: skipping the -o checks"; t_done; }
db=$T_OUT/s.db
"$OOMLENS" import "$dat" -o "$db" >/dev/null 2>&1 || { bad "import $dat"; t_done; }

"$OOMLENS" report "$db" >"$T_OUT/stdout.txt"
expect_exit 0 "-o FILE: exit 0" "$OOMLENS" report "$db" -o "$T_OUT/r.txt"
check "-o FILE: same text as stdout" cmp -s "$T_OUT/stdout.txt" "$T_OUT/r.txt"
check "-o FILE: nothing on stdout" test ! -s "$T_OUT/out"
expect_exit 1 "selection matching nothing: exit 1" \
	"$OOMLENS" report "$db" --episode 999 -o "$T_OUT/r2.txt"
check "failed report: one line" one_line "$db"
check "failed report: no output file" test ! -e "$T_OUT/r2.txt"
echo old >"$T_OUT/r3.txt"
"$OOMLENS" report "$db" --victim 999999 -o "$T_OUT/r3.txt" 2>/dev/null
check "failed report: older file kept" grep -qx old "$T_OUT/r3.txt"
check "failed report: no temporary files left" \
	sh -c "! ls '$T_OUT'/r*.txt.tmp* >/dev/null 2>&1"
expect_exit 1 "-o into a missing directory: exit 1" \
	"$OOMLENS" report "$db" -o "$T_OUT/no/such/dir/r.txt"
check "-o into a missing directory: one line naming it" \
	one_line "$T_OUT/no/such/dir/r.txt"

for f in text markdown json csv html; do
	expect_exit 0 "--format $f: exit 0" "$OOMLENS" report "$db" --format "$f"
	check "--format $f: output not empty" test -s "$T_OUT/out"
done

check "no colour when stdout is not a terminal" \
	sh -c "! env -u NO_COLOR '$OOMLENS' report '$db' | grep -q \"\$(printf '\\033')\""
if command -v script >/dev/null; then
	env -u NO_COLOR script -qec "'$OOMLENS' report '$db'" /dev/null >"$T_OUT/tty.txt" 2>&1
	check "colour on a terminal" grep -q "$(printf '\033')\\[" "$T_OUT/tty.txt"
	NO_COLOR=1 script -qec "'$OOMLENS' report '$db'" /dev/null >"$T_OUT/tty-nc.txt" 2>&1
	check "no colour on a terminal with NO_COLOR" \
		sh -c "! grep -q \"\$(printf '\\033')\" '$T_OUT/tty-nc.txt'"
fi
t_done
