/**
 * Which Chromium the e2e tests and benchmarks drive: the order, proved on imaginary machines
 * through the resolver's probes, then the real one here, launched through Playwright.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { expect, test } from 'vitest';
import { tempDir } from '../../../electron/host/__tests__/harness';
import {
  CHROMIUM_ARGS,
  MACOS_CHROMIUM_APPS,
  SPARTICUZ_PLATFORM,
  machineProbes,
  resolveChromium,
  sparticuzChromium,
  testChromium,
  type ChromiumProbes,
  type TestChromium,
} from '../chromium';
import { findSparticuzPackage } from '../sparticuz';

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const SPARTICUZ = '/src/linger/node_modules/@sparticuz/chromium';

/** A machine with the given executables (absolute paths) and PATH entries (name → path). */
function machine(options: {
  override?: string;
  files?: string[];
  onPath?: Record<string, string>;
  sparticuz?: boolean;
  platform?: NodeJS.Platform;
  arch?: string;
}): ChromiumProbes {
  const files = new Set([...(options.files ?? []), ...Object.values(options.onPath ?? {})]);
  return {
    override: options.override,
    platform: options.platform ?? 'linux',
    arch: options.arch ?? 'x64',
    isExecutable: (file) => files.has(file),
    which: (name) => options.onPath?.[name] ?? null,
    playwrightExecutable: () => PLAYWRIGHT,
    sparticuzDir: () => (options.sparticuz === false ? null : SPARTICUZ),
  };
}

test('the order: LINGER_CHROMIUM, then a system Chromium, then Playwright’s, then @sparticuz/chromium', () => {
  const everything = { override: '/opt/my/chrome', files: ['/opt/my/chrome', PLAYWRIGHT], onPath: { chromium: '/usr/bin/chromium' } };
  expect(resolveChromium(machine(everything))).toEqual({ source: 'LINGER_CHROMIUM', executablePath: '/opt/my/chrome' });
  const noOverride = { ...everything, override: undefined };
  expect(resolveChromium(machine(noOverride))).toEqual({ source: 'system', executablePath: '/usr/bin/chromium' });
  const noSystem = { ...noOverride, onPath: {} };
  expect(resolveChromium(machine(noSystem))).toEqual({ source: 'playwright', executablePath: PLAYWRIGHT });
  const noPlaywright = { ...noSystem, files: [] };
  expect(resolveChromium(machine(noPlaywright))).toEqual({ source: '@sparticuz/chromium', packageDir: SPARTICUZ });
});

test('a system Chromium or Chrome under any of its usual names, Chromium first; on macOS, the apps', () => {
  const system = (executablePath: string) => ({ source: 'system', executablePath });
  expect(resolveChromium(machine({ onPath: { 'chromium-browser': '/usr/bin/chromium-browser' } }))).toEqual(system('/usr/bin/chromium-browser'));
  expect(resolveChromium(machine({ onPath: { 'google-chrome': '/usr/bin/google-chrome' } }))).toEqual(system('/usr/bin/google-chrome'));
  const both = machine({ onPath: { 'google-chrome-stable': '/usr/bin/google-chrome-stable', chromium: '/snap/bin/chromium' } });
  expect(resolveChromium(both)).toEqual(system('/snap/bin/chromium'));
  const mac = machine({ platform: 'darwin', arch: 'arm64', files: [MACOS_CHROMIUM_APPS[0]!, PLAYWRIGHT] });
  expect(resolveChromium(mac)).toEqual(system(MACOS_CHROMIUM_APPS[0]!));
});

test('a LINGER_CHROMIUM that is not there is an error, not a reason to pick another browser', () => {
  const probes = machine({ override: '/opt/typo/chrome', onPath: { chromium: '/usr/bin/chromium' } });
  expect(() => resolveChromium(probes)).toThrow(
    'LINGER_CHROMIUM=/opt/typo/chrome is not an executable file. Point it at a Chromium or Chrome binary, or unset it to let the tests find one.',
  );
});

