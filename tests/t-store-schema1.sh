#!/bin/sh
# A schema-1 database (oomlens 0.1) is refused by every command with one
# line that says how to re-import, and comes out byte-identical.
. "$(dirname "$0")/lib.sh"
cd "$T_OUT" || exit 1
cp "$TOP/tests/fixtures/schema1/v4.14-kmsg.db" old.db
sum=$(md5sum < old.db)
check "fixture is schema 1" [ "$(sql old.db 'PRAGMA user_version')" = 1 ]

# refused NAME ARGS...: exit != 0, one stderr line naming the file and the way out
refused() {
	name=$1; shift
	"$OOMLENS" "$@" </dev/null >/dev/null 2>err.txt
	rc=$?
	check "$name: non-zero exit ($rc)" test $rc -ne 0
	check "$name: one line on stderr" test "$(wc -l < err.txt)" = 1
	check "$name: names the file and schema 1" grep -q "'old.db': a schema-1 database" err.txt
	check "$name: says how to re-import" grep -q "oomlens import SOURCE... -o NEW.db" err.txt
	check "$name: database unchanged" test "$(md5sum < old.db)" = "$sum"
	sed 's/^/    /' err.txt
}

refused "import into it" import -q "$SAMPLES/selfexit.dat" -o old.db
refused "analyze" analyze old.db
refused "report" report old.db
refused "tui" tui old.db
check "no journal or temp file left" [ -z "$(ls | grep -v -e '^old.db$' -e '^err.txt$')" ]
t_done
