/**
 * Unpacking @sparticuz/chromium's files, on a small package of the same shape (brotli files,
 * real tar archives) so the race between processes is cheap to run many times.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSync } from 'esbuild';
import { beforeEach, expect, test } from 'vitest';
import { tempDir } from '../../../electron/host/__tests__/harness';
import { unpackSparticuz } from '../sparticuz';

const VERSION = '1.2.3';
/** Big enough that writing it takes a while, so racing processes overlap. */
const PADDING_BYTES = 16 * 1024 * 1024;

let root: string;
let packageDir: string;
let cacheDir: string;
let binary: Buffer;

const brotli = (data: Buffer) => zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function tarOf(files: Record<string, string>): Buffer {
  const dir = tempDir('linger-tar-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return execFileSync('tar', ['-c', '-C', dir, ...Object.keys(files)]);
}

beforeEach(() => {
  root = tempDir('linger-sparticuz-');
  packageDir = path.join(root, 'node_modules', '@sparticuz', 'chromium');
  cacheDir = path.join(root, 'node_modules', '.cache', 'linger-chromium');
  fs.mkdirSync(path.join(packageDir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name: '@sparticuz/chromium', version: VERSION }));
  binary = Buffer.concat([Buffer.from('#!/bin/sh\necho fixture chromium "$@"\nexit 0\n#'), Buffer.alloc(PADDING_BYTES, 'x')]);
  fs.writeFileSync(path.join(packageDir, 'bin', 'chromium.br'), brotli(binary));
  fs.writeFileSync(path.join(packageDir, 'bin', 'al2023.tar.br'), brotli(tarOf({ 'lib/libnss3.so': 'nss' })));
  fs.writeFileSync(path.join(packageDir, 'bin', 'fonts.tar.br'), brotli(tarOf({ 'fonts.conf': '<lambda paths/>', 'fonts/Open_Sans/OpenSans-Regular.ttf': 'ttf' })));
});

test('unpacks the binary (executable), the libraries and the fonts into node_modules/.cache, keyed by version', () => {
  const unpacked = unpackSparticuz(packageDir);
  const dir = path.join(cacheDir, VERSION);
  expect(unpacked).toEqual({
    version: VERSION,
    executablePath: path.join(dir, 'chromium'),
    libDir: path.join(dir, 'lib'),
    fontConfigFile: path.join(dir, 'fonts.conf'),
  });
  expect(fs.statSync(unpacked.executablePath).mode & 0o777).toBe(0o755);
  expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
  expect(execFileSync(unpacked.executablePath, ['--version'], { encoding: 'utf8' })).toBe('fixture chromium --version\n');
  expect(fs.readFileSync(path.join(unpacked.libDir, 'libnss3.so'), 'utf8')).toBe('nss');
  // Our font configuration replaces the package's Lambda one: the system's fonts, then the package's.
  const fontConf = fs.readFileSync(unpacked.fontConfigFile, 'utf8');
  expect(fontConf).toContain('<include ignore_missing="yes">/etc/fonts/fonts.conf</include>');
  expect(fontConf).toContain(`<dir>${path.join(dir, 'fonts')}</dir>`);
  expect(fs.existsSync(path.join(dir, 'fonts', 'Open_Sans', 'OpenSans-Regular.ttf'))).toBe(true);
  expect(fs.readdirSync(cacheDir)).toEqual([VERSION]);
});

test('unpacks once: the next call uses the same copy', () => {
  const first = unpackSparticuz(packageDir);
  const before = fs.statSync(first.executablePath);
  fs.rmSync(path.join(packageDir, 'bin', 'chromium.br')); // proves nothing is read again
  expect(unpackSparticuz(packageDir)).toEqual(first);
  expect(fs.statSync(first.executablePath).mtimeMs).toBe(before.mtimeMs);
});

test('half a copy left by a killed run is never used; a broken package is a clear error that leaves nothing behind', () => {
  fs.mkdirSync(path.join(cacheDir, `${VERSION}.partial-killed`), { recursive: true });
  fs.writeFileSync(path.join(cacheDir, `${VERSION}.partial-killed`, 'chromium'), binary.subarray(0, 1000));
  const truncated = fs.readFileSync(path.join(packageDir, 'bin', 'chromium.br')).subarray(0, 1000);
  fs.writeFileSync(path.join(packageDir, 'bin', 'chromium.br'), truncated);
  expect(() => unpackSparticuz(packageDir)).toThrow(/^Could not unpack the Chromium in .* Make sure node_modules is writable .* or set LINGER_CHROMIUM/);
  expect(fs.readdirSync(cacheDir)).toEqual([`${VERSION}.partial-killed`]);
});

test('processes racing the first unpack all get the whole binary, and one copy is kept', async () => {
  const script = path.join(root, 'unpack.mjs');
  buildSync({
    stdin: {
      contents: `
        import { createHash } from 'node:crypto';
        import fs from 'node:fs';
        import { unpackSparticuz } from ${JSON.stringify(path.resolve('e2e/support/sparticuz.ts'))};
        const unpacked = unpackSparticuz(process.argv[2]);
        const sha = createHash('sha256').update(fs.readFileSync(unpacked.executablePath)).digest('hex');
        process.stdout.write(JSON.stringify({ path: unpacked.executablePath, sha }));`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'error',
  });
  const run = () =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [script, packageDir]);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  const results = await Promise.all(Array.from({ length: 4 }, run));
  for (const r of results) {
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ path: path.join(cacheDir, VERSION, 'chromium'), sha: sha256(binary) });
  }
  expect(fs.readdirSync(cacheDir)).toEqual([VERSION]);
});
