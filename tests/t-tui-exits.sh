#!/bin/sh
# oomlens tui: a missing, empty or foreign database gives a one-line error
# and a non-zero exit with the terminal intact; SIGINT, SIGTERM and a crash
# signal (SIGSEGV) restore the terminal before the process dies of the
# signal.  Everything runs in a private tmux server.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
SAMPLE=selfexit
[ -f "$SAMPLES/$SAMPLE.dat" ] || skip "sample $SAMPLE.dat missing"
export TERM=xterm-256color NO_COLOR=1

sock=oomlens-test-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT INT TERM

db=$T_OUT/$SAMPLE.db
"$OOMLENS" import "$SAMPLES/$SAMPLE.dat" -o "$db" >"$T_OUT/import.log" 2>&1 ||
	{ cat "$T_OUT/import.log"; bad "import $SAMPLE.dat"; t_done; }
: >"$T_OUT/empty.db"
echo "not a database at all" >"$T_OUT/text.db"
sqlite3 "$T_OUT/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
sqlite3 "$T_OUT/raw.db" "CREATE TABLE x(y); DROP TABLE x;"	# sqlite, no tables

n=0
screen() { tm capture-pane -p -t "$1" 2>/dev/null; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen "$1" | grep -qF -- "$2" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# run WINDOW-NAME ARGS...: oomlens in a fresh 80x24 window; afterwards the
# window prints the exit status and whether the tty is still cooked
run() {
	w=$1; shift
	if [ $n -eq 0 ]; then new="new-session -d -s t -x 80 -y 24 -n $w"; else new="new-window -d -t t: -n $w"; fi
	n=$((n + 1))
	# shellcheck disable=SC2086
	# the window's shell shares the process group (no job control): it
	# catches SIGINT so that it survives a ^C and reports the status
	tm $new -c "$T_OUT" "ulimit -c 0; trap 'echo ^C' INT; sh -c 'echo \$\$ >$w.pid; exec env TERM=$TERM NO_COLOR=1 LANG=C \"$OOMLENS\" $*'; echo \"tui-exit=\$?\"; if stty -a | tr ' ;' '\n\n' | grep -qx -- -icanon; then echo tty-raw; else echo tty-cooked; fi; sleep 60"
	sleep 0.2
}
# after WINDOW CODE "description": the exit status and a sane terminal
after() {
	if wait_for "t:$1" "tui-exit=$2"; then ok "$3: exit status $2"; else
		bad "$3: exit status $2"; screen "t:$1" | sed 's/^/    | /'; fi
	# the shell prints tty-raw/tty-cooked a moment after the status
	wait_for "t:$1" "tty-"
	if screen "t:$1" | grep -q tty-cooked; then ok "$3: terminal back in cooked mode"; else
		bad "$3: terminal back in cooked mode"; fi
	[ "$(tm display -p -t "t:$1" '#{alternate_on}')" = 0 ] && ok "$3: alternate screen left" ||
		bad "$3: alternate screen left"
}
# one_error WINDOW "description": exactly one line of error before the status
one_error() {
	lines=$(screen "t:$1" | sed '/tui-exit=/,$d' | grep -c .)
	first=$(screen "t:$1" | sed -n 1p)
	case "$first" in
	"oomlens: "*) [ "$lines" -eq 1 ] && ok "$2: one-line error: $first" ||
		bad "$2: $lines lines of error" ;;
	*) bad "$2: error line expected, got '$first'" ;;
	esac
}

run missing tui no-such.db;	after missing 1 "missing database";	one_error missing "missing database"
run empty tui empty.db;		after empty 1 "empty file";		one_error empty "empty file"
run text tui text.db;		after text 1 "text file";		one_error text "text file"
run foreign tui foreign.db;	after foreign 1 "foreign sqlite db";	one_error foreign "foreign sqlite db"
run raw tui raw.db;		after raw 1 "empty sqlite db";		one_error raw "empty sqlite db"
run usage tui;			after usage 2 "no argument"

# signals: wait for the first screen, then signal the process itself
for s in INT:130 TERM:143 SEGV:139; do
	name=${s%%:*}; code=${s#*:}
	w=sig$name
	run $w tui "$SAMPLE.db"
	if wait_for "t:$w" "Victims 1/"; then
		kill -"$name" "$(cat "$T_OUT/$w.pid")"
		after $w "$code" "SIG$name"
	else
		bad "SIG$name: tui did not start"; screen "t:$w" | sed 's/^/    | /'
	fi
done

# ^C typed at the keyboard is SIGINT too (cbreak mode keeps ISIG)
run ctrlc tui "$SAMPLE.db"
wait_for t:ctrlc "Victims 1/" && tm send-keys -t t:ctrlc C-c
after ctrlc 130 "^C"

# not a terminal: refused after the database checks, without curses
out=$("$OOMLENS" tui "$db" </dev/null 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	ok "no terminal: one-line error ($out)" || bad "no terminal: rc=$rc '$out'"
t_done
