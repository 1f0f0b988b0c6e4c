#!/bin/sh
# One input of t-tracedat-flips: "BASE K" -> copy K of BASE (flip.py),
# imported into its own directory under $T_OUT/run within 30 s; the exit
# code, stderr and what was left are kept there, the copy removed.
src=$1 k=$2
d=$T_OUT/run/$(basename "$src" .dat).$k
mkdir -p "$d"
f=$d/$(basename "$src" .dat).flip$k.dat
python3 "$(dirname "$0")/flip.py" "$src" "$k" "$f" || { echo 99 > "$d/rc"; exit 0; }
timeout -s KILL 30 "$OOMLENS" import -q "$f" -o "$d/x.db" > "$d/out" 2> "$d/err" < /dev/null
rc=$?
echo "$rc" > "$d/rc"
# success: the database is whole; failure: nothing left
if [ $rc = 0 ]; then
	[ "$(sqlite3 "$d/x.db" 'pragma integrity_check' 2>&1)" = ok ] || echo "not-whole" > "$d/bad"
elif [ -e "$d/x.db" ]; then
	echo "db-left" > "$d/bad"
fi
ls "$d" | grep -q '\.tmp-' && echo "tmp-left" >> "$d/bad"
# keep the copies that crashed a library (contained): reproducers
grep -q "crashed" "$d/err" 2>/dev/null || rm -f "$f"
rm -f "$d/x.db"
exit 0
