/**
 * The host as an app runs it: config, ledger, profiles, bridge and its loops, the sessions saved
 * by the last run revived, with one shutdown path. Electron's main process and browser mode both
 * start it this way.
 */
import { PtyBridge } from './bridge';
import { loadConfig, type HostConfig } from './config';
import { Guardian } from './guardian';
import { Ledger } from './ledger';
import { loadProfiles } from './profiles';
import { installedScripts } from './shell-integration';
import { prepareDataDir } from './startup';
import { StateKeeper, discardSaved } from './state';
import { StateStore } from './state-store';

/** Beyond the kill grace, what shutdown allows for SIGKILL and the ledger before giving up waiting. */
const SHUTDOWN_SLACK_MS = 2000;

export interface Host {
  config: HostConfig;
  ledger: Ledger;
  bridge: PtyBridge;
  /**
   * Saves the sessions for the next start (unless `discard`, which deletes what was saved), then
   * stops every session (bounded), logs `app_stopping`, releases everything. Idempotent.
   */
  shutdown(reason: string, options?: ShutdownOptions): Promise<void>;
}

export interface ShutdownOptions {
  /** Quit and discard: nothing comes back on the next start. */
  discard?: boolean;
}

export interface HostOptions {
  /** `electron` or `browser`, for the ledger. */
  mode: string;
  env?: NodeJS.ProcessEnv;
  /** Used when LINGER_DATA_DIR is not set. */
  fallbackDataDir?: string;
  /** shell-scripts/ as installed next to the bundle; without it shells start without integration. */
  shellScripts?: string;
}

export function createHost(options: HostOptions): Host {
  const env = options.env ?? process.env;
  const config = loadConfig(env, {}, options.fallbackDataDir);
  prepareDataDir(config.dataDir);
  const profiles = loadProfiles(config.dataDir, env);
  const ledger = new Ledger({ dir: config.dataDir });
  const guardian = new Guardian(config.killGraceMs);
  const bridge = new PtyBridge({ config, ledger, profiles, env, watch: guardian, shellScripts: installedScripts(options.shellScripts) });
  const store = new StateStore(config.dataDir);
  const keeper = config.restore ? new StateKeeper({ bridge, store }) : null;
  // Restoring off, nothing is saved, but a discard still means what an earlier run saved goes.
  if (!keeper) bridge.onDiscard(() => discardSaved(store));
  ledger.append('app_started', undefined, { mode: options.mode, pid: process.pid, data_dir: config.dataDir });
  // Each revived session logs `pty_session_revived` after `app_started`.
  keeper?.restore();
  const stopLoops = bridge.run();
  const stopSaving = keeper?.run();

  let stopping: Promise<void> | null = null;
  // Each step runs whatever the one before it did: a failure must not leave sessions running.
  const shutdown = (reason: string, { discard = false }: ShutdownOptions = {}) =>
    (stopping ??= (async () => {
      try {
        ledger.append('app_stopping', undefined, { reason, sessions: bridge.stats().total_sessions, discard });
        stopLoops();
        stopSaving?.();
        // Saved before anything is stopped, so the sessions are saved as they were.
        const restoring = discard ? (await (keeper ? keeper.discard() : discardSaved(store)), false) : ((await keeper?.close()) ?? false);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, config.killGraceMs + SHUTDOWN_SLACK_MS)));
        await Promise.race([bridge.stopAll({ restoring }), deadline]);
        clearTimeout(timer);
      } finally {
        bridge.killAllNow();
        bridge.dispose();
        guardian.dispose();
        ledger.close();
      }
    })());

  return { config, ledger, bridge, shutdown };
}
