#!/bin/sh
# Kernel logs in every format `oomlens import` reads give the same victims
# as the trace.dat of the same run: each sample's own dmesg converted to
# dmesg -T, journalctl -k (short, short-monotonic, short-iso), kern.log
# (classic and RFC 3339, kernel stamp inside) and host-less variants.
# Then the hand-made 4.x/5.x fixtures (KERNEL.md's exact lines).
. "$(dirname "$0")/lib.sh"
ls "$SAMPLES"/*.dmesg >/dev/null 2>&1 || { bad "no samples in $SAMPLES"; t_done; }
FIX="$TOP/tests/fixtures/kmsg"
BOOT=1795000000	# wall clock of boot for the converted logs

# convert FORMAT < dmesg > log
convert() {
	awk -v fmt="$1" -v boot=$BOOT '
	match($0, /^\[ *[0-9]+\.[0-9]+\] ?/) {
		st = substr($0, 2, RLENGTH - 2); sub(/\].*/, "", st); sub(/^ */, "", st)
		msg = substr($0, RLENGTH + 1); if (substr($0, RLENGTH, 1) != " ") msg = substr($0, RLENGTH + 1)
		t = boot + int(st); us = substr(st, index(st, ".") + 1)
		if (fmt == "dmesg") print
		else if (fmt == "dmesg-T") printf "[%s] %s\n", strftime("%a %b %e %H:%M:%S %Y", t, 1), msg
		else if (fmt == "short") printf "%s myhost kernel: %s\n", strftime("%b %e %H:%M:%S", t, 1), msg
		else if (fmt == "short-nohost") printf "%s kernel: %s\n", strftime("%b %e %H:%M:%S", t, 1), msg
		else if (fmt == "short-monotonic") printf "[%s] myhost kernel: %s\n", sprintf("%12s", st), msg
		else if (fmt == "short-iso") printf "%s myhost kernel: %s\n", strftime("%Y-%m-%dT%H:%M:%S+0000", t, 1), msg
		else if (fmt == "short-iso-bare") printf "%s %s\n", strftime("%Y-%m-%dT%H:%M:%SZ", t, 1), msg
		else if (fmt == "kern.log") printf "%s.%s+00:00 myhost kernel: [%12s] %s\n", strftime("%Y-%m-%dT%H:%M:%S", t, 1), us, st, msg
		else if (fmt == "kern.log-old") printf "%s myhost kernel: [%12s] %s\n", strftime("%b %e %H:%M:%S", t, 1), st, msg
	}'
}
FORMATS="dmesg dmesg-T short short-nohost short-monotonic short-iso short-iso-bare kern.log kern.log-old"

for dm in "$SAMPLES"/*.dmesg; do
	s=$(basename "$dm" .dmesg)
	"$OOMLENS" import -q "$SAMPLES/$s.dat" -o "$T_OUT/$s-dat.db" 2>/dev/null ||
		{ bad "$s: trace.dat import"; continue; }
	# the trace's mark_victim rows (a SIGKILL to an mm sharer has no log line)
	sql "$T_OUT/$s-dat.db" "select victim_pid || ' ' || victim_comm from mark_victim order by victim_pid" > "$T_OUT/$s.ref"
	for fmt in $FORMATS; do
		log="$T_OUT/$s.$fmt"
		db="$T_OUT/$s-$fmt.db"
		convert "$fmt" < "$dm" > "$log"
		if ! "$OOMLENS" import -q "$log" -o "$db" 2> "$log.err"; then
			bad "$s $fmt: import failed: $(cat "$log.err")"; continue
		fi
		sql "$db" "select pid || ' ' || comm from victims order by pid" > "$log.victims"
		check "$s $fmt: victims equal the trace's ($(wc -l < "$T_OUT/$s.ref"))" \
			cmp -s "$T_OUT/$s.ref" "$log.victims"
		check "$s $fmt: one source of kind kmsg" \
			test "$(sql "$db" "select group_concat(kind) from sources")" = kmsg
		clock=$(sql "$db" "select value from meta where key = 'kmsg.clock'")
		case $fmt in dmesg|short-monotonic|kern.log*) want=monotonic ;; *) want=realtime ;; esac
		check "$s $fmt: clock $want" test "$clock" = "$want"
		# a 1 s clock (realtime stamps of whole seconds) is shown as such
		if [ "$fmt" = dmesg-T ]; then
			"$OOMLENS" report "$db" --detail >"$log.report"
			check "$s $fmt: times of a 1 s clock are whole seconds and <1s, never +0.000s" \
				sh -c "grep -q '<1s' '$log.report' && ! grep -qE '[+-][0-9]+\.[0-9]+s' '$log.report'"
		fi
		check "$s $fmt: nothing not understood" \
			test "$(sql "$db" "select value from meta where key = 'kmsg.not_understood'")" = 0
		# the split-free sample lines: each kill's constraint line is whole
		check "$s $fmt: constraint lines whole" test \
			"$(sql "$db" "select count(*) from console where msg like 'oom-kill:constraint=%,uid=0'")" = \
			"$(grep -c 'oom-kill:constraint=.*,uid=0$' "$dm")"
	done
	# monotonic formats keep the kernel's own time: the kill line's ns
	check "$s: dmesg kill time is the dmesg stamp" test \
		"$(sql "$T_OUT/$s-dmesg.db" "select min(ts_ns) from console where msg like '%Killed process%'")" = \
		"$(grep -m1 'Killed process' "$dm" | sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2000/')"
done

# Hand-made logs of older kernels: the victims are the "Killed process" pids.
for f in v4.14.dmesg v4.19.journal v5.10.iso; do
	db="$T_OUT/fx-$f.db"
	"$OOMLENS" import -q "$FIX/$f" -o "$db" 2> "$T_OUT/fx-$f.err"
	grep -o 'Killed process [0-9]*' "$FIX/$f" | awk '{print $3}' | sort -n > "$T_OUT/fx-$f.ref"
	sql "$db" "select pid from victims order by pid" > "$T_OUT/fx-$f.victims"
	check "$f: victims are the killed pids ($(tr '\n' ' ' < "$T_OUT/fx-$f.ref"))" \
		cmp -s "$T_OUT/fx-$f.ref" "$T_OUT/fx-$f.victims"
	check "$f: task table rows stored" test \
		"$(sql "$db" "select count(*) from console where substr(msg, 1, 1) = '[' and msg not like '%pid%'")" -ge 1
done
check "v4.14: the unknown oom_reaper line is counted" \
	test "$(sql "$T_OUT/fx-v4.14.dmesg.db" "select value from meta where key = 'kmsg.not_understood'")" = 1
check "v4.14: ... and reported on stderr" grep -q '1 lines not understood' "$T_OUT/fx-v4.14.dmesg.err"
check "v4.14: ... and stored, not dropped" test \
	"$(sql "$T_OUT/fx-v4.14.dmesg.db" "select count(*) from console where msg like 'oom_reaper: some format%'")" = 1
check "v5.10: constraint line split by another CPU's line is joined" test \
	"$(sql "$T_OUT/fx-v5.10.iso.db" "select count(*) from console where msg = 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/php.service,task_memcg=/system.slice/php.service,task=php,fpm x,pid=7001,uid=33'")" = 1
check "v5.10: the interleaved line stays a line of its own" test \
	"$(sql "$T_OUT/fx-v5.10.iso.db" "select count(*) from console where msg = 'e1000e: eth0 NIC Link is Down'")" = 1
t_done
