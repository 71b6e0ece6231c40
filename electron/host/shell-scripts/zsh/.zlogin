# Linger shell integration for zsh: a login shell reads this last, so start-up ends here (see
# .zshenv here).
__linger_handover
[[ -r ${ZDOTDIR:-$HOME}/.zlogin ]] && builtin source -- "${ZDOTDIR:-$HOME}/.zlogin"
