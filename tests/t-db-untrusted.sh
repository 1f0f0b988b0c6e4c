#!/bin/sh
# A database from somewhere else is untrusted (collect/dbopen.c): a changed
# schema (escape sequences in names, recursive views, triggers, extra
# tables), a newer or foreign user_version get a one-line refusal from
# import, report, analyze and tui, quickly, with nothing raw on the
# terminal and the file left untouched.  Overlapping episodes rows do not
# make the TUI write past its rows.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 shell"
SAMPLE=$SAMPLES/selfexit.dat
[ -f "$SAMPLE" ] || skip "sample selfexit.dat missing"

good=$T_OUT/good.db
"$OOMLENS" import "$SAMPLE" -o "$good" >"$T_OUT/import.log" 2>&1 ||
	{ cat "$T_OUT/import.log"; bad "import the sample"; t_done; }
esc=$(printf '\033')

# crafted NAME "SQL": a copy of the good database changed by SQL, then every
# command must refuse it with one line, no raw control byte, exit 1, within
# 20 s, and leave the file byte for byte as it was.
crafted() {
	name=$1; db=$T_OUT/$name.db
	cp "$good" "$db"
	sqlite3 "$db" "$2" || { bad "$name: crafting failed"; return; }
	sum=$(md5sum < "$db")
	for cmd in report analyze import tui; do
		case $cmd in
		import) args="import $SAMPLES/reaped.dat -o $db" ;;
		*) args="$cmd $db" ;;
		esac
		# tui refuses before it touches the terminal
		timeout 20 $OOMLENS $args > "$T_OUT/$name.$cmd.out" 2> "$T_OUT/$name.$cmd.err" \
			< /dev/null
		rc=$?
		check "$name: $cmd exits 1 (was $rc)" test $rc = 1
		check "$name: $cmd says one line" test "$(wc -l < "$T_OUT/$name.$cmd.err")" = 1
		check "$name: $cmd prints no raw ESC/BEL" \
			sh -c "! grep -q '[[:cntrl:]]' '$T_OUT/$name.$cmd.err' '$T_OUT/$name.$cmd.out'"
		[ -n "${3:-}" ] && check "$name: $cmd says '$3'" grep -q "$3" "$T_OUT/$name.$cmd.err"
	done
	check "$name: the file is untouched" test "$(md5sum < "$db")" = "$sum"
	sed 's/^/    /' "$T_OUT/$name.report.err"
}

# an OSC 52 (clipboard write) in a table name: SQLite quotes it in errors
crafted osc52 "CREATE TABLE \"x${esc}]52;c;aGVsbG8=$(printf '\007')\"(a)" 'schema was changed'
crafted bidi "CREATE TABLE \"a$(printf '\342\200\256')b\"(a)" 'u{202e}'
crafted recursive-view "DROP TABLE victims; CREATE VIEW victims AS WITH RECURSIVE c(n) AS
	(SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n AS id FROM c" 'schema was changed'
crafted trigger "CREATE TRIGGER t AFTER INSERT ON ev BEGIN
	DELETE FROM ev WHERE name IN (SELECT id FROM names WHERE name = 'oom:mark_victim'); END" 'trigger'
crafted changed-meta "DROP TABLE meta; CREATE TABLE meta(key TEXT, value TEXT, x)" 'schema was changed'
crafted newer "PRAGMA user_version = 99" 'newer'
crafted foreign-version "PRAGMA user_version = 0" 'not an oomlens'

# a foreign database with a meta table and user_version 1 is not written into
foreign=$T_OUT/foreign.db
sqlite3 "$foreign" "CREATE TABLE meta(k, v); CREATE TABLE stuff(a); PRAGMA user_version = 1"
sum=$(md5sum < "$foreign")
"$OOMLENS" import "$SAMPLE" -o "$foreign" 2> "$T_OUT/foreign.err"
check "foreign database: import refused" test $? = 1
check "foreign database: untouched" test "$(md5sum < "$foreign")" = "$sum"

# the good database still works for everything
check "the untouched database still reports" "$OOMLENS" report "$good" -o "$T_OUT/good.txt"

# overlapping episodes rows: the TUI lists each victim once, no overflow
if command -v tmux >/dev/null 2>&1; then
	ov=$T_OUT/overlap.db
	"$OOMLENS" import "$SAMPLES"/*.dat -o "$ov" 2>/dev/null
	# every episode claims every victim, 64 times over
	sqlite3 "$ov" "UPDATE episodes SET first_victim = 0, victims = (SELECT count(*) FROM victims);
		WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 64)
		INSERT INTO episodes SELECT e.id + 1000 * n, domain, start_ns, end_ns, 0,
		(SELECT count(*) FROM victims), unnecessary FROM episodes e, c"
	sock=oomlens-untrusted-$$
	tm() { tmux -L "$sock" "$@"; }
	trap 'tm kill-server 2>/dev/null' EXIT INT TERM
	tm new-session -d -x 80 -y 24 -s t -c "$T_OUT" \
		"env TERM=xterm LANG=C '$OOMLENS' tui overlap.db; echo rc=\$? > overlap.rc; sleep 30"
	i=0
	while [ $i -lt 100 ] && ! tm capture-pane -p -t t | grep -q "Victims"; do
		sleep 0.1; i=$((i + 1))
	done
	check "overlapping episodes: tui shows the victims" sh -c "tmux -L $sock capture-pane -p -t t | grep -q Victims"
	tm send-keys -t t q
	i=0
	while [ $i -lt 50 ] && [ ! -s "$T_OUT/overlap.rc" ]; do sleep 0.1; i=$((i + 1)); done
	check "overlapping episodes: tui exits 0 ($(cat "$T_OUT/overlap.rc" 2>/dev/null))" \
		grep -q 'rc=0' "$T_OUT/overlap.rc"
fi
t_done
