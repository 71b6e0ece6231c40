# Linger shell integration for zsh: runs your .zprofile (see .zshenv here).
__linger_source .zprofile
