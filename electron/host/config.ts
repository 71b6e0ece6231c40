import os from 'node:os';
import path from 'node:path';
import { StartupError } from './startup';

export interface HostConfig {
  /** A detached session idle longer than this is stale. */
  sessionTtlSeconds: number;
  /** How often the cleanup loop looks for stale sessions. */
  cleanupIntervalSeconds: number;
  /** Between SIGHUP and SIGKILL: long enough for a shell to save history, short enough for quit. */
  killGraceMs: number;
  /** Lines of scrollback each session's off-screen mirror keeps. */
  scrollback: number;
  /** Ledger and settings. */
  dataDir: string;
  /** Shells (bash, zsh, fish) report cwd and commands (shell-integration.ts); a profile can opt out. */
  shellIntegration: boolean;
  /** A command that ran at least this long notifies when it finishes. */
  notifyAfterSeconds: number;
  /** Sessions are saved (state.ts) and come back after a restart or a crash; LINGER_RESTORE=0 turns it off. */
  restore: boolean;
}

export const DEFAULT_CONFIG: Omit<HostConfig, 'dataDir'> = {
  sessionTtlSeconds: 300,
  cleanupIntervalSeconds: 60,
  killGraceMs: 3000,
  scrollback: 1000,
  shellIntegration: true,
  // Long enough that an `ls` or a quick build never notifies; short enough that a test run does.
  notifyAfterSeconds: 10,
  restore: true,
};

/** Where the ledger goes when neither the caller nor LINGER_DATA_DIR says (plain Node). */
export function defaultDataDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'linger');
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new StartupError(`${name}=${raw} is not a number from ${min} to ${max}. Fix or unset it and start Linger again.`);
  }
  return value;
}

function switchFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '0' || raw === '1') return raw === '1';
  throw new Error(`${name}=${raw} is neither 0 (off) nor 1 (on). Fix or unset it and start Linger again.`);
}

/** Defaults, then `LINGER_*` environment overrides, then explicit overrides (tests). */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<HostConfig> = {},
  fallbackDataDir: string = defaultDataDir(),
): HostConfig {
  return {
    sessionTtlSeconds: numberFromEnv(env, 'LINGER_SESSION_TTL_SECONDS', DEFAULT_CONFIG.sessionTtlSeconds, 0.1, 31_536_000),
    cleanupIntervalSeconds: numberFromEnv(
      env,
      'LINGER_CLEANUP_INTERVAL_SECONDS',
      DEFAULT_CONFIG.cleanupIntervalSeconds,
      0.05,
      86_400,
    ),
    killGraceMs: numberFromEnv(env, 'LINGER_KILL_GRACE_MS', DEFAULT_CONFIG.killGraceMs, 0, 600_000),
    scrollback: Math.floor(numberFromEnv(env, 'LINGER_SCROLLBACK', DEFAULT_CONFIG.scrollback, 0, 1_000_000)),
    dataDir: env.LINGER_DATA_DIR || fallbackDataDir,
    shellIntegration: switchFromEnv(env, 'LINGER_SHELL_INTEGRATION', DEFAULT_CONFIG.shellIntegration),
    notifyAfterSeconds: numberFromEnv(env, 'LINGER_NOTIFY_AFTER_SECONDS', DEFAULT_CONFIG.notifyAfterSeconds, 0, 86_400),
    restore: switchFromEnv(env, 'LINGER_RESTORE', DEFAULT_CONFIG.restore),
    ...overrides,
  };
}
