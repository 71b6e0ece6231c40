# Linger shell integration for zsh. Linger starts zsh with ZDOTDIR pointing at this folder, so
# zsh reads these four files instead of yours; each one runs your own file of the same name (from
# your ZDOTDIR, or HOME) at the same point of start-up, with ZDOTDIR set as zsh would have it.
# At the end of start-up ZDOTDIR is yours again. No file of yours is edited.
#
# Your files run at the top level of ours, never inside a function: in a function zsh makes every
# `typeset` local and gives `path` and other special parameters back when it returns, so a
# `typeset -U path` or `typeset -A` of yours would be lost. Only the ZDOTDIR switching around
# them is in functions, which run with zsh's own options whatever yours are.
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

# Before your file `$1`: your ZDOTDIR in place, and the file's path in __linger_file; fails when
# there is no such file to run.
__linger_enter() {
	emulate -L zsh
	if (( __linger_user_set )); then ZDOTDIR=$__linger_user_dir; else unset ZDOTDIR; fi
	typeset -g __linger_file=$__linger_user_dir/$1
	[[ $__linger_user_dir != $__linger_dir && -r $__linger_file ]]
}

# After it: a ZDOTDIR it set (a common ~/.zshenv line) is where your next files are, as in zsh;
# then ZDOTDIR is ours again, so that zsh reads our next file.
__linger_leave() {
	emulate -L zsh
	if (( ${+ZDOTDIR} )) && [[ $ZDOTDIR != $__linger_dir ]]; then
		__linger_user_dir=$ZDOTDIR __linger_user_set=1
	fi
	ZDOTDIR=$__linger_dir
}

# The end of start-up: ZDOTDIR as you left it, and nothing of ours in the environment.
__linger_handover() {
	emulate -L zsh
	if (( __linger_user_set )); then ZDOTDIR=$__linger_user_dir; else unset ZDOTDIR; fi
	unset _LINGER_ZDOTDIR __linger_file
	# A global zshrc may have put the history file next to ZDOTDIR, which was ours then.
	if [[ -n ${HISTFILE-} && $HISTFILE == $__linger_dir/* ]]; then
		HISTFILE=$__linger_user_dir/${HISTFILE#$__linger_dir/}
	fi
	unfunction __linger_enter __linger_leave __linger_handover
}

__linger_enter .zshenv && builtin source -- "$__linger_file"
__linger_leave
# A shell without a prompt (a script a start-up file runs) reads the rest of its files as yours;
# so does one whose .zshenv turned off the rest (`setopt no_rcs`), which reads none of ours.
[[ -o interactive && -o rcs ]] || __linger_handover
