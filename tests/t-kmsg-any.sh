#!/bin/sh
# Kernel logs as people have them give the victims (pid, comm, domain) of
# the plain dmesg: each sample's dmesg rewritten by tests/kmsg-variants.py
# (pastes without stamps, mail quoting and quoted-printable, numbering,
# code fences, dmesg -T in German/French/Russian/Chinese, syslog and
# rsyslog templates, RFC 3339, caller ids, priorities, the journal's
# json/json-pretty/export/cat/short-* outputs, "#012", wrapped lines);
# then every input path: gzip/xz/zstd/bzip2, standard input, process
# substitution, and ftrace text compressed with xz.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed (make deps installs it)"
for c in gzip xz zstd bzip2; do
	command -v $c >/dev/null || skip "$c is not installed (make deps installs it)"
done
ls "$SAMPLES"/*.dmesg >/dev/null 2>&1 || { bad "no samples in $SAMPLES"; t_done; }
q="select pid || ' ' || comm || ' ' || domain from victims order by pid"

for dm in "$SAMPLES"/*.dmesg; do
	s=$(basename "$dm" .dmesg)
	D="$T_OUT/$s"
	mkdir -p "$D"
	variants=$(python3 "$TOP/tests/kmsg-variants.py" "$dm" "$D") || { bad "$s: variants"; continue; }
	"$OOMLENS" import -q "$dm" -o "$D/ref.db" 2>/dev/null || { bad "$s: plain import"; continue; }
	sql "$D/ref.db" "$q" > "$D/ref"
	for v in $variants; do
		if ! "$OOMLENS" import -q "$D/$v.log" -o "$D/$v.db" 2> "$D/$v.err"; then
			bad "$s $v: import failed: $(cat "$D/$v.err")"; continue
		fi
		sql "$D/$v.db" "$q" > "$D/$v.victims"
		check "$s $v: victims of the plain dmesg ($(wc -l < "$D/ref"))" cmp -s "$D/ref" "$D/$v.victims"
	done
	check "$s bare: times unknown, said so" \
		test "$(sql "$D/bare.db" "select value from meta where key = 'kmsg.clock'")" = none
	check "$s bare: ... and on stderr" grep -q 'times unknown, ordered by line' "$D/bare.err"
	check "$s wrapped-80: re-joined lines said" grep -q 'wrapped lines re-joined' "$D/wrapped-80.err"
	check "$s quoted-printable: said" grep -q 'read as quoted-printable' "$D/quoted-printable.err"

	# every way a file reaches us: read once, whatever the pipe
	for c in gzip:gz xz:xz zstd:zst bzip2:bz2; do
		x=${c#*:} c=${c%:*}
		$c -c < "$dm" > "$D/kern.log.2.$x"
		"$OOMLENS" import -q "$D/kern.log.2.$x" -o "$D/c-$c.db" 2> "$D/c-$c.err" &&
			sql "$D/c-$c.db" "$q" > "$D/c-$c.victims"
		check "$s: $c-compressed log gives the same victims" cmp -s "$D/ref" "$D/c-$c.victims"
	done
	gzip -dc "$D/kern.log.2.gz" | "$OOMLENS" import -q - -o "$D/stdin.db" 2> "$D/stdin.err" &&
		sql "$D/stdin.db" "$q" > "$D/stdin.victims"
	check "$s: zcat | import - gives the same victims" cmp -s "$D/ref" "$D/stdin.victims"
	check "$s: ... source named <stdin>" \
		test "$(sql "$D/stdin.db" "select path from sources")" = "<stdin>"
	bash -c '"$1" import -q <(cat "$2") -o "$3"' sh "$OOMLENS" "$D/journal-json.log" "$D/procsub.db" \
		2> "$D/procsub.err" && sql "$D/procsub.db" "$q" > "$D/procsub.victims"
	check "$s: import <(cat log.json) gives the same victims" cmp -s "$D/ref" "$D/procsub.victims"
done

# Corrupt and truncated compressed data: one line naming the file, exit 1.
head -c 200 "$T_OUT/reaped/kern.log.2.xz" > "$T_OUT/cut.xz"
"$OOMLENS" import -q "$T_OUT/cut.xz" -o "$T_OUT/cut.db" 2> "$T_OUT/cut.err"
check "truncated xz: exit 1" test $? -eq 1
check "truncated xz: says which file and why" grep -q "cut.xz': xz data: truncated" "$T_OUT/cut.err"
check "truncated xz: no database" test ! -e "$T_OUT/cut.db"

# ftrace text compressed with xz: the same victims as the plain text.
if command -v trace-cmd >/dev/null; then
	trace-cmd report "$SAMPLES/reaped.dat" > "$T_OUT/reaped.trace" 2>/dev/null
	{ echo '# echo 1 > /sys/kernel/tracing/events/oom/enable'; cat "$T_OUT/reaped.trace"; } |
		xz -c > "$T_OUT/reaped.trace.xz"
	"$OOMLENS" import -q "$T_OUT/reaped.trace" -o "$T_OUT/ft.db" 2>/dev/null
	"$OOMLENS" import -q "$T_OUT/reaped.trace.xz" -o "$T_OUT/ftxz.db" 2> "$T_OUT/ftxz.err"
	check "xz ftrace text: kind ftrace-text" \
		test "$(sql "$T_OUT/ftxz.db" "select kind from sources")" = ftrace-text
	check "xz ftrace text: the same victims as the plain text" test \
		"$(sql "$T_OUT/ft.db" "$q")" = "$(sql "$T_OUT/ftxz.db" "$q")"
	check "xz ftrace text: victims found" test "$(sql "$T_OUT/ftxz.db" "select count(*) from victims")" -ge 1
else
	bad "trace-cmd is not installed (make deps installs it)"
fi
t_done
