/**
 * The one place that decides which Chromium the e2e specs and the benchmarks drive, so that
 * `npm install && npm test` works on a machine with no browser installed. In order:
 *
 *   1. LINGER_CHROMIUM, when set (and then nothing else: a wrong path is an error, not a hint);
 *   2. a system Chromium or Chrome;
 *   3. Playwright's own Chromium, if someone ran `npx playwright install chromium`;
 *   4. the Chromium inside the @sparticuz/chromium dev dependency (Linux x64 only), unpacked
 *      once into node_modules/.cache (see sparticuz.ts).
 *
 * Whichever wins is launched with our flags below, never a package's own.
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import { resolveCommand } from '../../electron/host/profiles';
import { findSparticuzPackage, unpackSparticuz, type UnpackedChromium } from './sparticuz';

/** Root in a container needs --no-sandbox; the rest keep a closed network from stalling start-up. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Names a system Chromium or Chrome goes by on PATH (Debian, Ubuntu/snap, Fedora, Google's packages). */
export const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
/** macOS installs apps outside PATH. */
export const MACOS_CHROMIUM_APPS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The npm package only ships an x86-64 Linux binary (its arm64 build is a separate download). */
export const SPARTICUZ_PLATFORM = 'linux-x64';

/** What the resolver looks at, so a test can prove the order without touching the machine. */
export interface ChromiumProbes {
  /** LINGER_CHROMIUM as set, or undefined. */
  override: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  /** True when `file` is a file this user may execute. */
  isExecutable(file: string): boolean;
  /** The first executable `name` on PATH, like `which`; null when none. */
  which(name: string): string | null;
  /** Where Playwright's registry keeps its Chromium, installed or not. */
  playwrightExecutable(): string;
  /** The installed @sparticuz/chromium package's folder; null when it is not installed. */
  sparticuzDir(): string | null;
}

export type ChromiumChoice =
  | { source: 'LINGER_CHROMIUM' | 'system' | 'playwright'; executablePath: string }
  | { source: '@sparticuz/chromium'; packageDir: string };

/** Which Chromium to drive, as a plain function of the probes; throws saying what to do when there is none. */
export function resolveChromium(probes: ChromiumProbes): ChromiumChoice {
  if (probes.override !== undefined) {
    if (probes.isExecutable(probes.override)) return { source: 'LINGER_CHROMIUM', executablePath: probes.override };
    throw new Error(
      `LINGER_CHROMIUM=${probes.override} is not an executable file. Point it at a Chromium or Chrome binary, or unset it to let the tests find one.`,
    );
  }
  for (const name of SYSTEM_CHROMIUM_NAMES) {
    const found = probes.which(name);
    if (found) return { source: 'system', executablePath: found };
  }
  if (probes.platform === 'darwin') {
    const app = MACOS_CHROMIUM_APPS.find((file) => probes.isExecutable(file));
    if (app) return { source: 'system', executablePath: app };
  }
  const playwright = probes.playwrightExecutable();
  if (probes.isExecutable(playwright)) return { source: 'playwright', executablePath: playwright };

  const platform = `${probes.platform}-${probes.arch}`;
  const packageDir = probes.sparticuzDir();
  if (platform === SPARTICUZ_PLATFORM && packageDir) return { source: '@sparticuz/chromium', packageDir };
  const fix =
    platform === SPARTICUZ_PLATFORM
      ? 'Run `npm install` (it installs the @sparticuz/chromium dev dependency, whose Chromium the tests use), or set LINGER_CHROMIUM to a Chromium or Chrome binary.'
      : 'Install Chromium or Google Chrome (the Chromium in @sparticuz/chromium runs on Linux x64 only), or set LINGER_CHROMIUM to a Chromium or Chrome binary.';
  throw new Error(
    `No Chromium for the end-to-end tests: LINGER_CHROMIUM is not set, none of ${SYSTEM_CHROMIUM_NAMES.join(', ')} is on PATH, ` +
      `Playwright's Chromium is not installed, and @sparticuz/chromium is ${packageDir ? `no use on ${platform}` : 'not installed'}. ${fix}`,
  );
}

export function machineProbes(env: NodeJS.ProcessEnv = process.env): ChromiumProbes {
  return {
    override: env.LINGER_CHROMIUM || undefined,
    platform: process.platform,
    arch: process.arch,
    isExecutable: (file) => file.includes('/') && resolveCommand(file) !== null,
    which: (name) => resolveCommand(name, env.PATH),
    playwrightExecutable: () => chromium.executablePath(),
    sparticuzDir: findSparticuzPackage,
  };
}

/** The browser as Playwright launches it, and where it came from. */
export interface TestChromium {
  /** One line for the top of a run: which source won, and the binary. */
  description: string;
  launchOptions: { executablePath: string; args: string[]; env?: Record<string, string> };
}

let resolved: TestChromium | null = null;

/** The Chromium to drive here, resolved once per process (unpacking it the first time, if it comes from the package). */
export function testChromium(): TestChromium {
  resolved ??= prepare(resolveChromium(machineProbes()));
  return resolved;
}

function prepare(choice: ChromiumChoice): TestChromium {
  if (choice.source !== '@sparticuz/chromium') {
    return { description: `${choice.source}: ${choice.executablePath}`, launchOptions: { executablePath: choice.executablePath, args: CHROMIUM_ARGS } };
  }
  return sparticuzChromium(choice.packageDir);
}

/** The package's Chromium, unpacked, with what it needs to run anywhere (Linux x64). */
export function sparticuzChromium(packageDir: string): TestChromium {
  const unpacked = unpackSparticuz(packageDir);
  return {
    description: `@sparticuz/chromium ${unpacked.version} (no LINGER_CHROMIUM, system or Playwright Chromium found): ${path.relative(process.cwd(), unpacked.executablePath)}`,
    launchOptions: { executablePath: unpacked.executablePath, args: CHROMIUM_ARGS, env: sparticuzEnv(unpacked) },
  };
}

/**
 * The package's NSS, NSPR and expat come first, and its fonts are there, so a machine without
 * them (a fresh Debian image has neither NSS nor a font) needs no apt step.
 */
function sparticuzEnv(unpacked: UnpackedChromium): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.LD_LIBRARY_PATH = [unpacked.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter);
  env.FONTCONFIG_FILE = unpacked.fontConfigFile;
  return env;
}
