#!/bin/sh
# Bad input: one line naming the file, non-zero exit, nothing written.
. "$(dirname "$0")/lib.sh"
dat="$SAMPLES/selfexit.dat"
cd "$T_OUT" || exit 1

# expect_fail NAME PATTERN ARGS... : exit != 0, exactly one stderr line
# matching PATTERN, and no database file left behind.
expect_fail() {
	name=$1 pat=$2; shift 2
	rm -f new.db
	"$OOMLENS" import -q "$@" -o new.db 2>err.txt >/dev/null
	rc=$?
	check "$name: non-zero exit ($rc)" test $rc -ne 0
	check "$name: one line on stderr" test "$(wc -l < err.txt)" = 1
	check "$name: message says '$pat'" grep -q -- "$pat" err.txt
	check "$name: no database created" test ! -e new.db
	sed 's/^/    /' err.txt
}

expect_fail "missing file" "'nosuch.dat'" nosuch.dat
printf 'hello, not a trace\n' > text.dat
expect_fail "non-trace file" "'text.dat': not a trace.dat" text.dat
: > empty.dat
expect_fail "empty file" "'empty.dat'" empty.dat
head -c 600000 "$dat" > trunc.dat
expect_fail "truncated trace.dat" "'trunc.dat'" trunc.dat
head -c 20 "$dat" > tiny.dat
expect_fail "trace.dat cut in its header" "'tiny.dat'" tiny.dat
expect_fail "a directory" "'.'" .
expect_fail "good file then a bad one" "'trunc.dat'" "$dat" trunc.dat

# An existing database is left exactly as it was by a failed import.
"$OOMLENS" import -q "$dat" -o keep.db
before=$(sha256sum keep.db)
"$OOMLENS" import -q trunc.dat -o keep.db 2>err.txt
check "failed import into an existing database: non-zero" test $? -ne 0
check "failed import into an existing database: unchanged" test "$(sha256sum keep.db)" = "$before"

# A database of a newer schema is refused; so is a foreign SQLite file.
cp keep.db newer.db
sqlite3 newer.db "PRAGMA user_version = 99; UPDATE meta SET value = '99' WHERE key = 'schema_version'"
before=$(sha256sum newer.db)
"$OOMLENS" import -q "$dat" -o newer.db 2>err.txt
check "newer schema: refused" test $? -ne 0
check "newer schema: says so" grep -q "schema version 99 is newer" err.txt
check "newer schema: untouched" test "$(sha256sum newer.db)" = "$before"
sqlite3 foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
"$OOMLENS" import -q "$dat" -o foreign.db 2>err.txt
check "foreign SQLite database: refused" test $? -ne 0
check "foreign SQLite database: says so" grep -q "not an oomlens" err.txt
printf 'garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage' > garbage.db
"$OOMLENS" import -q "$dat" -o garbage.db 2>err.txt
check "non-SQLite output file: refused" test $? -ne 0
check "non-SQLite output file: names it" grep -q "'garbage.db'" err.txt

# The same file twice (under another name, too) would double every event.
cp "$dat" again.dat
"$OOMLENS" import -q again.dat -o twice.db
before=$(sha256sum twice.db)
"$OOMLENS" import -q "$PWD/again.dat" -o twice.db 2>err.txt
check "same file again: refused" test $? -ne 0
check "same file again: says so" grep -q "already imported into 'twice.db'" err.txt
check "same file again: database unchanged" test "$(sha256sum twice.db)" = "$before"

"$OOMLENS" import 2>err.txt; rc=$?
check "no arguments: usage, exit 2" test $rc = 2
"$OOMLENS" nosuch 2>err.txt; rc=$?
check "unknown command: exit 2" test $rc = 2
check "unknown command: says so" grep -q "'nosuch' is not an oomlens command" err.txt
t_done
