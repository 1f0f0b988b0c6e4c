#!/bin/sh
# Inputs that are not what they seem: each ends with a clear one-line
# result and no crash, and a refused file leaves no database behind.
. "$(dirname "$0")/lib.sh"
O=$T_OUT

: > "$O/empty.log"
head -c 65536 /dev/urandom > "$O/random.bin"
printf 'hello\nthis is not a log\nat all: 1.5: x\n' > "$O/garbage.txt"
printf '\177ELF\2\1\1\0\0\0binary' > "$O/elf.bin"
for f in empty.log random.bin garbage.txt elf.bin; do
	"$OOMLENS" import -q "$O/$f" -o "$O/$f.db" > "$O/$f.out" 2> "$O/$f.err"
	rc=$?
	check "$f: refused with exit 1 (got $rc)" test $rc = 1
	check "$f: one line on stderr naming the file" \
		sh -c "test \$(wc -l < '$O/$f.err') = 1 && grep -q \"^oomlens: '$O/$f': \" '$O/$f.err'"
	check "$f: no database left" test ! -e "$O/$f.db"
done
grep -q 'empty file' "$O/empty.log.err"; check "empty: says empty" test $? = 0
grep -q 'binary data' "$O/random.bin.err"; check "random: says binary" test $? = 0

# A log with no OOM in it: imported, zero events, says so.
awk 'BEGIN { for (i = 0; i < 200000; i++)
	printf "[%6d.%06d] usb 1-1: new high-speed USB device number %d using xhci_hcd\n", i / 1000, i % 1000, i }' \
	> "$O/quiet.dmesg"
"$OOMLENS" import -q "$O/quiet.dmesg" -o "$O/quiet.db" 2> "$O/quiet.err"
check "no-OOM log: exit 0" test $? = 0
check "no-OOM log: zero events" test "$(sql "$O/quiet.db" "select count(*) from events")" = 0
check "no-OOM log: says there are no OOM lines" grep -q 'no OOM lines' "$O/quiet.err"
check "no-OOM log: every line counted" \
	test "$(sql "$O/quiet.db" "select value from meta where key = 'kmsg.lines'")" = 200000

# Binary garbage inside a log: the lines around it still import.
{ sed -n 1,40p "$SAMPLES/reaped.dmesg"; head -c 3000 /dev/urandom | tr -d '\000\n'; echo
  sed -n '41,$p' "$SAMPLES/reaped.dmesg"; } > "$O/dirty.dmesg"
"$OOMLENS" import -q "$O/dirty.dmesg" -o "$O/dirty.db" 2> "$O/dirty.err"
check "log with a garbage line: exit 0" test $? = 0
check "log with a garbage line: the kill is there" \
	test "$(sql "$O/dirty.db" "select group_concat(pid) from victims")" = 3628

# Several kinds in one command: trace.dat + ftrace text + log, one database.
if command -v trace-cmd >/dev/null; then
	trace-cmd report "$SAMPLES/selfexit.dat" > "$O/selfexit.txt" 2>/dev/null
	"$OOMLENS" import -q "$SAMPLES/reaped.dmesg" "$O/selfexit.txt" "$SAMPLES/pinned.dat" -o "$O/mix.db" 2>/dev/null
	check "mixed kinds: three sources" test \
		"$(sql "$O/mix.db" "select group_concat(kind) from (select kind from sources order by kind)")" = \
		"ftrace-text,kmsg,trace.dat"
fi
t_done
