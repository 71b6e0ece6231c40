# Linger shell integration for bash. Linger starts bash with `--init-file` pointing here, so bash
# reads this instead of ~/.bashrc: it runs your own start-up files first, exactly as bash would
# have, then tells Linger what the shell is doing by printing escape sequences the terminal
# ignores. It edits no file, defines only __linger_* names, and leaves your DEBUG trap alone.
#
#   OSC 133 A/B   around the prompt (in PS1)       OSC 133 C   a command starts (in PS0)
#   OSC 133 D;n   it ended with status n           OSC 633 E   its command line, with a nonce
#   OSC 7         the working directory, as a file:// URL
#
# Your options hold here too (`set -e`, `set -u` in your ~/.bashrc): every expansion below has a
# default, and no hook of ours ends the shell with a failed status.
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
	# And what `bash -l` runs when you leave by `exit`, `logout` or Ctrl+D: ~/.bash_logout, before
	# an EXIT trap of yours (one set from here on replaces this). It also runs when the session is
	# ended from outside (Stop, which hangs up the terminal), where bash -l would not run it.
	__linger_logout() {
		if [ -r ~/.bash_logout ]; then . ~/.bash_logout; fi
		if [ -r /etc/bash.bash_logout ]; then . /etc/bash.bash_logout; fi
		builtin return "$1"
	}
	# `trap -p` prints your trap as a quoted command: its third word is the code, unquoted by eval.
	builtin eval "__linger_trap=($(builtin trap -p EXIT))"
	# `&& :` passes on the exit status to your trap without `set -e` cutting it short.
	builtin trap -- '__linger_logout "$?" && :'"${__linger_trap[2]+$'\n'${__linger_trap[2]}}" EXIT
	builtin unset __linger_trap
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
__linger_own=${PS0-}${PS1-}${PROMPT_COMMAND[*]-}$(builtin declare -f)
__linger_mark_prompt=1 __linger_mark_start=1 __linger_mark_end=1
[[ $__linger_own == *']133;A'* ]] && __linger_mark_prompt=0
[[ $__linger_own == *']133;C'* ]] && __linger_mark_start=0
[[ $__linger_own == *']133;D'* ]] && __linger_mark_end=0
builtin unset __linger_own

# Characters a file:// URL may carry as they are (spelled out: a range like A-Z can match other
# letters in some locales).
__linger_url_safe='-/._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

__linger_cwd() {
	# (Quoted: after `builtin`, local's words are split like any command's.)
	builtin local url="${PWD-}"
	# Any other character is percent-encoded byte by byte, which needs the C locale. Set in a
	# subshell: setting LC_ALL in the shell means setting your locale back after, and bash warns
	# at every prompt when that locale is not installed.
	if [[ $url == *[!$__linger_url_safe]* ]]; then url=$(__linger_percent_encode "$url"); fi
	builtin printf '\e]7;file://%s%s\a' "${HOSTNAME-}" "$url"
}

