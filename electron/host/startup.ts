/**
 * What the host needs before it can start, checked up front so a user gets one sentence naming
 * the problem and the fix instead of a stack trace from deep inside the ledger.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A problem the user can fix (a setting, a folder, a file); its message says how. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The data dir holds every command line and, restored, screens: its owner's alone. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates the data folder (owner-only) if needed and proves it takes a file. A folder that
 * already exists keeps its mode — LINGER_DATA_DIR may name a folder the user shares on purpose —
 * while every file Linger puts in it is created owner-only.
 */
export function prepareDataDir(dir: string): void {
  try {
    makeDirs(dir);
    const probe = path.join(dir, `.linger-probe-${process.pid}`);
    fs.writeFileSync(probe, '', { mode: 0o600 });
    fs.rmSync(probe);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StartupError(
      `Linger cannot use its data folder ${dir} (${reason}: ${describe(reason)}). ` +
        'Set LINGER_DATA_DIR to a folder you can write, or fix this one; it holds the ledger and profiles.json.',
    );
  }
}

/**
 * `mkdir -p`, owner-only, for every folder Linger makes. Not `fs.mkdirSync(…, {recursive: true})`:
 * on Node 20 that never returns for a folder that cannot be made under an existing one
 * (LINGER_DATA_DIR=/proc/x spun forever).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !fs.existsSync(current); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) fs.mkdirSync(folder, { mode: PRIVATE_DIR_MODE });
}

function describe(code: string): string {
  switch (code) {
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    case 'EEXIST':
      return 'a file has that name';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      return 'a parent folder cannot be created';
    default:
      return 'it cannot be written';
  }
}
