/**
 * Shell integration: starting bash, zsh or fish so that, after running the user's own start-up
 * files, they also report the working directory, each command's start, end, exit status and
 * command line (shell-scripts/, read by shell-facts.ts). Nothing is written to the user's files:
 *
 * - bash: `--init-file linger.bash`, which bash reads instead of ~/.bashrc; the script runs
 *   ~/.bashrc itself (or, for a login shell, what `bash -l` runs: --init-file and -l exclude
 *   each other).
 * - zsh: ZDOTDIR set to shell-scripts/zsh, whose files run the user's own from their ZDOTDIR
 *   (passed on in _LINGER_ZDOTDIR) or HOME, and give ZDOTDIR back at the end of start-up.
 * - fish: `--init-command`, which fish runs after the user's config.
 *
 * Only a plain interactive start is changed: a profile with other arguments (`--norc`, `-c`, a
 * script) runs exactly as given.
 *
 * The nonce reaches the script in _LINGER_NONCE, which the script unsets before anything else
 * runs, so the programs it starts do not inherit it (LINGER_* names are the host's and never
 * reach shells). It is not a secret from programs that run as the user: /proc/<pid>/environ of
 * the shell and of the wrapper keeps the environment they started with, and the shell's memory
 * and every command line it reports hold it too. What it stops is output passing for a command
 * line: a `cat` of a hostile file, a remote host over ssh, a log being followed: text that
 * cannot read this machine's /proc. Code running here as the user needs no forged line to do
 * harm, so a way to hide the nonce from it (a file read and deleted at start) would guard nothing.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The scripts' folder next to the bundle (dist/electron/, copied by scripts/build-node.mjs). */
export const SHELL_SCRIPTS_DIR = 'shell-scripts';

/** Arguments that still mean "an interactive shell" (login or not); anything else opts out. */
const PLAIN_ARGS: Record<Shell, ReadonlySet<string>> = {
  bash: new Set(['-i', '-l', '--login', '-il', '-li']),
  zsh: new Set(['-i', '-l', '--login', '-il', '-li']),
  fish: new Set(['-i', '--interactive', '-l', '--login', '-il', '-li']),
};

type Shell = 'bash' | 'zsh' | 'fish';

/** What every integration needs from `dir`: zsh without its files would skip the user's own. */
const SCRIPT_FILES = ['linger.bash', 'linger.fish', 'zsh/.zshenv', 'zsh/.zprofile', 'zsh/.zshrc', 'zsh/.zlogin'];

/**
 * `dir` if it holds every script, else undefined (and one line says so): a broken install
 * starts shells as they are rather than with a ZDOTDIR or init file that is not there.
 */
export function installedScripts(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const missing = SCRIPT_FILES.filter((file) => !fs.existsSync(path.join(dir, file)));
  if (missing.length === 0) return dir;
  console.error(`Linger: shell integration is off: ${missing.join(', ')} missing in ${dir}. Reinstall Linger (or run "npm run build") to get it back.`);
  return undefined;
}

export interface Launch {
  args: string[];
  env: Record<string, string>;
}

/**
 * How to start `executable` with integration, or null when it is not a shell we integrate or
 * its arguments ask for something else. `scriptsDir` is shell-scripts/ as installed.
 */
export function withShellIntegration(
  executable: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  scriptsDir: string,
  nonce: string,
): Launch | null {
  const shell = shellName(executable);
  if (!shell || !args.every((arg) => PLAIN_ARGS[shell].has(arg))) return null;
  const login = args.some((arg) => arg === '-l' || arg === '--login' || arg === '-il' || arg === '-li');
  const common = { ...env, _LINGER_NONCE: nonce };
  switch (shell) {
    case 'bash':
      return {
        args: ['--init-file', path.join(scriptsDir, 'linger.bash'), ...args.filter((a) => a === '-i')],
        env: login ? { ...common, _LINGER_LOGIN: '1' } : common,
      };
    case 'zsh': {
      const zshEnv: Record<string, string> = { ...common, ZDOTDIR: path.join(scriptsDir, 'zsh') };
      if (env.ZDOTDIR) zshEnv._LINGER_ZDOTDIR = env.ZDOTDIR;
      return { args: [...args], env: zshEnv };
    }
    case 'fish':
      return { args: [...args, '--init-command', `source ${fishQuote(path.join(scriptsDir, 'linger.fish'))}`], env: common };
  }
}

function shellName(executable: string): Shell | null {
  const name = path.basename(executable);
  return name === 'bash' || name === 'zsh' || name === 'fish' ? name : null;
}

/** A fish single-quoted string: only `\` and `'` are special inside. */
function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
