#!/bin/sh
# Names from the kernel are untrusted: a comm holding an escape sequence is
# shown escaped (\x1b) in the victims view and the event detail, and the
# terminal never receives the raw ESC (tmux would otherwise show red cells).
# Also: the status line warns about lost events (meta lost.total).
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
[ -x "$OOMLENS" ] || skip "$OOMLENS not built"
SAMPLE=selfexit
[ -f "$SAMPLES/$SAMPLE.dat" ] || skip "sample $SAMPLE.dat missing"
export TERM=xterm-256color NO_COLOR=1

sock=oomlens-test-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT INT TERM

db=$T_OUT/evil.db
"$OOMLENS" import "$SAMPLES/$SAMPLE.dat" -o "$db" >"$T_OUT/import.log" 2>&1 ||
	{ cat "$T_OUT/import.log"; bad "import $SAMPLE.dat"; t_done; }
sqlite3 "$db" "UPDATE victims SET comm = 'evil' || char(27) || '[31m';
	UPDATE meta SET value = '42' WHERE key = 'lost.total'" ||
	{ bad "update victims.comm"; t_done; }

tm new-session -d -x 80 -y 24 -s t -c "$T_OUT" \
	"env TERM=$TERM NO_COLOR=1 LANG=C '$OOMLENS' tui evil.db; sleep 60"
screen() { tm capture-pane -p -t t "$@"; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
check "tui started" wait_for "Victims 1/"
check "victims view shows the comm escaped" wait_for ' evil\x1b['
check "status line warns about lost events" wait_for "LOST 42 EVENTS"
esc=$(printf '\033')
# -e: tmux writes the cells' attributes as escape sequences; a red cell
# would come out as ESC[31m (NO_COLOR: we draw no colour at all)
if screen -e | grep -q "${esc}\[31m"; then bad "no red cells on screen"; else ok "no red cells on screen"; fi
if screen | grep -q "$esc"; then bad "no raw ESC on screen"; else ok "no raw ESC on screen"; fi
tm send-keys -t t Enter; sleep 0.3
check "timeline shows the comm escaped" wait_for 'evil\x1b[31m'
tm send-keys -t t Enter; sleep 0.3
check "detail shows the full escaped comm" wait_for '(evil\x1b[31m)'
t_done
