#!/bin/sh
# A sample's dmesg merged with its own trace.dat: the clock offset is found
# (the samples' dmesg is 18.04 ms behind the trace), printed and stored,
# no line the trace already has is added twice, and a line only the log
# has is added on the trace clock.  Both in one command and into a
# database that already holds the trace.
. "$(dirname "$0")/lib.sh"
ls "$SAMPLES"/*.dmesg >/dev/null 2>&1 || { bad "no samples in $SAMPLES"; t_done; }
GHOST='oom_reaper: reaped process 99999 (ghost), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB'

for dm in "$SAMPLES"/*.dmesg; do
	s=$(basename "$dm" .dmesg)
	log="$T_OUT/$s.dmesg"
	cp "$dm" "$log"
	printf '[  500.000000] %s\n' "$GHOST" >> "$log"
	"$OOMLENS" import -q "$SAMPLES/$s.dat" -o "$T_OUT/$s-dat.db" 2>/dev/null
	ref=$(sql "$T_OUT/$s-dat.db" "select group_concat(pid || ' ' || comm) from (select * from victims order by pid)")
	for how in one two; do
		db="$T_OUT/$s-$how.db"
		if [ $how = one ]; then
			"$OOMLENS" import -q "$log" "$SAMPLES/$s.dat" -o "$db" 2> "$T_OUT/$s-$how.err"
		else
			"$OOMLENS" import -q "$SAMPLES/$s.dat" -o "$db" 2>/dev/null &&
			"$OOMLENS" import -q "$log" -o "$db" 2> "$T_OUT/$s-$how.err"
		fi
		check "$s ($how): import exits 0" test $? = 0
		off=$(sql "$db" "select value from meta where key = 'kmsg.offset_ns'")
		check "$s ($how): offset ${off:-none} ns is about 18 ms" \
			test "${off:-0}" -gt 17000000 -a "${off:-0}" -lt 19000000
		check "$s ($how): offset printed on stderr" grep -q 'clock offset to the trace +18\.0[0-9]* ms' "$T_OUT/$s-$how.err"
		check "$s ($how): only the log-only line was added" \
			test "$(sql "$db" "select group_concat(e.fields->>'msg') from events e join sources s on s.id = e.source_id where s.kind = 'kmsg'")" = "$GHOST"
		check "$s ($how): it is on the trace clock" \
			test "$(sql "$db" "select ts_ns from console where msg like '%ghost%'")" = $((500000000000 + ${off:-0}))
		check "$s ($how): victims are the trace's alone" test \
			"$(sql "$db" "select group_concat(pid || ' ' || comm) from (select * from victims order by pid)")" = "$ref"
	done
done
t_done
