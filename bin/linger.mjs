#!/usr/bin/env node
// `linger` (package.json "bin"): runs the bundled CLI. Every build (`npm run build`, `npm start`,
// `npm run serve`) bundles it; a fresh clone that has only run `npm install` bundles it here on
// first use, which takes a moment once. A built CLI runs without esbuild or any dev dependency.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CLI_BUNDLE } from '../scripts/cli-bundle.mjs';

if (!fs.existsSync(CLI_BUNDLE)) {
  const { buildCli } = await import('../scripts/build-node.mjs');
  await buildCli();
}
await import(pathToFileURL(CLI_BUNDLE).href);