test('with nothing to drive, one message says what is missing and what to do', () => {
  expect(() => resolveChromium(machine({ sparticuz: false }))).toThrow(
    /^No Chromium for the end-to-end tests: .*@sparticuz\/chromium is not installed\. Run `npm install` \(it installs the @sparticuz\/chromium dev dependency/,
  );
  // The package's binary is x86-64 Linux only: elsewhere it is no answer.
  for (const [platform, arch] of [['linux', 'arm64'], ['darwin', 'arm64']] as const) {
    expect(() => resolveChromium(machine({ platform, arch }))).toThrow(
      new RegExp(`@sparticuz/chromium is no use on ${platform}-${arch}\\. Install Chromium or Google Chrome .* or set LINGER_CHROMIUM`),
    );
  }
});

test('LINGER_CHROMIUM set to nothing counts as unset', () => {
  expect(machineProbes({ LINGER_CHROMIUM: '' }).override).toBeUndefined();
});

const here = (() => {
  try {
    return testChromium();
  } catch (err) {
    return (err as Error).message;
  }
})();

test('the Chromium resolved on this machine launches with our flags and runs a page', async ({ skip }) => {
  if (typeof here === 'string') return skip(here);
  console.log(`[chromium] ${here.description}`);
  expect(here.launchOptions.args).toEqual(CHROMIUM_ARGS);
  const browser = await chromium.launch(here.launchOptions);
  try {
    const page = await browser.newPage();
    await page.setContent('<p id="p"></p><script>document.getElementById("p").textContent = String(6 * 7)</script>');
    await expect.poll(() => page.textContent('#p')).toBe('42');
  } finally {
    await browser.close();
  }
});

/** The package's Chromium, whichever one the e2e tests use here; or why there is none. */
function sparticuzHere(): TestChromium | string {
  const packageDir = findSparticuzPackage();
  if (!packageDir) return '@sparticuz/chromium is not installed (npm install --omit=dev?)';
  if (`${process.platform}-${process.arch}` !== SPARTICUZ_PLATFORM) return `@sparticuz/chromium has no Chromium for ${process.platform}-${process.arch}`;
  return sparticuzChromium(packageDir);
}

test(
  'the package’s Chromium loads NSS, NSPR and expat from its own copies, so a machine without them needs no apt step',
  ({ skip }) => {
    const packaged = sparticuzHere();
    if (typeof packaged === 'string') return skip(packaged);
    const env = packaged.launchOptions.env!;
    const libDir = env.LD_LIBRARY_PATH!.split(':')[0]!;
    const ldd = execFileSync('ldd', [packaged.launchOptions.executablePath], { env, encoding: 'utf8' });
    for (const lib of ['libnss3.so', 'libnssutil3.so', 'libnspr4.so', 'libplc4.so', 'libplds4.so', 'libexpat.so.1']) {
      expect(ldd).toContain(`${lib} => ${libDir}/${lib}`);
    }
    expect(ldd).not.toContain('not found');
  },
);

test('on a machine with no font at all, the package’s Chromium still draws monospace text from its own fonts', async ({ skip }) => {
  const packaged = sparticuzHere();
  if (typeof packaged === 'string') return skip(packaged);
  // This machine has fonts: leave the system's configuration out of ours to be a fresh Debian image.
  const ours = fs.readFileSync(packaged.launchOptions.env!.FONTCONFIG_FILE!, 'utf8');
  const noSystemFonts = ours.replace(/<include [^>]*>\/etc\/fonts\/fonts\.conf<\/include>/, '');
  expect(noSystemFonts).not.toBe(ours);
  const file = path.join(tempDir('linger-fonts-'), 'fonts.conf');
  fs.writeFileSync(file, noSystemFonts);
  const browser = await chromium.launch({ ...packaged.launchOptions, env: { ...packaged.launchOptions.env, FONTCONFIG_FILE: file } });
  try {
    const page = await browser.newPage();
    // xterm.js sizes its cells from this; at 0 the terminal shows nothing typed.
    const cellWidth = await page.evaluate(() => {
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = '14px monospace';
      return context.measureText('W').width;
    });
    expect(cellWidth).toBeGreaterThan(5);
  } finally {
    await browser.close();
  }
});
