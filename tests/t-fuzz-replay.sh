#!/bin/sh
# Old fuzz finds and seeds (tests/fuzz/corpus/<harness>/*) through the
# normal `oomlens import`: each ends with exit 0 or with exit 1 and one
# line `oomlens: ...` (never a signal, never another code), and a failed
# import leaves no database and no temporary file behind.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (make deps installs it)"
n=0
for f in "$TOP"/tests/fuzz/corpus/*/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name="$(basename "$(dirname "$f")")/$(basename "$f")"
	db="$T_OUT/replay.db"
	rm -f "$db" "$db".tmp-*
	"$OOMLENS" import -q "$f" -o "$db" >"$T_OUT/out" 2>"$T_OUT/err"
	rc=$?
	case $rc in
	0)	check "$name: imported, the database is whole" \
			test "$(sql "$db" 'pragma integrity_check' 2>&1)" = ok ;;
	1)	# a kernel log's one-line summary may come before the error
		if [ -s "$T_OUT/err" ] && ! grep -qv '^oomlens: ' "$T_OUT/err"; then
			ok "$name: refused: $(tail -n 1 "$T_OUT/err" | cut -c 1-100)"
		else
			bad "$name: exit 1 without a one-line error: $(head -c 300 "$T_OUT/err")"
		fi
		if [ -e "$db" ] && ! grep -q "imported\|lines kept" "$T_OUT/err"; then
			bad "$name: a failed import left '$db'"
		fi ;;
	*)	bad "$name: exit $rc: $(tail -n 5 "$T_OUT/err" | tr '\n' '|' | cut -c 1-300)" ;;
	esac
	if ls "$db".tmp-* >/dev/null 2>&1; then
		bad "$name: a temporary database was left behind"
	fi
	rm -f "$db" "$db".tmp-*
done
[ $n -gt 0 ] || skip "no files in tests/fuzz/corpus/*/"
t_done