# Only ever in a subshell (see __linger_cwd).
__linger_percent_encode() {
	LC_ALL=C
	builtin local text="$1" url= c i
	for ((i = 0; i < ${#text}; i++)); do
		c=${text:i:1}
		case $c in
		[$__linger_url_safe]) url+=$c ;;
		*) builtin printf -v c '%%%02X' "'$c" && url+=$c ;;
		esac
	done
	builtin printf '%s' "$url"
}

# The newest history entry, as it is (`history` prints it after its number and two characters):
# its number in __linger_entry_number, its text in __linger_entry.
__linger_newest_entry() {
	builtin local line
	line=$(HISTTIMEFORMAT= builtin history 1)
	if [[ $line =~ ^[[:space:]]*([0-9]+)[*[:space:]][[:space:]] ]]; then
		__linger_entry_number=${BASH_REMATCH[1]} __linger_entry=${line:${#BASH_REMATCH[0]}}
	else
		__linger_entry_number= __linger_entry=
	fi
}

# PS0 is expanded after a command line is read and before it runs (never for an empty line).
# Its command substitution runs in a subshell, which still has the history: the line is the
# newest entry if history kept it — if the entry has the number HISTCMD promised at the prompt.
# A line history did not keep is not reported: that is how a line starting with a space stays
# private under HISTCONTROL=ignorespace (a repeated line is kept while it is read: see below).
__linger_command_start() {
	builtin local s
	__linger_newest_entry
	if [[ -n $__linger_entry_number && $__linger_entry_number == "$__linger_next" ]]; then
		# Escaped so the line cannot end the sequence: `\` doubled, `;` and controls as \xHH.
		s=$__linger_entry
		s=${s//\\/\\\\} s=${s//;/\\x3b} s=${s//$'\n'/\\x0a} s=${s//$'\r'/\\x0d}
		s=${s//$'\a'/\\x07} s=${s//$'\e'/\\x1b}
		builtin printf '\e]633;E;%s;%s\a' "$s" "$__linger_nonce"
	fi
	if ((__linger_mark_start)); then builtin printf '\e]133;C\a'; fi
}

# HISTCONTROL's ignoredups and erasedups (ignoreboth is ignoredups plus ignorespace) keep a
# repeated line out of history, where PS0 reads it, and with it every second `make`. So while a
# line is read HISTCONTROL keeps only the rest (ignorespace, your way to keep a line private,
# stays in force), and at the next prompt yours is back and bash applies it to that line. Until
# then, a command that looks sees the line kept and HISTCONTROL without those words; and under
# erasedups the line's history time is when it ended.
__linger_relax_history() {
	__linger_relaxed=0
	builtin local - IFS=: word kept=
	builtin set -f
	for word in ${HISTCONTROL-}; do
		case $word in
		ignoredups | erasedups) ;;
		ignoreboth) kept+=:ignorespace ;;
		*) kept+=:$word ;;
		esac
	done
	kept=${kept#:}
	# (A read-only HISTCONTROL, on an audited system, stays as it is.)
	if [[ $kept != "${HISTCONTROL-}" && ${HISTCONTROL@a} != *r* ]]; then
		__linger_histcontrol=$HISTCONTROL __linger_relaxed=1 HISTCONTROL=$kept __linger_kept=$kept
	fi
}

# At the prompt after such a line: your HISTCONTROL back, and, if history kept the line (one
# entry more than at the prompt, numbered __linger_next), what it would have done to the line.
__linger_restore_history() {
	((__linger_relaxed)) || builtin return 0
	__linger_relaxed=0
	# A command that set HISTCONTROL itself keeps its value.
	[[ ${HISTCONTROL-} == "$__linger_kept" ]] && HISTCONTROL=$__linger_histcontrol
	((${HISTCMD:-0} == __linger_next + 1)) || builtin return 0
	case :${HISTCONTROL-}: in
	*:erasedups:*)
		# Taken out and given back: bash then drops its older copies.
		__linger_newest_entry
		builtin history -d "$__linger_next"
		builtin history -s -- "$__linger_entry"
		;;
	*:ignoredups:* | *:ignoreboth:*)
		if __linger_repeats_previous; then builtin history -d "$__linger_next"; fi
		;;
	esac
}

# Whether history's newest entry (number __linger_next) repeats the one before it. `history 2`
# prints both, each after its number (as "%5d"), a `*` or a space, and a space.
__linger_repeats_previous() {
	builtin local tail head1 head2 before newest
	tail=$(HISTTIMEFORMAT= builtin history 2)
	builtin printf -v head1 '%5d' "$((__linger_next - 1))"
	builtin printf -v head2 '\n%5d' "$__linger_next"
	[[ $tail == "$head1"[*" "]" "*"$head2"[*" "]" "* ]] || builtin return 1
	before=${tail%%"$head2"*} newest=${tail#*"$head2"[*" "]" "}
	[[ ${before#"$head1"[*" "]" "} == "$newest" ]]
}

__linger_precmd() {
	__linger_status=$?
	__linger_restore_history
	if ((__linger_prompted && __linger_mark_end)); then builtin printf '\e]133;D;%s\a' "$__linger_status"; fi
	__linger_prompted=1
	__linger_cwd
	builtin return "$__linger_status"
}

# Last in PROMPT_COMMAND, so a prompt your PROMPT_COMMAND just rebuilt is marked too. bash gives
# PS1 the command's $? back after PROMPT_COMMAND, so this need not keep it.
__linger_prompt() {
	if ((__linger_mark_prompt)) && [[ ${PS1-} != "$__linger_ps1" ]]; then
		__linger_ps1='\[\e]133;A\a\]'${PS1-}'\[\e]133;B\a\]'
		PS1=$__linger_ps1
	fi
	if [[ ${PS0-} != *'$(__linger_command_start)' ]]; then PS0=${PS0-}'$(__linger_command_start)'; fi
	__linger_relax_history
	# The number history will give the next line it keeps.
	__linger_next=${HISTCMD-}
	builtin return 0
}

__linger_prompted=0 __linger_ps1= __linger_next= __linger_relaxed=0 __linger_histcontrol= __linger_kept=
# Your PROMPT_COMMAND runs between ours, and sees the command's $? as before: __linger_precmd
# returns it, and `&& :` keeps `set -e` from ending the shell for it (errexit ignores all but the
# last command of an && list), as bash without us would not have.
if [[ $(builtin declare -p PROMPT_COMMAND 2>/dev/null) == 'declare -a'* ]]; then
	PROMPT_COMMAND=('__linger_precmd && :' "${PROMPT_COMMAND[@]}" __linger_prompt)
else
	PROMPT_COMMAND=$'__linger_precmd && :\n'${PROMPT_COMMAND-}$'\n__linger_prompt'
fi
