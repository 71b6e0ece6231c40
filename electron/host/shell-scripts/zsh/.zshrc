# Linger shell integration for zsh: runs your .zshrc, then adds the hooks (see .zshenv here).

# The hooks are defined before your .zshrc runs, so that no alias of yours changes them. Each
# keeps its $? first, then runs with zsh's own options, whatever yours are.
__linger_cwd() {
	# OSC 7 with the path percent-encoded byte by byte, as file:// URLs are.
	emulate -L zsh
	setopt extendedglob
	local LC_ALL=C
	print -rn -- $'\e]7;file://'"${HOST}${PWD//(#m)[^-\/._~A-Za-z0-9]/%${(l:2::0:)$(( [##16] #MATCH ))}}"$'\a'
}

__linger_precmd() {
	local status_=$?
	emulate -L zsh
	(( __linger_prompted && __linger_mark_end )) && print -rn -- $'\e]133;D;'"$status_"$'\a'
	__linger_prompted=1
	__linger_cwd
	(( __linger_mark_prompt )) && print -rn -- $'\e]133;A\a'
	return status_
}

__linger_preexec() {
	emulate -L zsh
	# A line you keep out of history (a leading space under hist_ignore_space, or one matching
	# HISTORY_IGNORE) is private: it is not reported either.
	if [[ -o hist_ignore_space && $1 == ' '* ]] || [[ -n ${HISTORY_IGNORE-} && $1 == ${~HISTORY_IGNORE} ]]; then
		(( __linger_mark_start )) && print -rn -- $'\e]133;C\a'
		return
	fi
	# $1 is the line as typed. Escaped so it cannot end the sequence: `\` doubled, `;` and
	# controls as \xHH.
	local s=$1
	s=${s//\\/\\\\} s=${s//;/\\x3b} s=${s//$'\n'/\\x0a} s=${s//$'\r'/\\x0d}
	s=${s//$'\a'/\\x07} s=${s//$'\e'/\\x1b}
	print -rn -- $'\e]633;E;'"$s;$__linger_nonce"$'\a'
	(( __linger_mark_start )) && print -rn -- $'\e]133;C\a'
}

__linger_enter .zshrc && builtin source -- "$__linger_file"
__linger_leave
# A login shell reads .zlogin next, which ends start-up there.
[[ -o login ]] || __linger_handover

# In a function of its own for zsh's options (your `setopt nounset` or `ksh_arrays` would break
# these lines); what it sets is global.
() {
	emulate -L zsh
	[[ -o interactive && -z ${__linger_hooked-} ]] || return 0
	typeset -g __linger_hooked=1 __linger_prompted=0

	# Marks your own prompt already prints (another terminal's integration) are not printed twice.
	local own="$PS1$PROMPT" name
	for name in ${(k)functions}; do
		[[ $name == __linger_* ]] || own+=$functions[$name]
	done
	typeset -g __linger_mark_prompt=1 __linger_mark_start=1 __linger_mark_end=1
	[[ $own == *']133;A'* ]] && __linger_mark_prompt=0
	[[ $own == *']133;C'* ]] && __linger_mark_start=0
	[[ $own == *']133;D'* ]] && __linger_mark_end=0

	# First, so the status is the command's before any other hook runs.
	precmd_functions=(__linger_precmd $precmd_functions)
	preexec_functions+=(__linger_preexec)
}
