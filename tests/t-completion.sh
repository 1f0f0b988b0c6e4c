#!/bin/sh
# The bash completion, sourced under bash with the bash-completion
# framework, completes subcommands, options, formats and file arguments.
. "$(dirname "$0")/lib.sh"
command -v bash >/dev/null || skip "bash missing"
BC=/usr/share/bash-completion/bash_completion
[ -r $BC ] || skip "$BC missing: Debian package bash-completion (make deps)"
T_OUT=$(cd "$T_OUT" && pwd)
mkdir -p "$T_OUT/bin" "$T_OUT/files"
ln -sf "$OOMLENS" "$T_OUT/bin/oomlens"
touch "$T_OUT/files/a.db" "$T_OUT/files/b.db" "$T_OUT/files/trace.dat" "$T_OUT/files/kern.log"
mkdir -p "$T_OUT/files/sub"

# comp WORD... : the completions of the last word, sorted, one line
cat >"$T_OUT/comp.bash" <<EOS
. $BC
. "$TOP/completion/oomlens.bash"
export PATH="$T_OUT/bin:\$PATH"
cd "$T_OUT/files"
comp() {
	COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1))
	COMP_LINE="\$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
	_oomlens oomlens "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "\${COMPREPLY[@]}" | sort | tr '\n' ' '; echo
}
EOS
comp() { bash -c ". '$T_OUT/comp.bash'; comp \"\$@\"" comp "$@"; }
expect() { want=$1; shift; got=$(comp "$@"); [ "$got" = "$want" ] && ok "$* -> $want" || bad "$* -> '$got', want '$want'"; }

expect "analyze " oomlens an
expect "export " oomlens ex
expect "merge metrics " oomlens m
expect "--detail --episode --format --output --pid --victim -d -e -f -o -p -v " oomlens report x.db -
expect "--no-rss " oomlens record --n
expect "chrome-trace jsonl " oomlens export a.db --format ""
expect "csv " oomlens report a.db -f c
expect "a.db b.db sub " oomlens report ""
expect "a.db b.db kern.log sub trace.dat " oomlens import ""
expect "a.db b.db sub " oomlens import trace.dat -o ""
expect "report " oomlens help rep
t_done
