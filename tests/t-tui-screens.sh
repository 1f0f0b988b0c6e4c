#!/bin/sh
# oomlens tui, driven headless in tmux on a committed sample: start screen,
# sort, filter, timeline, zoom, detail, help, search, resize, quit.  Each
# screen is compared with tests/golden/tui/NAME.txt (regenerate with
# OOMLENS_UPDATE_GOLDEN=1 after checking the new screens by eye).
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
SAMPLE=unreapable
[ -f "$SAMPLES/$SAMPLE.dat" ] || skip "sample $SAMPLE.dat missing"
GOLDEN=$TOP/tests/golden/tui
export TERM=xterm-256color NO_COLOR=1

sock=oomlens-test-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT INT TERM

"$OOMLENS" import "$SAMPLES/$SAMPLE.dat" -o "$T_OUT/$SAMPLE.db" >"$T_OUT/import.log" 2>&1 ||
	{ cat "$T_OUT/import.log"; bad "import $SAMPLE.dat"; t_done; }
victims=$(sql "$T_OUT/$SAMPLE.db" "SELECT count(*) FROM victims")

# The database is opened by a relative name so that the status line does
# not depend on where the tests run.
tm new-session -d -x 80 -y 24 -s t -c "$T_OUT" \
	"env TERM=$TERM NO_COLOR=1 LANG=C LC_ALL=C TZ=UTC '$OOMLENS' tui $SAMPLE.db; echo \"tui-exit=\$?\"; sleep 60"

screen() { tm capture-pane -p -t t "$@"; }
# wait_for TEXT: until the screen shows TEXT (5 s at most)
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t t -- "$@"; sleep 0.3; }
# golden NAME: the current screen against tests/golden/tui/NAME.txt
golden() {
	screen | sed -e 's/[[:space:]]*$//' >"$T_OUT/$1.txt"
	if [ "${OOMLENS_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T_OUT/$1.txt" "$GOLDEN/$1.txt"
	fi
	if cmp -s "$GOLDEN/$1.txt" "$T_OUT/$1.txt"; then
		ok "screen $1 matches the golden file"
	else
		bad "screen $1 differs from the golden file:"
		diff -u "$GOLDEN/$1.txt" "$T_OUT/$1.txt" | sed 's/^/    /'
	fi
}
# has "description" TEXT: the screen shows TEXT
has() { if screen | grep -qF -- "$2"; then ok "$1"; else bad "$1 (no '$2')"; screen | sed 's/^/    | /'; fi; }

check "start screen drawn" wait_for "Victims 1/$victims of $victims"
golden victims
has "status line names the database, the victims and the kernel" " $SAMPLE.db | $victims victims, 3 unnecessary | kernel "
has "episode header (its database id)" "-- episode 0 "
esc=$(printf '\033')
if screen -e | grep -q "${esc}\[[34][0-7]m"; then
	bad "no colour with NO_COLOR"
else
	ok "no colour with NO_COLOR (attributes only)"
fi

keys s
has "s sorts by the next column" "sort: pid"
keys s s s
has "sort by rss" "sort: rss"
keys S
has "S reverses" "sort: rss (reversed)"
golden sort-rss-reversed
keys S s s s s s s
has "s cycles back to the time sort" "sort: kill  filter"

keys f
has "f filters by verdict" "filter: verdict="
golden filter
keys F
has "F clears the filter" "filter: all"

keys Home Enter
has "Enter opens the timeline" "Timeline  episode 0"
has "selected victim's lane is marked" ">"
golden timeline
keys ]
has "] selects the next victim's lane" "events of #1 4638 "
keys [
has "[ selects the previous victim's lane" "events of #0 4637 "
# select the MMF_OOM_SKIP event (n moves to the next event), zoom on it
keys n n n n n n n n
has "n moves to the next event" "skip_set"
keys +
has "+ zooms in" "(2x)"
keys +
golden zoom
keys -
has "- zooms out" "(2x)"
keys Left Right
keys Enter
has "Enter on an event opens its detail" "Event detail"
has "detail shows the event id" "event: id "
has "the SQL hint names the database opened" "sqlite3 '$SAMPLE.db' "
golden detail
keys End
has "End scrolls to the verdicts" "Verdicts (headline:"
has "the verdict's explanation names the victim it is about" "about victim 1 (pid"
keys Escape
has "Esc goes back to the timeline" "Timeline  episode 0"
keys ]
keys Escape
has "the victims view keeps the victim chosen in the timeline" "Victims 2/"
keys Home Enter
keys q
has "q goes back to the victims" "Victims 1/"

keys '?'
has "? shows the help" "Help  (line 1/"
golden help
keys End
has "help lists every key, down to ^L" "redraw the screen"
has "help explains the verdicts" "unnecessary"
keys q

# search: the last victim's pid, then its comm
pid=$(sql "$T_OUT/$SAMPLE.db" "SELECT pid FROM victims ORDER BY kill_ns DESC LIMIT 1")
keys / "$pid" Enter
has "/ finds a pid" "Victims $victims/$victims"
keys Home / nomatch-xyz Enter
has "/ says when nothing matches" "no victim matches 'nomatch-xyz'"

tm resize-window -t t -x 100 -y 30; sleep 0.4
has "resize to 100x30 redraws at the new width" "oomhog-shmem  /oomlens-sample"
[ "$(screen | wc -l)" -eq 30 ] && ok "30 rows after resize" || bad "30 rows after resize"
golden resize-100x30
tm resize-window -t t -x 50 -y 12; sleep 0.4
has "50x12: the status line keeps whole parts" "$SAMPLE.db | $victims victims,"
golden resize-50x12
tm resize-window -t t -x 80 -y 24; sleep 0.4
golden resize-80x24

keys q
if wait_for "tui-exit=0"; then ok "q quits with status 0"; else bad "q quits with status 0"; fi
[ "$(tm display -p -t t '#{alternate_on}')" = 0 ] && ok "terminal left the alternate screen" ||
	bad "terminal left the alternate screen"

# colour: unnecessary kills in red without NO_COLOR
tm new-session -d -x 80 -y 24 -s c -c "$T_OUT" \
	"env -u NO_COLOR TERM=$TERM LANG=C '$OOMLENS' tui $SAMPLE.db; sleep 60"
sleep 0.5
if tm capture-pane -p -e -t c | grep '^.*! ' | grep -q "${esc}\[31m"; then
	ok "unnecessary kills drawn in red with colour"
else
	bad "unnecessary kills drawn in red with colour"
fi
t_done
