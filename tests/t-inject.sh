#!/bin/sh
# Injected failures (STYLE.md): `oomlens import` under a full filesystem,
# a read-only one, and with the Nth memory allocation failing, must end
# with exit 0 or exit 1 and one line per message (`oomlens: ...`), never a
# signal, and must leave no half-written database: a new one is not
# created (no temporary file either), an existing one is unchanged.
# The filesystems are a 2 MB tmpfs mounted here (root only; skipped with
# the reason otherwise) and unmounted on every exit path.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed (make deps installs it)"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
DAT="$SAMPLES/selfexit.dat"
LOG="$SAMPLES/selfexit.dmesg"
# private work and mount directories: concurrent runs share $T_OUT
W=$(mktemp -d "${TMPDIR:-/tmp}/oomlens-inject.XXXXXX") || skip "cannot create a temporary directory"
MNT="$W/mnt"
mounted=0
cleanup() { [ $mounted = 1 ] && umount "$MNT" 2>/dev/null; mounted=0; rm -rf "$W"; }
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

# The command's stderr: every line is "oomlens: ...", at least one.
one_liners() { [ -s "$1" ] && ! grep -qv '^oomlens: ' "$1"; }
# No temporary database left next to $1.
no_tmp() { ! ls "$1".tmp-* "$1"-journal "$1"-wal >/dev/null 2>&1; }
# A database is whole: SQLite says so and it holds a committed source.
whole_db() {
	[ "$(sql "$1" 'pragma integrity_check' 2>/dev/null)" = ok ] &&
	[ "$(sql "$1" 'select count(*) > 0 from sources' 2>/dev/null)" = 1 ]
}

# --- malloc failures -------------------------------------------------------
if ! cc -O2 -shared -fPIC -o "$W/inject-malloc.so" "$TOP/tests/inject-malloc.c" -ldl 2>"$W/cc.err"; then
	bad "build tests/inject-malloc.c: $(head -n 1 "$W/cc.err")"
	t_done
fi
SHIM="$W/inject-malloc.so"

# run_fail N FILE: import FILE into a new database with allocation N failing.
# Prints nothing when the outcome is acceptable, else what was wrong.
run_fail() {
	db="$W/m.db"
	rm -f "$db" "$db".tmp-*
	OL_FAIL_SPARE_OPEN=1 OL_FAIL_AT=$1 LD_PRELOAD="$SHIM" "$OOMLENS" import -q "$2" -o "$db" \
		>"$W/m.out" 2>"$W/m.err"
	rc=$?
	case $rc in
	0)	whole_db "$db" || echo "N=$1: exit 0 but the database is not whole" ;;
	1)	one_liners "$W/m.err" ||
			echo "N=$1: exit 1 without one-line messages: $(head -c 200 "$W/m.err")"
		# a committed import whose analysis then failed keeps a whole db
		[ -e "$db" ] && ! whole_db "$db" && echo "N=$1: exit 1 left a half-written database"
		;;
	*)	echo "N=$1: exit $rc: $(tail -n 3 "$W/m.err" | tr '\n' '|' | head -c 300)" ;;
	esac
	no_tmp "$db" || echo "N=$1: a temporary database file was left behind"
}

# sample N over [1, total]: dense at the start (setup paths), then spread
sample() {
	awk -v total="$1" -v n="$2" -v seed="$3" 'BEGIN {
		srand(seed);
		for (i = 1; i <= 40 && i <= total; i++) print i;
		for (i = 0; i < n; i++) print int(41 + rand() * (total - 41));
	}' | sort -n -u
}

