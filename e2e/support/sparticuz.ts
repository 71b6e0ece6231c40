/**
 * The Chromium inside the @sparticuz/chromium npm package, for machines with no browser. The
 * package is made for serverless functions: its own executablePath() unpacks into a /tmp shared
 * by everyone, and its args run Chromium single-process with web security off. We use neither,
 * only its files: the brotli-compressed binary, the NSS, NSPR and expat libraries it carries for
 * Amazon Linux, and its fonts. A fresh Debian image has neither NSS nor any font, and without a
 * font the terminal cannot measure a cell, so nothing typed shows. They are unpacked once per
 * package version into node_modules/.cache: `npm ci` starts clean and nothing outside the
 * project is touched.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

export const SPARTICUZ_PACKAGE = '@sparticuz/chromium';

export interface UnpackedChromium {
  version: string;
  executablePath: string;
  /** The libraries to put first on LD_LIBRARY_PATH. */
  libDir: string;
  /** For FONTCONFIG_FILE: the system's fonts, if any, and the package's. */
  fontConfigFile: string;
}

/** The installed package's folder, or null when it is not installed (e.g. `npm install --omit=dev`). */
export function findSparticuzPackage(): string | null {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve(SPARTICUZ_PACKAGE));
  } catch {
    return null;
  }
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/**
 * Unpacks the package's Chromium the first time, then returns the same copy. Two Playwright
 * workers or a benchmark may race the first time: each unpacks into its own staging folder and
 * renames it into place, so the version folder appears whole or not at all and the loser uses
 * the winner's copy. Nobody ever sees half a 200 MB binary.
 */
export function unpackSparticuz(packageDir: string): UnpackedChromium {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  // <node_modules>/@sparticuz/chromium → <node_modules>/.cache/linger-chromium/<version>
  const dir = path.join(packageDir, '..', '..', '.cache', 'linger-chromium', version);
  const unpacked = {
    version,
    executablePath: path.join(dir, 'chromium'),
    libDir: path.join(dir, 'lib'),
    fontConfigFile: path.join(dir, FONT_CONFIG),
  };
  if (fs.existsSync(dir)) return unpacked;

  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.partial-`);
  try {
    const binary = path.join(staging, 'chromium');
    fs.writeFileSync(binary, inflate(path.join(packageDir, 'bin', 'chromium.br')));
    fs.chmodSync(binary, 0o755);
    untar(inflate(path.join(packageDir, 'bin', 'al2023.tar.br')), staging);
    untar(inflate(path.join(packageDir, 'bin', 'fonts.tar.br')), staging);
    fs.writeFileSync(path.join(staging, FONT_CONFIG), fontConfig(dir));
    fs.chmodSync(staging, 0o755); // mkdtemp's 0700 would keep other users of this checkout out
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (fs.existsSync(dir)) return unpacked; // another process renamed its copy into place first
    throw new Error(
      `Could not unpack the Chromium in ${packageDir} into ${dir} (${(err as Error).message}). ` +
        'Make sure node_modules is writable with about 250 MB free, or set LINGER_CHROMIUM to a Chromium or Chrome binary.',
    );
  }
  return unpacked;
}

/** Replaces the package's own fonts.conf, which points at Lambda's folders. */
const FONT_CONFIG = 'fonts.conf';

/** The system's configuration when there is one (it wins for `monospace`: Open Sans is not), then the package's fonts. */
function fontConfig(dir: string): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${xml(path.join(dir, 'fonts'))}</dir>
  <cachedir>${xml(path.join(dir, 'fontconfig-cache'))}</cachedir>
</fontconfig>
`;
}

function inflate(file: string): Buffer {
  return zlib.brotliDecompressSync(fs.readFileSync(file));
}

/** tar is part of every Debian install (Essential), and this package is only used on Linux. */
function untar(archive: Buffer, into: string): void {
  const result = spawnSync('tar', ['-x', '--no-same-owner', '-C', into], { input: archive, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr.trim()}`);
}
