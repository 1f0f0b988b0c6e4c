#!/bin/sh
# Real kernel OOM logs, as published (bug trackers, mailing lists, forums,
# projects' test data; sources in tests/fixtures/kmsg-real/INDEX.md): each
# NNN-name.log[.gz|.xz|.zst|.bz2] is imported alone and its victims
# (pid, comm, domain, in kill order) must equal NNN-name.expect, written by
# hand from the excerpt's own "Killed process" lines.  A real kernel log
# must be accepted (import exit 0) even when it holds no kill.
# Prints one line per file, the score per input class (classes.tsv) and
# "N/M files exact"; fails unless every file is exact.
. "$(dirname "$0")/lib.sh"
FIX="$TOP/tests/fixtures/kmsg-real"
command -v sqlite3 >/dev/null || skip "sqlite3 shell not installed"
ls "$FIX"/*.expect >/dev/null 2>&1 || { bad "no fixtures in $FIX"; t_done; }
TAB=$(printf '\t')
total=0 exact=0
: > "$T_OUT/results"
for log in "$FIX"/[0-9]*; do
	case $log in *.expect) continue ;; esac
	[ -f "$log" ] || continue
	f=$(basename "$log")
	base=${f%%.log*}
	key=$base${f#*.log}	# 016-x, or 016-x.gz for a compressed copy (classes.tsv)
	exp="$FIX/$base.expect"
	[ -f "$exp" ] || { bad "$f: no $base.expect"; continue; }
	total=$((total + 1))
	db="$T_OUT/$f.db"
	"$OOMLENS" import -q "$log" -o "$db" > "$T_OUT/$f.out" 2> "$T_OUT/$f.err"
	rc=$?
	if [ -f "$db" ]; then
		sqlite3 -batch -noheader -separator "$TAB" "$db" \
			"select pid, comm, domain from victims order by kill_ns, id" \
			> "$T_OUT/$f.got" 2>> "$T_OUT/$f.err" || :
	else
		: > "$T_OUT/$f.got"
	fi
	if [ $rc -eq 0 ] && cmp -s "$exp" "$T_OUT/$f.got"; then
		exact=$((exact + 1)); res=ok
		echo "ok   $f ($(wc -l < "$exp") victims)"
	else
		res=FAIL
		echo "FAIL $f: import exit $rc: $(head -n 1 "$T_OUT/$f.err")"
		echo "       expected: $(tr '\t\n' ' |' < "$exp")"
		echo "       got:      $(tr '\t\n' ' |' < "$T_OUT/$f.got")"
	fi
	echo "$key $res" >> "$T_OUT/results"
done

# the score per input class: a file counts for every class it is listed in
echo
echo "per class (classes.tsv):"
awk -F "$TAB" -v res="$T_OUT/results" '
	BEGIN { while ((getline l < res) > 0) { split(l, a, " "); r[a[1]] = r[a[1]] " " a[2] } }
	/^#/ || NF < 2 { next }
	{ n = split($2, cl, ","); k = split(r[$1], o, " ")
	  for (i = 1; i <= n; i++) for (j = 1; j <= k; j++) {
		tot[cl[i]]++; if (o[j] == "ok") okc[cl[i]]++ } }
	END { for (c in tot) printf "  %-28s %d/%d\n", c, okc[c] + 0, tot[c] }' "$FIX/classes.tsv" | sort
echo
echo "$exact/$total files exact"
check "every real log gives exactly its expected victims ($exact/$total)" test "$exact" -eq "$total"
t_done
