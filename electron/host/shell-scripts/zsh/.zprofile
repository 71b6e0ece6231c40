# Linger shell integration for zsh: runs your .zprofile (see .zshenv here).
__linger_enter .zprofile && builtin source -- "$__linger_file"
__linger_leave
