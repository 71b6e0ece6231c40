#!/usr/bin/env node
// `linger` (package.json "bin"): runs the bundled CLI. Every build (`npm run build`, `npm start`,
// `npm run serve`) bundles it; a fresh clone that has only run `npm install` bundles it here on
// first use, which takes a moment once.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CLI_BUNDLE, buildCli } from '../scripts/build-node.mjs';

if (!fs.existsSync(CLI_BUNDLE)) await buildCli();
await import(pathToFileURL(CLI_BUNDLE).href);