for f in "$LOG" "$DAT"; do
	name=$(basename "$f")
	OL_FAIL_COUNT=1 LD_PRELOAD="$SHIM" "$OOMLENS" import -q "$f" -o "$W/count.db" \
		>/dev/null 2>"$W/count.err"
	total=$(sed -n 's/^inject-malloc: \([0-9]*\) allocations$/\1/p' "$W/count.err")
	rm -f "$W/count.db"
	if [ -z "$total" ]; then
		bad "$name: the shim did not count allocations ($(head -n 1 "$W/count.err"))"
		continue
	fi
	case $name in *.dat) n=40;; *) n=140;; esac
	: > "$W/problems"
	runs=0
	seed=${OL_INJECT_SEED:-$(date +%s)}
	echo "# $name: $total allocations, sample seed $seed (OL_INJECT_SEED=$seed repeats it)"
	for i in $(sample "$total" "$n" "$seed"); do
		run_fail "$i" "$f" >> "$W/problems"
		runs=$((runs + 1))
	done
	if [ -s "$W/problems" ]; then
		bad "$name: allocation failures ($runs of $total sampled): $(head -n 5 "$W/problems" | tr '\n' ' ')"
	else
		ok "$name: $runs of $total allocations failed in turn: exit 0 or one-line error, no half-written database"
	fi
done

# --- full and read-only filesystems ----------------------------------------
mkdir -p "$MNT"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=2M,mode=0755 oomlens-inject "$MNT" 2>"$W/mount.err"; then
	echo "# full and read-only filesystem checks skipped: cannot mount a tmpfs" \
	     "(needs root: $(head -n 1 "$W/mount.err" 2>/dev/null))"
	t_done
fi
mounted=1

# an existing database, and its copy to compare with
"$OOMLENS" import -q "$LOG" -o "$W/old.db" 2>/dev/null || bad "import $LOG for the existing database"
cp "$W/old.db" "$MNT/old.db"
# fill the filesystem, leaving 128 KB: enough to start, not to finish
dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null
free_kb=$(df -k "$MNT" | awk 'NR == 2 { print $4 }')
truncate -s -128K "$MNT/fill"

"$OOMLENS" import -q "$DAT" -o "$MNT/new.db" >/dev/null 2>"$W/full-new.err"
rc=$?
check "full filesystem, new database: exit 1 ($rc)" test $rc = 1
check "full filesystem, new database: one line ($(head -n 1 "$W/full-new.err"))" \
	test "$(wc -l < "$W/full-new.err")" = 1 -a -n "$(grep '^oomlens: ' "$W/full-new.err")"
check "full filesystem, new database: no file left" \
	sh -c '! ls "$1"/new.db* >/dev/null 2>&1' sh "$MNT"

"$OOMLENS" import -q "$DAT" -o "$MNT/old.db" >/dev/null 2>"$W/full-old.err"
rc=$?
check "full filesystem, existing database: exit 1 ($rc)" test $rc = 1
check "full filesystem, existing database: one line ($(head -n 1 "$W/full-old.err"))" \
	test "$(wc -l < "$W/full-old.err")" = 1 -a -n "$(grep '^oomlens: ' "$W/full-old.err")"
check "full filesystem, existing database: unchanged" cmp -s "$W/old.db" "$MNT/old.db"
check "full filesystem, existing database: no journal or temporary file left" no_tmp "$MNT/old.db"

# read-only: root ignores directory modes, so remount the tmpfs read-only
rm -f "$MNT/fill"
if mount -o remount,ro "$MNT" 2>/dev/null; then
	"$OOMLENS" import -q "$LOG" -o "$MNT/ro.db" >/dev/null 2>"$W/ro-new.err"
	rc=$?
	check "read-only filesystem, new database: exit 1 ($rc)" test $rc = 1
	check "read-only filesystem, new database: one line ($(head -n 1 "$W/ro-new.err"))" \
		test "$(wc -l < "$W/ro-new.err")" = 1 -a -n "$(grep '^oomlens: ' "$W/ro-new.err")"
	check "read-only filesystem, new database: no file" test ! -e "$MNT/ro.db"
	"$OOMLENS" import -q "$DAT" -o "$MNT/old.db" >/dev/null 2>"$W/ro-old.err"
	rc=$?
	check "read-only filesystem, existing database: exit 1 ($rc)" test $rc = 1
	check "read-only filesystem, existing database: one line ($(head -n 1 "$W/ro-old.err"))" \
		test "$(wc -l < "$W/ro-old.err")" = 1 -a -n "$(grep '^oomlens: ' "$W/ro-old.err")"
	check "read-only filesystem, existing database: unchanged" cmp -s "$W/old.db" "$MNT/old.db"
else
	echo "# read-only checks skipped: cannot remount the tmpfs read-only"
fi
cleanup
t_done
