#!/usr/bin/env node
// `npm start` (after the build): runs the Electron binary on this project. The `electron` npm
// package ships no binary: its index.js downloads one from GitHub's releases on first use
// (install.js, via @electron/get) and records it in node_modules/electron/path.txt. This
// script finds that binary without the side effect, downloads it once if missing, and when
// that fails says why, how to get it, and how to run Linger without it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist', 'electron', 'main.cjs');
const require = createRequire(import.meta.url);

function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable electron's own index.js would run, or null when it is not there. */
export function findElectronBinary() {
  const dir = electronPackageDir();
  if (!dir) return null;
  let relative = null;
  try {
    relative = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8');
  } catch {
    // never installed
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative || 'electron') : relative ? path.join(dir, 'dist', relative) : null;
  return candidate && fs.existsSync(candidate) ? candidate : null;
}

const MISSING_BINARY = `
Linger: the Electron binary is not installed, so the desktop app cannot start.

Why: the "electron" npm package downloads its binary from
https://github.com/electron/electron/releases the first time it is used, and that
download did not succeed (no network, a proxy, or a blocked host).

Get it, then run "npm start" again:
  npx install-electron
      the electron package's own installer (same as: node node_modules/electron/install.js)
  ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npx install-electron
      from a mirror, when GitHub is out of reach (any mirror with the same layout works)
  ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-folder npm start
      use an Electron ${readElectronVersion()} you already have

Or run the same app in your browser, no Electron needed:
  npm run serve
`;

function readElectronVersion() {
  const dir = electronPackageDir();
  return dir ? JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version : '(see package.json)';
}

function main() {
  if (!fs.existsSync(MAIN)) {
    console.error(`Linger: ${path.relative(ROOT, MAIN)} is missing. Run "npm start", which builds it first (or "npm run build").`);
    process.exit(1);
  }
  let binary = findElectronBinary();
  const dir = electronPackageDir();
  if (!binary && dir) {
    console.error('Linger: the Electron binary is not installed yet; downloading it once (node_modules/electron/install.js)…');
    spawnSync(process.execPath, [path.join(dir, 'install.js')], { stdio: 'inherit' });
    binary = findElectronBinary();
  }
  if (!binary) {
    console.error(MISSING_BINARY);
    process.exit(1);
  }
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    console.error('Linger: Chromium will not run as root with its sandbox on, and Linger does not turn the sandbox off. Run it as a normal user.');
  }

  // Set in a parent Electron process, this would make the binary run as plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit', env });
  // Ctrl+C reaches both processes; a signal sent to this one alone is passed on, so the app
  // still takes its orderly path (every session stopped) before it exits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => {
    console.error(`Linger: could not run ${binary}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
