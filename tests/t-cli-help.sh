#!/bin/sh
# `oomlens help CMD`, `oomlens CMD --help` and `oomlens CMD -h` print the
# same usage on stdout with status 0 for every command; misuse prints it
# on stderr with status 2; --version and -V print the version.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
mkdir -p "$T_OUT"
for c in import record analyze report tui version help; do
	"$OOMLENS" help "$c" >"$T_OUT/ref" 2>"$T_OUT/err"
	check "help $c: status 0, nothing on stderr" test $? -eq 0 -a ! -s "$T_OUT/err"
	check "help $c: a usage line" grep -q "^usage: oomlens $c" "$T_OUT/ref"
	for h in --help -h; do
		"$OOMLENS" "$c" $h >"$T_OUT/out" 2>"$T_OUT/err"
		check "$c $h: status 0" test $? -eq 0
		check "$c $h: same text as 'help $c', on stdout" cmp -s "$T_OUT/ref" "$T_OUT/out"
		check "$c $h: nothing on stderr" test ! -s "$T_OUT/err"
	done
done
for c in import analyze report tui; do
	"$OOMLENS" "$c" >"$T_OUT/out" 2>"$T_OUT/err"
	check "$c without arguments: status 2" test $? -eq 2
	check "$c without arguments: usage on stderr only" \
		sh -c "grep -q '^usage: oomlens $c' '$T_OUT/err' && test ! -s '$T_OUT/out'"
done
"$OOMLENS" help nosuch >"$T_OUT/out" 2>"$T_OUT/err"
check "help of an unknown command: status 2" test $? -eq 2
for v in --version -V version; do
	out=$("$OOMLENS" $v)
	check "$v: status 0" test $? -eq 0
	check "$v: prints the version" sh -c "echo '$out' | grep -q '^oomlens [0-9]'"
done
t_done
