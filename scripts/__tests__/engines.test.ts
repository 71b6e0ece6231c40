/**
 * package.json's `engines` is the Node this project supports: every locked package accepts all
 * of it, so `npm install` there prints no EBADENGINE warning. A dependency that raises its floor
 * fails this test until `engines` (and the README's first screen) follow it.
 */
import fs from 'node:fs';
import semver from 'semver';
import { expect, test } from 'vitest';

interface LockEntry {
  engines?: { node?: string } | string[];
}

test('every locked package accepts every Node our engines field accepts', () => {
  const ours = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
  const narrower = Object.entries(lock.packages).flatMap(([where, entry]) => {
    const theirs = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    return theirs && !semver.subset(ours, theirs) ? [`${where}: node ${theirs}`] : [];
  });
  expect(narrower).toEqual([]);
});
