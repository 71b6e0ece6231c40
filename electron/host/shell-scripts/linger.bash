# Linger shell integration for bash. Linger starts bash with `--init-file` pointing here, so bash
# reads this instead of ~/.bashrc: it runs your own start-up files first, exactly as bash would
# have, then tells Linger what the shell is doing by printing escape sequences the terminal
# ignores. It edits no file, defines only __linger_* names, and leaves your DEBUG trap alone.
#
#   OSC 133 A/B   around the prompt (in PS1)       OSC 133 C   a command starts (in PS0)
#   OSC 133 D;n   it ended with status n           OSC 633 E   its command line, with a nonce
#   OSC 7         the working directory, as a file:// URL
#
# Turn it off with LINGER_SHELL_INTEGRATION=0, or "shellIntegration": false in a profile.

# The nonce marks the command lines this script prints, so that what programs print (a `cat` of a
# hostile file, the output of a remote host) cannot pass for one. It is kept out of the
# environment of what you run, but it is no secret from programs running here as you: the
# environment bash started with stays readable in /proc/<pid>/environ whatever `unset` does.
__linger_nonce=${_LINGER_NONCE-}
builtin unset _LINGER_NONCE
__linger_login=${_LINGER_LOGIN-}
builtin unset _LINGER_LOGIN

if [ -n "$__linger_login" ]; then
	# bash ignores --init-file in a login shell, so Linger starts a plain one and this does what
	# `bash -l` would have: /etc/profile, then the first of your profile files.
	if [ -r /etc/profile ]; then . /etc/profile; fi
	if [ -r ~/.bash_profile ]; then . ~/.bash_profile
	elif [ -r ~/.bash_login ]; then . ~/.bash_login
	elif [ -r ~/.profile ]; then . ~/.profile
	fi
elif [ -r ~/.bashrc ]; then
	. ~/.bashrc
fi
builtin unset __linger_login

# Once per shell, and only where there is a prompt (bash older than 4.4 has no PS0: no hooks).
if [[ $- != *i* || -n ${__linger_hooked-} ]] || ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then
	builtin return 0
fi
__linger_hooked=1

# Marks your own prompt already prints (another terminal's integration) are not printed twice.
__linger_own=$PS0$PS1${PROMPT_COMMAND[*]-}$(builtin declare -f)
__linger_mark_prompt=1 __linger_mark_start=1 __linger_mark_end=1
[[ $__linger_own == *']133;A'* ]] && __linger_mark_prompt=0
[[ $__linger_own == *']133;C'* ]] && __linger_mark_start=0
[[ $__linger_own == *']133;D'* ]] && __linger_mark_end=0
builtin unset __linger_own

__linger_cwd() {
	# OSC 7 with the path percent-encoded byte by byte, as file:// URLs are.
	builtin local LC_ALL=C path="$PWD" url= c i
	for ((i = 0; i < ${#path}; i++)); do
		c=${path:i:1}
		case $c in
		[-/._~A-Za-z0-9]) url+=$c ;;
		*) builtin printf -v c '%%%02X' "'$c" && url+=$c ;;
		esac
	done
	builtin printf '\e]7;file://%s%s\a' "${HOSTNAME-}" "$url"
}

# PS0 is expanded after a command line is read and before it runs (never for an empty line).
# Its command substitution runs in a subshell, which still has the history: the line is the
# newest entry, if history kept it (not a repeat under ignoredups nor a " secret" under
# ignorespace) — that is, if the entry has the number HISTCMD promised at the prompt.
__linger_command_start() {
	builtin local line s
	line=$(HISTTIMEFORMAT= builtin history 1)
	if [[ $line =~ ^[[:space:]]*([0-9]+)[*]?[[:space:]]+ ]] && ((BASH_REMATCH[1] == __linger_next)); then
		s=${line:${#BASH_REMATCH[0]}}
		# Escaped so the line cannot end the sequence: `\` doubled, `;` and controls as \xHH.
		s=${s//\\/\\\\} s=${s//;/\\x3b} s=${s//$'\n'/\\x0a} s=${s//$'\r'/\\x0d}
		s=${s//$'\a'/\\x07} s=${s//$'\e'/\\x1b}
		builtin printf '\e]633;E;%s;%s\a' "$s" "$__linger_nonce"
	fi
	((__linger_mark_start)) && builtin printf '\e]133;C\a'
}

__linger_precmd() {
	__linger_status=$?
	if ((__linger_prompted && __linger_mark_end)); then builtin printf '\e]133;D;%s\a' "$__linger_status"; fi
	__linger_prompted=1
	__linger_cwd
	return "$__linger_status"
}

# Last in PROMPT_COMMAND, so a prompt your PROMPT_COMMAND just rebuilt is marked too.
__linger_prompt() {
	builtin local status=$?
	if ((__linger_mark_prompt)) && [[ $PS1 != "$__linger_ps1" ]]; then
		__linger_ps1='\[\e]133;A\a\]'$PS1'\[\e]133;B\a\]'
		PS1=$__linger_ps1
	fi
	if [[ $PS0 != *'$(__linger_command_start)' ]]; then PS0=$PS0'$(__linger_command_start)'; fi
	# The number history will give the next line it keeps.
	__linger_next=$HISTCMD
	return "$status"
}

__linger_prompted=0 __linger_ps1= __linger_next=
# Your PROMPT_COMMAND runs between ours, and sees the command's $? as before.
if [[ $(builtin declare -p PROMPT_COMMAND 2>/dev/null) == 'declare -a'* ]]; then
	PROMPT_COMMAND=(__linger_precmd "${PROMPT_COMMAND[@]}" __linger_prompt)
else
	PROMPT_COMMAND=$'__linger_precmd\n'${PROMPT_COMMAND-}$'\n__linger_prompt'
fi
