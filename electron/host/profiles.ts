/** What can be started: the user's shell, or a named tool with its command, args, env and cwd. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PROFILE, LingerError, type ProfileInfo } from '../contract';
import { StartupError } from './startup';

export interface Profile {
  name: string;
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Record every session started from it (asciicast, for `export`). */
  record?: boolean;
  /** False: start the shell exactly as given, without shell integration (shell-integration.ts). */
  shellIntegration?: boolean;
}

/** The built-ins: the user's shell, and the seed's `claude-code` tool. */
export function builtinProfiles(env: NodeJS.ProcessEnv = process.env): Profile[] {
  return [
    { name: DEFAULT_PROFILE, label: 'Shell', command: env.SHELL || '/bin/bash', args: [], env: {} },
    { name: 'claude-code', label: 'Claude Code', command: 'claude', args: [], env: {} },
  ];
}

const userProfileSchema = z.array(
  z
    .object({
      name: z.string().min(1).max(64),
      label: z.string().min(1).max(64).optional(),
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional(),
      record: z.boolean().optional(),
      shellIntegration: z.boolean().optional(),
    })
    .strict(),
);

export const PROFILES_FILE = 'profiles.json';

/**
 * Built-ins, overridden or extended by `<dataDir>/profiles.json` (a JSON array of profiles).
 * A broken file is reported, not silently ignored: the error says which file and what is wrong.
 */
export function loadProfiles(dataDir: string, env: NodeJS.ProcessEnv = process.env): Profile[] {
  const byName = new Map(builtinProfiles(env).map((p) => [p.name, p]));
  const file = path.join(dataDir, PROFILES_FILE);
  if (fs.existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new StartupError(`${file} is not valid JSON (${(err as Error).message}). Fix or remove it and start Linger again.`);
    }
    const result = userProfileSchema.safeParse(parsed);
    if (!result.success) {
      throw new StartupError(`${file} is not a list of profiles (${result.error.issues[0]?.message}). Fix or remove it.`);
    }
    for (const p of result.data) byName.set(p.name, { ...p, label: p.label ?? p.name });
  }
  return [...byName.values()];
}

/** The absolute path `command` runs as, searching PATH like a shell; null when not found. */
export function resolveCommand(command: string, envPath: string | undefined = process.env.PATH): string | null {
  if (command.includes('/')) return isExecutable(command) ? path.resolve(command) : null;
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * The error for a command resolveCommand did not find. A path names one file, so saying it is
 * not on PATH would send the user looking in the wrong place. `where` names the profile, if any.
 */
export function commandNotFound(command: string, where = ''): LingerError {
  if (!command.includes('/')) return new LingerError('COMMAND_NOT_FOUND', `"${command}" was not found on PATH. Install it, or give its full path${where}.`);
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(command);
  } catch {
    // Missing, or a folder on the way cannot be read: either way there is no file to run.
  }
  if (!stat) return new LingerError('COMMAND_NOT_FOUND', `${command} does not exist. Check the path${where}.`);
  if (!stat.isFile()) return new LingerError('COMMAND_NOT_FOUND', `${command} is not a file. Give the path of a program${where}.`);
  return new LingerError('COMMAND_NOT_FOUND', `${command} is not executable. Make it so (chmod +x ${command}) or run it through its interpreter${where}.`);
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Interactive shells by program name: what a revived session may start again by itself. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'oksh', 'yash', 'ash', 'tcsh', 'csh', 'nu', 'elvish', 'xonsh', 'pwsh']);

/**
 * Options that only choose how an interactive shell starts: login or not, which start-up files,
 * interactive, no history. Anything else may run something (`-c`, `--init-command=deploy`,
 * `-C`, a script), so it is not on the list.
 */
const HARMLESS_SHELL_OPTIONS = new Set([
  '-i',
  '-l',
  '-il',
  '-li',
  '--login',
  '--interactive',
  '--norc',
  '--noprofile',
  '--no-rcs',
  '-f',
  '--no-config',
  '--private',
  '-N',
  '--posix',
  '--noediting',
]);

/**
 * Whether `command args` is an interactive shell — a shell given only options from the list
 * above (`bash -l`, `bash --norc`), never a script, `-c` or an init command — which a restart may
 * run again with nothing lost but its old process. Anything else could act on the world (a build,
 * a deploy, an agent), so it waits for the user to run it again.
 */
export function isInteractiveShell(command: string, args: readonly string[]): boolean {
  const name = path.basename(command).replace(/\.exe$/i, '').replace(/^-/, '');
  return SHELLS.has(name) && args.every((arg) => HARMLESS_SHELL_OPTIONS.has(arg));
}

export function assertCwd(cwd: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cwd);
  } catch {
    throw new LingerError('CWD_NOT_FOUND', `The folder ${cwd} does not exist. Choose an existing folder as the working directory.`);
  }
  if (!stat.isDirectory()) {
    throw new LingerError('CWD_NOT_FOUND', `${cwd} is a file, not a folder. Choose a folder as the working directory.`);
  }
  return cwd;
}

export function findProfile(profiles: Profile[], name: string): Profile {
  const profile = profiles.find((p) => p.name === name);
  if (!profile) {
    const known = profiles.map((p) => p.name).join(', ');
    throw new LingerError('UNKNOWN_PROFILE', `There is no profile "${name}". Use one of: ${known}.`);
  }
  return profile;
}

/** `pathFor` gives the PATH a profile's command would be looked up in (its own env may set one). */
export function describeProfiles(profiles: Profile[], pathFor: (profile: Profile) => string | undefined): ProfileInfo[] {
  return profiles.map((p) => ({
    name: p.name,
    label: p.label,
    command: p.command,
    args: p.args,
    available: resolveCommand(p.command, pathFor(p)) !== null,
  }));
}
