#!/bin/sh
# record --watch into a database of another boot (oomlens-watch.service
# after a reboot): the old database is moved aside as NAME-BOOT.db, kept
# whole, and the recording goes into a new one of this boot.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/record-lib.sh"
record_need_live
[ -r /proc/sys/kernel/random/boot_id ] || skip "no /proc/sys/kernel/random/boot_id"
db=$T_OUT/watch.db
"$OOMLENS" import -q "$SAMPLES/reaped.dat" -o "$db" 2>/dev/null || { bad "import"; t_done; }
sql "$db" "insert or replace into meta values ('boot_id', 'deadbeef-0000-4000-8000-000000000000')"
victims=$(sql "$db" "select count(*) from victims")

"$OOMLENS" record --watch -q -o "$db" >"$T_OUT/rec.out" 2>"$T_OUT/rec.err" &
rec=$!
i=0
until grep -q "moved to" "$T_OUT/rec.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
done
sleep 1
kill -INT $rec; wait $rec; rc=$?
cat "$T_OUT/rec.err"
check "recorder exits 0 (rc $rc)" [ $rc = 0 ]
check "says where the old boot went" grep -q "'.*watch.db' held boot deadbeef-0000-4000-8000-000000000000: moved to '.*watch-deadbeef.db'" "$T_OUT/rec.err"
check "the old boot's database kept whole ($victims victims)" [ "$(sql "$T_OUT/watch-deadbeef.db" "select count(*) from victims")" = "$victims" ]
check "the new database is this boot's" [ "$(sql "$db" "select value from meta where key = 'boot_id'")" = "$(cat /proc/sys/kernel/random/boot_id)" ]
check "the new database has none of the old sources" [ "$(sql "$db" "select count(*) from sources where path like '%reaped.dat'")" = 0 ]
# the same boot again: nothing moved
"$OOMLENS" record --watch -q -o "$db" --duration 1 2>"$T_OUT/rec2.err" >/dev/null
check "same boot: the database is kept" sh -c "! grep -q 'moved to' '$T_OUT/rec2.err'"
check "the two boots merge" "$OOMLENS" merge "$T_OUT/watch-deadbeef.db" "$db" -o "$T_OUT/boots.db"
t_done
