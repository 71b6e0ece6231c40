# Linger shell integration for fish. Linger starts fish with `--init-command` sourcing this, which
# fish runs after your own config files; it edits no file and defines only __linger_* names. It
# tells Linger what the shell does with escape sequences the terminal ignores:
#   OSC 133 A   a prompt starts             OSC 133 C   a command starts
#   OSC 133 D;n it ended with status n      OSC 633 E   its command line, with a nonce
#   OSC 7       the working directory, as a file:// URL
#
# Turn it off with LINGER_SHELL_INTEGRATION=0, or "shellIntegration": false in a profile.

# The nonce marks the command lines this script prints, so that what programs print (a `cat` of a
# hostile file, the output of a remote host) cannot pass for one. It is kept out of the
# environment of what you run, but it is no secret from programs running here as you: the
# environment fish started with stays readable in /proc/<pid>/environ whatever `set -e` does.
set -g __linger_nonce "$_LINGER_NONCE"
set -e _LINGER_NONCE

status is-interactive; or exit
set -q __linger_hooked; and exit
set -g __linger_hooked 1

set -g __linger_mark_prompt 1
set -g __linger_mark_start 1
set -g __linger_mark_end 1
# fish 4 marks prompts and commands itself, unless you turned that off (no-mark-prompt); fish 3
# does not know the feature.
if status test-feature mark-prompt 2>/dev/null
    set __linger_mark_prompt 0
    set __linger_mark_start 0
    set __linger_mark_end 0
end
# Marks your own prompt already prints (another terminal's integration) are not printed twice.
# Only what prints around a prompt or a command is read: the prompt functions and the handlers of
# those events. (Reading every function would load each one from disk, some 0.1 s per start.)
set -l names fish_prompt fish_right_prompt fish_mode_prompt
set -a names (functions --handlers-type generic 2>/dev/null | string replace -rf '^(?:fish_prompt|fish_preexec|fish_postexec) (.+)$' '$1')
set -l own (functions $names 2>/dev/null | string collect)
string match -q -- '*]133;A*' $own; and set __linger_mark_prompt 0
string match -q -- '*]133;C*' $own; and set __linger_mark_start 0
string match -q -- '*]133;D*' $own; and set __linger_mark_end 0

function __linger_prompt --on-event fish_prompt
    printf '\e]7;file://%s%s\a' $hostname (string escape --style=url -- $PWD)
    test $__linger_mark_prompt = 1; and printf '\e]133;A\a'
end

function __linger_preexec --on-event fish_preexec
    # fish keeps a line that starts with a space out of history, and everything in private
    # mode: such lines are private, and not reported either.
    if string match -q -- ' *' $argv[1]; or set -q fish_private_mode
        test $__linger_mark_start = 1; and printf '\e]133;C\a'
        return
    end
    # $argv[1] is the line as typed. Escaped so it cannot end the sequence: `\` doubled, `;`
    # and controls as \xHH.
    set -l s (string replace -a -- '\\' '\\\\' $argv[1] | string collect)
    set s (string replace -a -- ';' '\\x3b' $s | string collect)
    set s (string replace -a -- \n '\\x0a' $s)
    set s (string replace -a -- \r '\\x0d' $s)
    set s (string replace -a -- \a '\\x07' $s)
    set s (string replace -a -- \e '\\x1b' $s)
    printf '\e]633;E;%s;%s\a' "$s" $__linger_nonce
    test $__linger_mark_start = 1; and printf '\e]133;C\a'
end

function __linger_postexec --on-event fish_postexec
    set -l s $status
    test $__linger_mark_end = 1; and printf '\e]133;D;%s\a' $s
end
