#!/bin/sh
# Man pages: `mandoc -Tlint` reports nothing (cross references resolved
# against the pages themselves), every command has a page, and the options
# of `oomlens help CMD` and of oomlens-CMD(1)'s OPTIONS are the same set.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || skip "mandoc missing: Debian package mandoc (make deps)"
make -C "$TOP" -s man >/dev/null || { bad "make man"; t_done; }
# mandoc checks cross references against the installed pages only: one to
# a page of ours is checked here instead (it must exist in man/), and the
# other projects' pages named are those of trace-cmd, sqlite3, util-linux
for p in "$TOP"/build/man/*.[15]; do
	out=$(mandoc -Tlint -W all "$p" 2>&1 | grep -v 'outdated mandoc.db' |
		grep -v 'referenced manual not found: Xr \(oomlens[-a-z]* [15]\|sqlite3 1\|trace-cmd 1\|dmesg 1\)\( (.*)\)\?$')
	[ -z "$out" ] && ok "lint $(basename "$p")" || bad "lint $(basename "$p"): $out"
done
check "every .Xr to an oomlens page names one in man/" sh -c "grep -h '^\.Xr oomlens' '$TOP'/man/* | awk '{ print \$2 \".\" \$3 }' | sort -u | while read f; do [ -f '$TOP/man/'\$f ] || { echo \"no \$f\"; exit 1; }; done"
# with every other page's lines, the database pages too
check "oomlens-db(5) has every table" sh -c "for t in meta sources formats events tasks gaps victims episodes reaper_runs verdicts timeline rss_curve oom_tasks analysis_meta; do grep -q \"^\\.It Li \$t\$\" '$TOP/man/oomlens-db.5' || { echo \"missing \$t\"; exit 1; }; done"

# options a usage text lists: the option column of its "  -x, --long ARG   text"
# lines, and the usage line itself
help_opts() {
	"$OOMLENS" help "$1" | awk '
		/^usage:/ || /^  +-/ { line = $0; if ($0 !~ /^usage:/) sub(/   .*/, "", line); print line }' |
	grep -oE '(^|[ ,[|])--?[a-zA-Z][-a-zA-Z]*' | sed 's/^[ ,[|]//' | grep -vx -- '-h\|--help' | sort -u
}
# options a page lists under OPTIONS (.It Fl x ... Fl -long)
man_opts() {
	awk '/^\.Sh OPTIONS/ { on = 1; next } /^\.Sh / { on = 0 } on && /^\.It Fl/' "$TOP/man/oomlens-$1.1" |
	grep -oE 'Fl -?[a-zA-Z][-a-zA-Z]*' | sed 's/^Fl /-/' | sort -u
}
cmds=$("$OOMLENS" help | awk '/^   [a-z]/ { print $1 }' | grep -vx 'help\|version')
check "commands listed" [ -n "$cmds" ]
for c in $cmds; do
	check "oomlens-$c.1 exists" [ -f "$TOP/man/oomlens-$c.1" ]
	check "oomlens.1 lists $c" grep -q "^\.It Cm $c\$" "$TOP/man/oomlens.1"
	help_opts "$c" >"$T_OUT/$c.help"
	man_opts "$c" >"$T_OUT/$c.man"
	if diff "$T_OUT/$c.help" "$T_OUT/$c.man" >"$T_OUT/$c.diff"; then
		ok "$c: help and man page list the same options ($(tr '\n' ' ' <"$T_OUT/$c.help"))"
	else
		bad "$c: options differ (< help, > man): $(grep '^[<>]' "$T_OUT/$c.diff" | tr '\n' ' ')"
	fi
done
check "no page for a command that does not exist" sh -c "for p in '$TOP'/man/oomlens-*.1; do c=\${p##*/oomlens-}; c=\${c%.1}; echo '$cmds' | grep -qx \"\$c\" || { echo \"stray \$p\"; exit 1; }; done"
check "help text names no uninstalled README" sh -c "! '$OOMLENS' help | grep -q README"
t_done
