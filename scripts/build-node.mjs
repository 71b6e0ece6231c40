// Bundles the Node side: Electron's main and preload (CommonJS, as a sandboxed preload must
// be), browser mode's server, the `linger` CLI and the benchmarks. node-pty is native and
// electron is provided by the runtime, so both stay external.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CLI_BUNDLE } from './cli-bundle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Entry points and outputs are relative to the project, wherever this runs from (bin/linger.mjs).
  absWorkingDir: ROOT,
  external: ['node-pty', 'electron', 'bufferutil', 'utf-8-validate', 'playwright-core', '@playwright/test'],
  logLevel: 'warning',
};

// ESM output that bundles CommonJS dependencies needs a real `require`.
const esmBanner = {
  js: "import { createRequire as __lingerCreateRequire } from 'node:module'; const require = __lingerCreateRequire(import.meta.url);",
};

/** Electron's main process, as `npm start` and the packaged app run it; its test builds this too. */
export const MAIN_BUILD = { ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs' };

/**
 * The `linger` CLI alone, as one file with no dependencies outside Node (tests build it to a temp
 * path). Built in a folder of its own and renamed into place, so two first runs of bin/linger.mjs
 * at once never run a half-written bundle.
 */
export async function buildCli(outfile = CLI_BUNDLE) {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(outfile), '.building-'));
  try {
    const staged = path.join(staging, path.basename(outfile));
    await build({ ...common, entryPoints: ['electron/cli/main.ts'], outfile: staged, format: 'esm', banner: esmBanner });
    fs.renameSync(`${staged}.map`, `${outfile}.map`);
    fs.renameSync(staged, outfile);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Shells read their integration scripts from disk, next to the bundle (electron/host/
 * shell-integration.ts): copied fresh into `electronDir`, as the build and main's test lay it out.
 */
export function copyShellScripts(electronDir) {
  const target = path.join(electronDir, 'shell-scripts');
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'electron', 'host', 'shell-scripts'), target, { recursive: true });
}

// Entry points land issue by issue; build the ones that exist.
const only = (options) => (fs.existsSync(path.join(ROOT, options.entryPoints[0])) ? build(options) : null);

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  copyShellScripts(path.join(ROOT, 'dist', 'electron'));
  await Promise.all([
    only(MAIN_BUILD),
    only({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs' }),
    only({ ...common, entryPoints: ['electron/serve.ts'], outfile: 'dist/electron/serve.mjs', format: 'esm', banner: esmBanner }),
    buildCli(),
    only({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench/run.mjs', format: 'esm', banner: esmBanner }),
  ]);
}
