# Linger shell integration for zsh. Linger starts zsh with ZDOTDIR pointing at this folder, so
# zsh reads these four files instead of yours; each one runs your own file of the same name (from
# your ZDOTDIR, or HOME) at the same point of start-up, with ZDOTDIR set as zsh would have it.
# At the end of start-up ZDOTDIR is yours again. No file of yours is edited.
#
# .zshrc then tells Linger what the shell does, with escape sequences the terminal ignores:
#   OSC 133 A   a prompt starts             OSC 133 C   a command starts
#   OSC 133 D;n it ended with status n      OSC 633 E   its command line, with a nonce
#   OSC 7       the working directory, as a file:// URL
#
# Turn it off with LINGER_SHELL_INTEGRATION=0, or "shellIntegration": false in a profile.

# The nonce marks the command lines .zshrc prints, so that what programs print (a `cat` of a
# hostile file, the output of a remote host) cannot pass for one. It is kept out of the
# environment of what you run, but it is no secret from programs running here as you: the
# environment zsh started with stays readable in /proc/<pid>/environ whatever `unset` does.
typeset -g __linger_nonce=${_LINGER_NONCE-}
unset _LINGER_NONCE
typeset -g __linger_dir=$ZDOTDIR
# Your ZDOTDIR, if you had one (Linger passes it on); else your files are in HOME.
if (( ${+_LINGER_ZDOTDIR} )); then
	typeset -g __linger_user_dir=$_LINGER_ZDOTDIR __linger_user_set=1
else
	typeset -g __linger_user_dir=$HOME __linger_user_set=0
fi

# Runs your file `$1` with your ZDOTDIR in place, and notes a ZDOTDIR it sets (a common
# ~/.zshenv line), so the next files are read from there as zsh would.
__linger_source() {
	if (( __linger_user_set )); then ZDOTDIR=$__linger_user_dir; else unset ZDOTDIR; fi
	if [[ $__linger_user_dir != $__linger_dir && -r $__linger_user_dir/$1 ]]; then
		builtin source "$__linger_user_dir/$1"
	fi
	if (( ${+ZDOTDIR} )) && [[ $ZDOTDIR != $__linger_dir ]]; then
		__linger_user_dir=$ZDOTDIR __linger_user_set=1
	fi
	ZDOTDIR=$__linger_dir
}

# The end of start-up: ZDOTDIR as you left it, and nothing of ours in the environment.
__linger_handover() {
	if (( __linger_user_set )); then ZDOTDIR=$__linger_user_dir; else unset ZDOTDIR; fi
	unset _LINGER_ZDOTDIR
	# A global zshrc may have put the history file next to ZDOTDIR, which was ours then.
	if [[ -n ${HISTFILE-} && $HISTFILE == $__linger_dir/* ]]; then
		HISTFILE=$__linger_user_dir/${HISTFILE#$__linger_dir/}
	fi
	unfunction __linger_source __linger_handover
}

__linger_source .zshenv
# A shell without a prompt (a script a start-up file runs) reads the rest of its files as yours.
[[ -o interactive ]] || __linger_handover
