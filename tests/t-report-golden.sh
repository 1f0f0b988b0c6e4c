#!/bin/sh
# Golden tests: `oomlens report` in every format for every committed sample
# (samples/data/*.dat), compared as files with tests/golden/report/
# <sample>.<format> after masking the volatile fields (database path, host
# name, tool version); text-detail is `--format text --detail`.  Also: the
# text report of every sample stays within 72 columns and 40 lines,
# printable ASCII, no tabs, and its first 15 lines name every unnecessary
# kill's holder (the pid that still held the memory) and until when.
# UPDATE_GOLDEN=1 sh tests/t-report-golden.sh rewrites the golden files.
. "$(dirname "$0")/lib.sh"
T_OUT=$(cd "$T_OUT" && pwd)	# absolute: file:// URLs, cd
GOLDEN=$TOP/tests/golden/report
FORMATS="text text-detail markdown json csv html"
"$OOMLENS" version >/dev/null 2>&1 || skip "no working oomlens binary"
set -- "$SAMPLES"/*.dat
[ -e "$1" ] || skip "no samples in $SAMPLES"

mask() {	# mask FORMAT < report > masked report
	case $1 in
	text|text-detail)	# a wrapped value continues on lines indented by 11 spaces
		awk '/^(host|database|generated): / { sub(/: .*/, ": <masked>"); print; m = 1; next }
		     m && /^           [^ ]/ { next }
		     { m = 0; print }' ;;
	markdown)
		sed -E 's/^\| (host|database|generated) \| .* \|$/| \1 | <masked> |/' ;;
	json)
		sed -E 's/^( *"(db_path|hostname|version)": )("([^"\\]|\\.)*"|null)(,?)$/\1"<masked>"\5/' ;;
	html)
		sed -E 's#^<tr><th>(host|database|generated)</th><td>.*</td></tr>$#<tr><th>\1</th><td>\&lt;masked\&gt;</td></tr>#' ;;
	*)	cat ;;
	esac
}

for dat in "$@"; do
	s=$(basename "$dat" .dat)
	# import under a relative name: nothing in the report depends on
	# where the tree is checked out.  --keep-all: every event, as when
	# these files were written; t-import-flood checks that the default
	# import reports the same plus the count of what it left out
	cp "$dat" "$T_OUT/$s.dat"
	if ! (cd "$T_OUT" && "$OOMLENS" import --keep-all "$s.dat" -o "$s.db") >"$T_OUT/$s.import" 2>&1; then
		bad "$s: import failed: $(tail -n 1 "$T_OUT/$s.import")"
		continue
	fi
	for f in $FORMATS; do
		out=$T_OUT/$s.$f
		case $f in
		text-detail) args="--format text --detail" ;;
		*) args="--format $f" ;;
		esac
		if ! (cd "$T_OUT" && "$OOMLENS" report "$s.db" $args) >"$out.raw" 2>"$out.err"; then
			bad "$s.$f: report failed: $(head -n 1 "$out.err")"
			continue
		fi
		mask "$f" <"$out.raw" >"$out"
		if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
			mkdir -p "$GOLDEN"
			cp "$out" "$GOLDEN/$s.$f"
			ok "$s.$f: golden file written"
		elif [ ! -e "$GOLDEN/$s.$f" ]; then
			bad "$s.$f: no golden file (UPDATE_GOLDEN=1 sh $0 writes it)"
		elif cmp -s "$GOLDEN/$s.$f" "$out"; then
			ok "$s.$f matches the golden file"
		else
			bad "$s.$f differs from the golden file:"
			diff -u "$GOLDEN/$s.$f" "$out" | head -n 30
		fi
	done
	txt=$T_OUT/$s.text.raw
	check "$s: text within 72 columns" sh -c "! awk 'length > 72 { print FILENAME \":\" FNR \": \" \$0; bad = 1 } END { exit !bad }' '$txt'"
	check "$s: text is printable ASCII without tabs" \
		sh -c "! LC_ALL=C grep -n '[^ -~]' '$txt'"
	check "$s: text within 40 lines" test "$(wc -l <"$txt")" -le 40
	# every unnecessary kill's holder (related_victim -> its pid) up top
	csv=$T_OUT/$s.csv.raw
	for holder in $(awk -F, 'NR > 1 && $20 == "unnecessary" { print $22 }' "$csv" | sort -u); do
		hpid=$(awk -F, -v id="$holder" 'NR > 1 && $2 == id { print $5 }' "$csv")
		check "$s: first 15 lines name holder victim $holder (pid $hpid) and until when" \
			sh -c "head -n 15 '$txt' | tr '\n' ' ' | grep -Eq 'unnecessary: .*victim $holder \\(pid $hpid,.* until [0-9]'"
	done
	check "$s: --detail has the chart legend and times from the kill" \
		sh -c "grep -q '^K kill R reaper' '$T_OUT/$s.text-detail.raw' && grep -q '+0.000s' '$T_OUT/$s.text-detail.raw'"
done
t_done
