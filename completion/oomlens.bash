# bash completion for oomlens(1).
# Commands, options and formats are read from `oomlens help [COMMAND]`,
# so they are never out of step with the binary installed.

_oomlens_help()
{
	"${1:-oomlens}" help ${2:+"$2"} 2>/dev/null
}

_oomlens()
{
	local cur prev words cword cmd i opts
	_init_completion -n = || return

	cmd=
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} != -* ]]; then
			cmd=${words[i]}
			break
		fi
	done

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_oomlens_help "${words[0]}" |
			awk '/^   [a-z]/ { print $1 }') --help --version" -- "$cur"))
		return
	fi

	# after `record ... --`, a command line of its own
	for ((i = 2; i < cword; i++)); do
		if [[ ${words[i]} == -- && $cmd == record ]]; then
			_command_offset $((i + 1))
			return
		fi
	done

	case $prev in
	-f | --format)
		# the choices printed in the usage line: [--format a|b|c]
		COMPREPLY=($(compgen -W "$(_oomlens_help "${words[0]}" "$cmd" |
			sed -n 's/.*--format \([a-z|-]*\).*/\1/p' | head -n 1 | tr '|' ' ')" -- "$cur"))
		return
		;;
	-o | --output | --metrics)
		if [[ $cmd == record || $cmd == import || $cmd == merge ]] && [[ $prev == -o || $prev == --output ]]; then
			_filedir db
		else
			_filedir
		fi
		return
		;;
	--duration | --watch-before | --watch-after | --buffer-kb | --max-db-mb | \
	-e | --episode | -p | --victim)
		return
		;;
	help)
		COMPREPLY=($(compgen -W "$(_oomlens_help "${words[0]}" |
			awk '/^   [a-z]/ { print $1 }')" -- "$cur"))
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		opts=$(_oomlens_help "${words[0]}" "$cmd" |
			grep -oE '(^|[ ,[|])--?[a-zA-Z][-a-zA-Z]*' | sed 's/^[ ,[|]//' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi

	case $cmd in
	import)
		# trace.dat, ftrace text, kernel logs: any file, kind by content
		_filedir
		;;
	record | version | help) ;;
	*)
		_filedir db
		;;
	esac
}
complete -F _oomlens oomlens
