# shellcheck shell=bash
# Bash completion for mmrepro.  The commands, their options and the
# output formats come from the program's own --help (so from its
# command, option and format tables), the scenario names from 'mmrepro
# list', the kernels for --deb from mmrepro's kernel cache, and for
# --kernel, --good and --bad the names of 'mmrepro kernels --names'.
# Installed as PREFIX/share/bash-completion/completions/mmrepro.

_mmrepro() {
	local cur prev cmd words i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local m=${COMP_WORDS[0]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		words=$("$m" --help 2>/dev/null |
			awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
		mapfile -t COMPREPLY < <(compgen -W "$words --help --version" -- "$cur")
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--deb)
		# the kernels fetched before (ci/kernels.sh), and .deb files here
		local cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/kernels
		mapfile -t COMPREPLY < <({
			compgen -f -X '!*.deb' -- "$cur"
			compgen -W "$(ls "$cache"/*.deb 2>/dev/null)" -- "$cur"
		} | sort -u)
		return
		;;
	--kernel | -k | --good | --bad)
		# a Debian kernel by series name (mmrepro kernels --names), or
		# an image file
		if [ "$cmd" != vm ]; then
			words=$("$m" kernels --names 2>/dev/null)
			mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur"
				compgen -f -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
		;;
	--modules | --out | -o | --plots | --bundle | -b | \
		--rejudge | --report | --git | --proc-root | --sys-root)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--format | -f)
		# compare's formats, as its --help names them (its format table)
		words=$("$m" compare --help 2>/dev/null |
			grep -oE -- '--format [a-z0-9|]+' | head -1 | cut -d' ' -f2)
		mapfile -t COMPREPLY < <(compgen -W "${words//|/ }" -- "$cur")
		return
		;;
	--accel)
		mapfile -t COMPREPLY < <(compgen -W "kvm tcg" -- "$cur")
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		words=$("$m" "$cmd" --help 2>/dev/null |
			grep -oE '^  (-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+')
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	case $cmd in
	run | check | ab | sweep | bisect)
		# a scenario: the first word that is no option or option value
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -* ]] && continue
			case ${COMP_WORDS[i - 1]} in
			--local | --i-understand-this-stresses-the-host | -q | --quiet) ;;
			-*) continue ;; # the value of an option
			esac
			[ "$cmd" != check ] && return
		done
		words=$("$m" list 2>/dev/null | awk '/^[a-z0-9]/ { print $1 }')
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur"
			compgen -f -X '!*.ini' -- "$cur")
		;;
	*)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	esac
}
complete -o filenames -F _mmrepro mmrepro
